"""Fixtures for the import and export tests: an administrator, and bundles written to disk."""

from __future__ import annotations

import importlib
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from samspil.accounts.constants import Role
from samspil.accounts.models import User
from samspil.incidents.models import IncidentCategory, Involvement
from samspil.organisations.models import Organisation
from samspil.persons.models import NameToken, Person, Relation

Files = dict[str, str]

# Fictitious: the CPR numbers fail modulus 11 (see synthetic.fictitious_cpr).
PERSONS = (
    "person_key,cpr,given_name,family_name,birth_date,gender,municipality_code,address,"
    "postal_code\r\n"
    "P1,2811124237,Søren Åge,Müller-Hansen,,,265,Fiktivvej 1,4000\r\n"
    "P2,150385-1236,Mette,Fiktivsen,1985-03-15,,265,Fiktivvej 1,4000\r\n"
    "P3,,Lille,Fiktivsen,2016-05-04,X,265,,\r\n"
)
RELATIONS = (
    "person_key,related_person_key,relation\r\n"
    "P2,P1,parent_of\r\n"
    "P2,P3,caregiver_of\r\n"
)
INCIDENTS = (
    "journal_no,occurred_at,reported_at,category,municipality_code,lat,lon,narrative\r\n"
    'J1,2025-03-01T23:30:00,,violence,265,55.64,12.08,"Råb, skrig og ""slag"""\r\n'
    "J2,2025-03-02T08:00:00+00:00,2025-03-02T09:00:00Z,theft,259,,,\r\n"
)
INVOLVEMENTS = (
    "journal_no,person_key,role\r\n"
    "J1,P1,suspect\r\n"
    "J1,P2,victim\r\n"
    "J2,P3,witness\r\n"
)


def good_files() -> Files:
    return {
        "persons.csv": PERSONS,
        "relations.csv": RELATIONS,
        "incidents.csv": INCIDENTS,
        "involvements.csv": INVOLVEMENTS,
    }


def ensure_categories() -> None:
    """A flush by a transactional test empties the table the data migration filled."""
    if not IncidentCategory.objects.exists():
        module = importlib.import_module("samspil.incidents.migrations.0003_default_categories")
        for code, label_da, label_en, crime_class, weight, psp in module.CATEGORIES:
            IncidentCategory.objects.create(code=code, label_da=label_da, label_en=label_en,
                                            crime_class=crime_class, risk_weight=weight, psp=psp)


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are asserted in English unless a test asks for Danish (the site default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def categories(db: Any) -> None:
    ensure_categories()


@pytest.fixture
def administrator(make_user: Callable[..., User], police: Organisation, categories: None) -> User:
    return make_user("ada", police, Role.ADMINISTRATOR)


def write_bundle(folder: Path, files: Files, *, bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return folder


def zip_bundle(path: Path, files: Files, *, top: str | None = "bundle") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"{top}/{name}" if top else name, text.encode("utf-8"))
    return path


@pytest.fixture
def bundle(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1000))

    def factory(files: Files | None = None, **kwargs: Any) -> Path:
        return write_bundle(tmp_path / f"bundle{next(counter)}", good_files() if files is None
                            else files, **kwargs)

    return factory


def table_counts() -> dict[str, int]:
    from samspil.audit.models import AuditEntry
    from samspil.incidents.models import Incident

    return {
        "persons": Person.objects.count(),
        "tokens": NameToken.objects.count(),
        "relations": Relation.objects.count(),
        "incidents": Incident.objects.count(),
        "involvements": Involvement.objects.count(),
        "audit": AuditEntry.objects.count(),
    }

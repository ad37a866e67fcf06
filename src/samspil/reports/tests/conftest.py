"""The hand-written bundle with known figures (bundles/annual_2025), imported for the report
tests through the importer of `samspil import` — all four files, cases.csv included."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from samspil.accounts.constants import Role
from samspil.accounts.models import User
from samspil.conftest import make_organisation
from samspil.organisations.constants import OrganisationKind
from samspil.organisations.models import Municipality, Organisation

BUNDLE = Path(__file__).resolve().parent / "bundles" / "annual_2025"


def import_bundle(organisation: Organisation) -> None:
    """`samspil import BUNDLE` of the whole bundle (persons, incidents, involvements, cases)."""
    call_command("import", str(BUNDLE), organisation=organisation.slug, synthetic=True,
                 stdout=io.StringIO())


def owner_organisations() -> None:
    """The organisations the importer makes owners of the bundle's cases: per case type the
    police, the Konfliktråd or the municipality of the case's district or municipality."""
    make_organisation("test-ssj-politi", OrganisationKind.POLICE, "syd-soenderjylland")
    make_organisation("test-konfliktraad", OrganisationKind.MEDIATION, "midt-vestsjaelland")
    make_organisation("test-ssj-konfliktraad", OrganisationKind.MEDIATION, "syd-soenderjylland")
    for slug, code in (("test-roskilde", "265"), ("test-holbaek", "316"),
                       ("test-esbjerg", "561")):
        district = Municipality.objects.get(code=code).district.slug
        make_organisation(slug, OrganisationKind.MUNICIPALITY, district, code)


@pytest.fixture
def annual_bundle(police: Organisation) -> None:
    owner_organisations()
    import_bundle(police)


@pytest.fixture
def analyst(make_user: Callable[..., User], police: Organisation) -> User:
    return make_user("anna", police, Role.ANALYST)


@pytest.fixture
def municipal_analyst(make_user: Callable[..., User], koege: Organisation) -> User:
    return make_user("kamma", koege, Role.ANALYST)


@pytest.fixture
def outsider_analyst(make_user: Callable[..., User], foreign_police: Organisation) -> User:
    return make_user("oskar", foreign_police, Role.ANALYST)

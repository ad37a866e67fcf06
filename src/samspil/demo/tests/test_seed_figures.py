"""The calibrated demo district reproduces the published 2024 and 2025 figures exactly.

The demo builds persons, incidents and cases through the normal import and case services; the
report counts them. Nothing here (nor in the demo) writes a figure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from samspil.demo.build import demo_build
from samspil.organisations.models import District
from samspil.reports.annual import annual_report
from samspil.reports.seed_check import compare

# The contract lives in ../shared/spec/; a copy sits beside this test for clones without it.
SHARED = Path(settings.BASE_DIR).parent / "shared" / "spec" / "seed-figures.json"
COPY = Path(__file__).with_name("seed-figures.json")


def _seed_figures() -> dict:
    path = SHARED if SHARED.exists() else COPY
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_vendored_copy_matches_the_contract():
    copy = json.loads(COPY.read_text(encoding="utf-8"))
    assert copy["district"] == "midt-vestsjaelland" and {"2024", "2025"} <= copy.keys()
    if SHARED.exists():  # beside a clone that has ../shared, the copy must equal the contract
        assert json.loads(SHARED.read_text(encoding="utf-8")) == copy


@pytest.mark.django_db
def test_the_demo_district_reproduces_every_published_figure():
    demo_build(seed=2025, say=lambda line: None)
    district = District.objects.get(slug="midt-vestsjaelland")
    seed = _seed_figures()
    problems = []
    for year in ("2024", "2025"):
        report = annual_report(district, int(year))
        problems += [f"{year}: {problem}" for problem in compare(report, seed)]
    assert problems == []

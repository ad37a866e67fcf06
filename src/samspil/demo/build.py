"""`samspil demo` step by step. Each step builds its part once and is skipped when it is there,
so the command is safe to run again (it then only refreshes users and backup codes)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from samspil.accounts.models import User
from samspil.demo.cases import Actors, demo_case_work_build
from samspil.demo.organisations import (
    POLICE,
    demo_organisations_build,
    demo_users_build,
)
from samspil.demo.population import generate_population, write_bundle
from samspil.demo.socialsoeg import demo_socialsoeg_build
from samspil.interchange.services import bundle_import
from samspil.meetings.demo import demo_fora_build
from samspil.organisations.models import Organisation
from samspil.organisations.services import reference_data_load
from samspil.persons.models import Person
from samspil.plans.demo import demo_plans_build
from samspil.risk.models import ScreeningRun

FIRST_DEMO_PERSON = "DEMO-P000001"


def demo_build(*, seed: int, say: Callable[[str], None]) -> None:
    reference_data_load()
    organisations = demo_organisations_build()
    demo_users_build(organisations)
    say(f"organisations: {len(organisations)}")
    police = Organisation.objects.get(slug=POLICE)
    if not Person.objects.filter(person_key=FIRST_DEMO_PERSON).exists():
        population = generate_population(seed)
        with tempfile.TemporaryDirectory(prefix="samspil-demo-") as folder:
            counts = write_bundle(population, Path(folder))
            result = bundle_import(actor=None, path=Path(folder), organisation=police,
                                   is_synthetic=True)
        if result.problems:
            raise RuntimeError(f"the demo bundle has problems: {result.problems[:3]}")
        say("population: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    users = {u.username: u for u in User.objects.filter(is_synthetic=True)}
    actors = Actors(
        officer=users["betjent"],
        reviewer=users["socialsoeg"],
        mediator=users["koordinator.konfliktraad"],
        caseworkers={
            u.organisation.municipality.code: u
            for u in users.values()
            if u.username.startswith("sagsbehandler.") and u.organisation
            and u.organisation.municipality and u.organisation.district_id == police.district_id
        },
    )
    steps = demo_case_work_build(actors=actors, seed=seed)
    if steps:
        say("case work: " + ", ".join(f"{name} {n}" for name, n in steps.items()))
    if not ScreeningRun.objects.filter(district_id=police.district_id).exists():
        counts = demo_socialsoeg_build(reviewer=actors.reviewer, seed=seed)
        say("socialsøg: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    fora = demo_fora_build(seed=seed, year=2025)
    say("fora: " + ", ".join(f"{name} {n}" for name, n in fora.items()))
    plans = demo_plans_build()
    say("plans: " + ", ".join(f"{name} {n}" for name, n in plans.items()))

"""The load benchmark's locustfile against the live test server: every user runs each of its
tasks once (the plan's tour), and every request answers what a signed-in user expects, so the
locustfile cannot rot between benchmark runs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from samspil.bench.load import plan_write, read_locust_stats, run_locust
from samspil.cases.models import Case
from samspil.organisations.models import Municipality
from samspil.persons.services import person_register

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = [
    ("Mette", "Hansen"),
    ("Jens Peter", "Nielsen"),
    ("Sofie", "Jensen"),
    ("Ali", "Pedersen"),
    ("Freja", "Andersen"),
    ("Mads", "Christensen"),
]
USERS = 3  # one officer and the two analysts


def test_the_load_task_mix_runs_without_one_failed_request(
    live_server, officer, client_for, tmp_path
):
    roskilde = Municipality.objects.get(code="265")
    persons = [
        person_register(
            actor=officer,
            given_name=given,
            family_name=family,
            municipality=roskilde,
            birth_date=date(1980 + index, 5, 17),
            is_synthetic=True,
        )
        for index, (given, family) in enumerate(NAMES * 2)
    ]
    now = timezone.now()
    for index, person in enumerate(persons):
        Case.objects.create(
            owner_organisation=officer.organisation,
            case_type="ukn_screening",
            case_ref=f"LOAD-SMOKE-{index}",
            state="open",
            municipality=roskilde,
            person=person,
            opened_at=now - timedelta(days=index),
            due_date=(now + timedelta(days=20)).date(),
            is_synthetic=True,
        )
    plan = tmp_path / "plan.json"
    written = plan_write(
        plan, organisation=officer.organisation, users=USERS, wait=(0.05, 0.2), seed=1, tour=True
    )
    assert written["plan_open_screenings"] == len(persons)

    # The live server runs in this process: one request per page first loads the templates and
    # the catalogue, which the cold server would otherwise do in every thread at once.
    warm = client_for(officer)
    for path in (
        "/personer/?q=Hansen",
        f"/personer/{persons[0].pk}/",
        "/sager/koe/alle/",
        "/rapporter/",
    ):
        assert warm.get(path).status_code == 200

    completed = run_locust(
        host=live_server.url,
        plan=plan,
        users=USERS,
        seconds=120,
        prefix=tmp_path / "locust",
        spawn_rate=USERS,
    )

    assert (tmp_path / "locust.json").exists(), completed.stderr[-3000:]
    stats = read_locust_stats(tmp_path / "locust")
    # The officer's tour reads the case page before its step: six requests; each analyst two.
    assert stats["overall"]["requests"] == 10, completed.stderr[-2000:]
    assert stats["overall"]["failures"] == 0, stats["failure_kinds"]
    assert {name for name, row in stats["endpoints"].items() if row["requests"]} == {
        "person search",
        "person page",
        "UKN queue",
        "case page",
        "case transition",
        "report dashboard",
    }
    # The step went through the real form: those screenings are closed now.
    assert Case.objects.filter(state="screened", closed_at__isnull=False).exists()

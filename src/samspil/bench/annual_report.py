"""Annual-report benchmark: the report of one district and year on a national-scale PostgreSQL
database — 300,000 persons, 400,000 incidents, 1,000,000 involvements and 250,000 cases over five
years at scale 1, all fictitious — in under 10 seconds (TARGET_SECONDS).

The database (samspil_bench_report unless SAMSPIL_BENCH_POSTGRES_URL names another) is created
for the run, migrated, seeded with COPY straight into the tables (seeding is not what is measured)
and dropped afterwards. The report runs in a child process with that DATABASE_URL (this module
with --worker), so Django is configured for the throwaway database; the timing covers exactly
``annual.annual_report`` (all its queries) and the JSON, once cold and then warm.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/samspil_bench_report"
TARGET_SECONDS = 10.0
FULL = {"persons": 300_000, "incidents": 400_000, "involvements": 1_000_000, "cases": 250_000}
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
DISTRICT = "midt-vestsjaelland"
YEAR = 2025
FIRST_YEAR = YEAR - 4

# Case types in roughly the proportions of the published figures (per district and year).
CASE_MIX = (
    ("victim_followup", 1416), ("social_report", 1146), ("ukn_screening", 682),
    ("victim_support_referral", 471), ("psp_discussion", 600), ("officer_request", 450),
    ("conflict_mediation", 190), ("restraining_order_request", 155), ("area_ban", 40),
    ("concern_conversation", 300), ("exit_programme", 20), ("release_coordination", 60),
)  # fmt: skip
ROLES = ("suspect", "charged", "victim", "witness", "reporter", "involved", "child_present")


# --- the parent: a throwaway database around the worker ---------------------------------------

def _admin_connection(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    return psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from psycopg import sql

    url = os.environ.get("SAMSPIL_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    name = urlsplit(url).path.lstrip("/")
    with _admin_connection(url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            command = [sys.executable, "-m", "samspil.bench.annual_report", "--worker",
                       "--scale", str(args.scale), "--seed", str(args.seed)]
            completed = subprocess.run(command, env={**os.environ, "DATABASE_URL": url},
                                       capture_output=True, text=True, check=False)
            if completed.returncode != 0:
                raise RuntimeError(f"report worker failed:\n{completed.stderr[-4000:]}")
            result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
            result["server_version"] = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
    result["database"] = name
    return result


# --- the worker: seed with COPY, then time the report -----------------------------------------

def _copy(model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """COPY rows into the model's table. Columns not given get the field's default, an empty
    string (blank text) or NULL, so the seed keeps up with fields added later."""
    from django.db import connection
    from psycopg.types.json import Jsonb

    now = datetime.now(UTC)
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)

    def fill(field: Any) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        return ""

    defaults = {f.attname: fill(f) for f in fields if not callable(f.default)}
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for f in fields:
                value = row[f.attname] if f.attname in row else (
                    defaults[f.attname] if f.attname in defaults else fill(f))
                values.append(Jsonb(value) if isinstance(value, dict | list) else value)
            copy.write_row(values)
            count += 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
    return count


def _moment(rng: random.Random, first: date, days: int) -> datetime:
    day = first + timedelta(days=rng.randrange(days))
    return datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), tzinfo=UTC)


def _seed(scale: float, seed: int) -> dict[str, int]:
    from samspil.cases.models import Case
    from samspil.cases.workflows import CASE_TYPES
    from samspil.incidents.models import Incident, IncidentCategory, Involvement
    from samspil.organisations.models import District, Municipality, Organisation
    from samspil.persons.models import Person

    rng = random.Random(seed)
    size = {key: max(50, round(value * scale)) for key, value in FULL.items()}
    owner, _ = Organisation.objects.get_or_create(
        slug="bench-politi", defaults={"name": "Benchmark-politi", "kind": "police",
                                       "district": District.objects.get(slug=DISTRICT),
                                       "is_synthetic": True})
    municipalities = list(Municipality.objects.values_list("id", flat=True))
    categories = list(IncidentCategory.objects.values_list("id", "psp"))
    # PSP categories are about a tenth of the incidents, as in the published figures.
    psp = [pk for pk, is_psp in categories if is_psp]
    other = [pk for pk, is_psp in categories if not is_psp]
    first, days = date(FIRST_YEAR, 1, 1), (date(YEAR + 1, 1, 1) - date(FIRST_YEAR, 1, 1)).days
    common = {"owner_organisation_id": owner.pk, "is_synthetic": True, "source": "demo",
              "confidentiality": "normal"}

    def persons() -> Iterator[dict[str, Any]]:
        for pk in range(1, size["persons"] + 1):
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(76 * 365))
            yield {**common, "id": pk, "person_key": f"B-{pk}", "birth_date": born,
                   "gender": rng.choice("MMFFX" if pk % 50 == 0 else "MF"),
                   "municipality_id": rng.choice(municipalities),
                   "given_name": "Fiktiv", "family_name": f"Person {pk}",
                   "name_folded": f"fiktiv person {pk}", "cpr_hash": None}

    def incidents() -> Iterator[dict[str, Any]]:
        for pk in range(1, size["incidents"] + 1):
            at = _moment(rng, first, days)
            yield {**common, "id": pk, "journal_no": f"B-{pk}", "occurred_at": at,
                   "occurred_on": at.astimezone(COPENHAGEN).date(), "reported_at": at,
                   "category_id": rng.choice(psp) if rng.random() < 0.1 else rng.choice(other),
                   "municipality_id": rng.choice(municipalities), "lat": None, "lon": None}

    def involvements() -> Iterator[dict[str, Any]]:
        n_inc, n_inv = size["incidents"], size["involvements"]
        for pk in range(1, n_inv + 1):
            # Consecutive involvements share an incident and differ in role: never a duplicate.
            yield {"id": pk, "incident_id": 1 + (pk - 1) * n_inc // n_inv,
                   "person_id": rng.randrange(1, size["persons"] + 1),
                   "role": ROLES[pk % len(ROLES)]}

    def cases() -> Iterator[dict[str, Any]]:
        types = [t for t, _ in CASE_MIX]
        weights = [w for _, w in CASE_MIX]
        for pk in range(1, size["cases"] + 1):
            case_type = rng.choices(types, weights)[0]
            definition = CASE_TYPES[case_type]
            opened = _moment(rng, first, days)
            closed = opened + timedelta(days=rng.randrange(60), hours=rng.randrange(24)) \
                if rng.random() < 0.85 else None
            outcome = rng.choice(definition.outcomes) if closed else ""
            state = next((t.to_state for t in definition.transitions if outcome in t.outcomes),
                         definition.initial_state) if outcome else definition.initial_state
            person = None if case_type == "officer_request" else rng.randrange(
                1, size["persons"] + 1)
            yield {**common, "id": pk, "case_type": case_type, "case_ref": f"B-{pk}",
                   "state": state, "municipality_id": rng.choice(municipalities),
                   "person_id": person,
                   # A screening is about an incident; each case its own, so never a duplicate.
                   "incident_id": pk if case_type == "ukn_screening" and pk <= size["incidents"]
                   else None,
                   "opened_at": opened, "closed_at": closed, "outcome": outcome,
                   "origin": rng.choice(definition.origins) if definition.origins else "",
                   "crime_class": "", "due_date": None, "fields": {}}

    counts = {
        "persons": _copy(Person, persons()),
        "incidents": _copy(Incident, incidents()),
        "involvements": _copy(Involvement, involvements()),
        "cases": _copy(Case, cases()),
    }
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def worker(scale: float, seed: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from samspil.organisations.models import District
    from samspil.organisations.services import reference_data_load
    from samspil.reports import annual

    if connection.vendor != "postgresql":
        raise SystemExit("the annual-report benchmark needs PostgreSQL (DATABASE_URL)")
    call_command("migrate", verbosity=0, interactive=False)
    reference_data_load()
    clock = time.perf_counter()
    counts = _seed(scale, seed)
    seed_seconds = time.perf_counter() - clock

    district = District.objects.get(slug=DISTRICT)
    timings = []
    report: dict[str, Any] = {}
    queries = 0
    for _ in range(3):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            clock = time.perf_counter()
            report = annual.annual_report(district, YEAR)
            annual.dumps(report)
            timings.append(time.perf_counter() - clock)
        queries = len(captured.captured_queries)
    return {
        "rows": counts,
        "seed_seconds": round(seed_seconds, 1),
        "district": DISTRICT,
        "year": YEAR,
        "report_seconds_cold": round(timings[0], 3),
        "report_seconds_warm": round(min(timings[1:]), 3),
        "queries": queries,
        "target_seconds": TARGET_SECONDS,
        "within_target": timings[0] < TARGET_SECONDS,
        "ukn_screenings": report["ukn_screening"]["cases"],
        "psp_monitored_incidents": report["psp"]["monitored_incidents"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samspil.bench.annual_report")
    parser.add_argument("--worker", action="store_true",
                        help="seed and time in this process (DATABASE_URL: a throwaway database)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.scale, args.seed)))
    else:
        print(json.dumps(run(args), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

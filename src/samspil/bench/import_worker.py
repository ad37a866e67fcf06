"""Child process of the import benchmark: import one bundle into the database DATABASE_URL names.

Prints one JSON line: the import's time by phase, rows per second, the second (idempotent) import,
and with --baseline the bare load of the same rows into unindexed tables (COPY on PostgreSQL,
executemany on SQLite) in the same database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def _phases() -> tuple[Any, dict[str, float]]:
    """A progress callback that records when each stage (checking X, writing X) began."""
    seen: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        seen.setdefault(stage, time.perf_counter())

    return progress, seen


def _durations(started: float, seen: dict[str, float], ended: float) -> dict[str, float]:
    marks = sorted(seen.items(), key=lambda item: item[1])
    durations: dict[str, float] = {}
    if marks:
        durations["open_and_read"] = round(marks[0][1] - started, 3)
    for (stage, at), (_next, until) in zip(marks, [*marks[1:], ("end", ended)], strict=True):
        durations[stage] = round(until - at, 3)
    return durations


def _baseline(bundle: Path) -> float:
    """Seconds to load the bundle's CSV rows as they are into unindexed text tables."""
    import csv

    from django.db import connection, transaction

    clock = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for path in sorted(bundle.glob("*.csv")):
            table = f"bench_bare_{path.stem}"
            with path.open(encoding="utf-8", newline="") as handle:
                header = next(csv.reader(handle))
            columns = ", ".join(f"{name} text" for name in header)
            cursor.execute(f"CREATE TABLE {table} ({columns})")
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(
                    f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)"
                ) as copy, path.open("rb") as data:
                    while chunk := data.read(1 << 20):
                        copy.write(chunk)
            else:
                with path.open(encoding="utf-8", newline="") as handle:
                    reader = csv.reader(handle)
                    next(reader)
                    marks = ", ".join("?" for _ in header)
                    cursor.cursor.executemany(
                        f"INSERT INTO {table} VALUES ({marks})", reader)
    seconds = time.perf_counter() - clock
    with connection.cursor() as cursor:
        for path in bundle.glob("*.csv"):
            cursor.execute(f"DROP TABLE bench_bare_{path.stem}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--bad-bundle", type=Path,
                        help="a bundle with one bad row: time finding it (nothing may be written)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("en")  # stage names in the JSON stay the same whatever the site language
    from django.core.management import call_command
    from django.db import connection

    from samspil.incidents.models import Incident, Involvement
    from samspil.interchange.services import bundle_import
    from samspil.organisations.constants import OrganisationKind
    from samspil.organisations.models import District, Organisation
    from samspil.organisations.services import reference_data_load
    from samspil.persons.models import NameToken, Person, Relation

    clock = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    reference_data_load()
    migrate_seconds = time.perf_counter() - clock
    organisation, _created = Organisation.objects.get_or_create(
        slug="bench-politi",
        defaults={"name": "Benchmark Politi", "kind": OrganisationKind.POLICE,
                  "district": District.objects.get(slug="midt-vestsjaelland"),
                  "is_synthetic": True},
    )
    bad: dict[str, Any] | None = None
    if args.bad_bundle:
        clock = time.perf_counter()
        refused = bundle_import(actor=None, path=args.bad_bundle, organisation=organisation)
        bad = {
            "seconds": round(time.perf_counter() - clock, 2),
            "rows": sum(counts.rows for counts in refused.counts.values()),
            "problems": [str(problem) for problem in refused.problems_shown[:5]],
            "persons_written": Person.objects.count(),
        }
    progress, seen = _phases()
    started = time.perf_counter()
    result = bundle_import(actor=None, path=args.bundle, organisation=organisation,
                           is_synthetic=True, progress=progress)
    ended = time.perf_counter()
    if not result.ok:
        raise SystemExit("\n".join(str(problem) for problem in result.problems_shown[:20]))
    rows = sum(counts.rows for counts in result.counts.values())
    seconds = ended - started
    tables = {
        "persons": Person.objects.count(), "name_tokens": NameToken.objects.count(),
        "relations": Relation.objects.count(), "incidents": Incident.objects.count(),
        "involvements": Involvement.objects.count(),
    }
    again = time.perf_counter()
    second = bundle_import(actor=None, path=args.bundle, organisation=organisation,
                           is_synthetic=True)
    again = time.perf_counter() - again
    output: dict[str, Any] = {
        "vendor": connection.vendor,
        "migrate_seconds": round(migrate_seconds, 2),
        "rows": rows,
        "import_seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "path": result.path,
        "bulk_tables": result.bulk_tables,
        "phases_seconds": _durations(started, seen, ended),
        "tables_after": tables,
        "reimport_seconds": round(again, 2),
        "reimport_changed_rows": sum((c.created or 0) + (c.updated or 0)
                                     for c in second.counts.values()),
        "reimport_path": second.path,
    }
    if bad is not None:
        output["one_bad_row"] = bad
    if args.baseline:
        base = _baseline(args.bundle)
        output["baseline"] = ("COPY FROM STDIN (csv) into unindexed text tables"
                              if connection.vendor == "postgresql"
                              else "executemany into unindexed text tables")
        output["baseline_seconds"] = round(base, 2)
        output["baseline_rows_per_second"] = round(rows / base)
        output["ratio_to_baseline"] = round(seconds / base, 2)
    sys.stdout.write(json.dumps(output) + "\n")


if __name__ == "__main__":
    main()

"""Import benchmark: a synthetic bundle of 1,000,000 involvements (≈ 400,000 incidents and
300,000 persons at scale 1) imported into a throwaway PostgreSQL database and into SQLite.

On PostgreSQL the import is compared with a bare COPY of the same CSV rows into unindexed text
tables in the same database and run: the floor for moving those rows in at all. The goal is an
import within 3× of that floor. Each import runs in a child process (`import_worker`) with its own
DATABASE_URL, so Django is configured for that database and the timing excludes start-up and
migrations. The PostgreSQL database (samspil_bench_import unless SAMSPIL_BENCH_POSTGRES_URL names
another) is created for the run and dropped afterwards; so is the SQLite file.

The import's time includes the automatic incident rules of the cases app (UKN screening, victim
follow-up), as a real import does; the summary also gives the ratio without them, since they are
that app's work. Before the import, the PostgreSQL worker also times how long finding the one bad
row in a bundle of 100,000 involvements takes (nothing may be written): the test suite does that
at 10,000.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

FULL_SIZE = 1_000_000
# The "one bad row among many good ones" check, at the size too slow for the test suite.
BAD_ROW_SIZE = 100_000
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/samspil_bench_import"


def _worker(bundle: Path, database_url: str, *, baseline: bool,
            bad_bundle: Path | None = None) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "samspil.bench.import_worker", str(bundle)]
    if baseline:
        command.append("--baseline")
    if bad_bundle is not None:
        command += ["--bad-bundle", str(bad_bundle)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"import worker failed:\n{completed.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _admin_connection(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    return psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True)


def _bad_bundle(folder: Path, *, involvements: int, seed: int) -> Path:
    """A bundle whose involvements.csv has one bad role, two thirds of the way down."""
    from samspil.interchange.synthetic import write_synthetic_bundle

    write_synthetic_bundle(folder, involvements=involvements, seed=seed)
    path = folder / "involvements.csv"
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    index = len(lines) * 2 // 3
    journal_no, person_key, _role = lines[index].split(",")
    lines[index] = f"{journal_no},{person_key},bystander"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    return folder


def _postgres(bundle: Path, bad_bundle: Path) -> dict[str, Any]:
    from psycopg import sql

    url = os.environ.get("SAMSPIL_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    name = urlsplit(url).path.lstrip("/")
    with _admin_connection(url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            result = _worker(bundle, url, baseline=True, bad_bundle=bad_bundle)
            result["server_version"] = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
    result["database"] = name
    return result


def _sqlite(bundle: Path, folder: Path) -> dict[str, Any]:
    import sqlite3

    database = folder / "bench.sqlite3"
    result = _worker(bundle, f"sqlite:///{database}", baseline=True)
    result["sqlite_version"] = sqlite3.sqlite_version
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    from samspil.interchange.synthetic import write_synthetic_bundle

    involvements = max(100, round(FULL_SIZE * args.scale))
    with tempfile.TemporaryDirectory(prefix="samspil-bench-import-") as tmp:
        folder = Path(tmp)
        bundle = folder / "bundle"
        clock = time.perf_counter()
        files = write_synthetic_bundle(bundle, involvements=involvements, seed=args.seed)
        generated = time.perf_counter() - clock
        size = sum(path.stat().st_size for path in bundle.iterdir())
        result: dict[str, Any] = {
            "rows": files,
            "total_rows": sum(files.values()),
            "bundle_mib": round(size / 1024**2, 1),
            "generate_seconds": round(generated, 2),
        }
        bad = _bad_bundle(folder / "bad", involvements=max(1000, round(BAD_ROW_SIZE * args.scale)),
                          seed=args.seed + 1)
        result["postgresql"] = _postgres(bundle, bad)
        result["sqlite"] = _sqlite(bundle, folder)
    pg = result["postgresql"]
    rules = pg["phases_seconds"].get("running the incident rules", 0.0)
    result["summary"] = {
        "postgresql_import_seconds": pg["import_seconds"],
        "postgresql_rows_per_second": pg["rows_per_second"],
        "postgresql_bare_copy_seconds": pg["baseline_seconds"],
        "postgresql_ratio_to_bare_copy": pg["ratio_to_baseline"],
        "postgresql_path": pg.get("path"),
        "postgresql_incident_rules_seconds": rules,
        "postgresql_ratio_without_incident_rules": round(
            (pg["import_seconds"] - rules) / pg["baseline_seconds"], 2),
        "goal_ratio": 3.0,
        "within_goal": pg["ratio_to_baseline"] <= 3.0,
        "sqlite_rows_per_second": result["sqlite"]["rows_per_second"],
        "one_bad_row_found_seconds": pg.get("one_bad_row", {}).get("seconds"),
    }
    return result

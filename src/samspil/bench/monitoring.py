"""Electronic monitoring benchmark: the evaluation core, the same checks in PostGIS, and the time
from ingest to the alert on the board.

1. ``evaluator``: 10,000 active orders (scale 1) — a tag each, a 500 m home circle and, for every
   other order, a work circle and a protected device — and 75,000 positions (one fix per tag
   and protected device, five rounds) fed through ``core.Evaluator`` in batches of 5,000, three
   times; the median counts. The goal is ≥ 50,000
   positions per second.
2. ``postgis``: the same zone and proximity checks done the way a database would, as PostGIS
   ``ST_DWithin``/``ST_Contains`` queries in EPSG:25832 over the same orders and positions, in a
   throwaway database (``samspil_bench_monitoring``), batch by batch. The set-up installs
   Debian's ``postgresql-<server major>-postgis-3`` (``postgresql-15-postgis-3`` here) with
   apt-get when the extension is missing (as root); if that fails this part is skipped with the
   reason. The result is the evaluator's ratio to it.
3. ``ingest_to_board``: a live server on a throwaway SQLite database (a child process,
   ``monitoring_worker``) with a board stream open; over many rounds a device sends a fix that
   raises one alert — POSTed to ``/api/v1/monitoring/positions``, then published through the
   Mosquitto broker to the MQTT subscriber — and the time until the alert arrives on the board's
   event stream is measured: p50, p95 and max. The goal is a max under 1 s. Then the same on
   PostgreSQL (a throwaway ``samspil_bench_monitoring_live``) with the subscriber in a process
   of its own, so that its alerts reach the board through LISTEN/NOTIFY; and, as the baseline in
   the same run, streams that only poll.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

FULL_ORDERS = 10_000
ROUNDS = 5
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/samspil_bench_monitoring"
# Zealand, roughly: where the district's tags are spread.
LAT_RANGE = (55.2, 56.0)
LON_RANGE = (11.2, 12.6)
T0 = datetime(2026, 2, 3, 20, 0, tzinfo=UTC)


def _world(orders: int, seed: int) -> tuple[list[Any], list[Any]]:
    from samspil.monitoring import core

    rng = random.Random(seed)
    built: list[core.Order] = []
    homes: list[tuple[float, float]] = []
    for number in range(orders):
        lat, lon = rng.uniform(*LAT_RANGE), rng.uniform(*LON_RANGE)
        homes.append((lat, lon))
        zones = [core.Zone.circle("home", lat=lat, lon=lon, radius_m=500)]
        protected = None
        if number % 2 == 0:
            zones.append(core.Zone.circle("work", lat=lat + 0.01, lon=lon + 0.01, radius_m=300))
            protected = f"VIC-{number:06d}"
        built.append(core.Order(
            order_id=f"T-{number:06d}", kind="restraining_order", tag=f"TAG-{number:06d}",
            valid_from=T0 - timedelta(days=1), valid_to=T0 + timedelta(days=30),
            zones=tuple(zones), buffer_m=50, protected_device=protected,
            proximity_m=1000 if protected else None, lost_contact_minutes=10,
            battery_threshold=0.15,
        ))
    positions: list[core.Position] = []
    for round_ in range(ROUNDS):
        for number, order in enumerate(built):
            lat, lon = homes[number]
            # Most fixes are kilometres away; a few are near the zone, as in real life.
            spread = 0.004 if rng.random() < 0.05 else 0.05
            time = T0 + timedelta(seconds=30 * round_ + number * 0.001)
            positions.append(core.Position(
                device_id=order.tag, time=time, lat=lat + rng.uniform(-spread, spread),
                lon=lon + rng.uniform(-spread, spread), battery=0.8))
            if order.protected_device:
                positions.append(core.Position(
                    device_id=order.protected_device, time=time + timedelta(milliseconds=1),
                    lat=lat + rng.uniform(-0.02, 0.02), lon=lon + rng.uniform(-0.02, 0.02)))
    positions.sort(key=lambda position: position.sort_key())
    return built, positions


def _evaluator(orders: list[Any], positions: list[Any], repeats: int = 3) -> dict[str, Any]:
    from samspil.monitoring import core

    runs: list[float] = []
    cpu_runs: list[float] = []
    for _ in range(repeats):
        started = time.perf_counter()
        evaluator = core.Evaluator(orders)
        built = time.perf_counter() - started
        started, cpu_started = time.perf_counter(), time.process_time()
        alerts = 0
        # In batches, as ingest and the replay feed it.
        for start in range(0, len(positions), 5000):
            alerts += len(evaluator.feed_many(positions[start : start + 5000]))
        runs.append(time.perf_counter() - started)
        cpu_runs.append(time.process_time() - cpu_started)
    seconds = statistics.median(runs)
    return {
        "orders": len(orders),
        "positions": len(positions),
        "build_seconds": round(built, 3),
        "seconds": round(seconds, 3),
        # The median of the runs: the machine is shared, single runs vary.
        "positions_per_second": round(len(positions) / seconds),
        "runs_positions_per_second": [round(len(positions) / run) for run in runs],
        # Per second of CPU this process got: what one core would do if the machine were idle.
        "cpu_positions_per_second": round(len(positions) / statistics.median(cpu_runs)),
        "alerts": alerts,
        "goal_positions_per_second": 50_000,
        # Other work on the machine slows every number here; this says how busy it was.
        "load_average_1min": round(os.getloadavg()[0], 1),
    }


# --- PostGIS ------------------------------------------------------------------------------------


def _admin(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    return psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True)


def _ensure_postgis(admin: Any) -> str | None:
    """None when PostGIS can be created; else why not (after trying to install it).

    Debian packages PostGIS per server major version (``postgresql-15-postgis-3`` for the
    PostgreSQL 15 in ``/etc/postgresql/15``), so the package is chosen from the running server.
    """
    row = admin.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
    if row:
        return None
    major = int(admin.execute("SHOW server_version_num").fetchone()[0]) // 10_000
    package = f"postgresql-{major}-postgis-3"
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"PostGIS is not installed and this run cannot install {package} (needs root, apt-get)"
    print(f"   installing {package} with apt-get …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return f"installing {package} failed: {done.stderr.strip()[-300:]}"
    row = admin.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
    return None if row else f"{package} was installed but the server does not offer PostGIS"


def _postgis(orders: list[Any], positions: list[Any], evaluator_pps: float) -> dict[str, Any]:
    import psycopg
    from psycopg import sql

    url = os.environ.get("SAMSPIL_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    name = urlsplit(url).path.lstrip("/")
    try:
        admin = _admin(url)
    except psycopg.Error as error:
        return {"skipped": f"no PostgreSQL server: {error}"}
    with admin:
        reason = _ensure_postgis(admin)
        if reason is not None:
            print(f"   PostGIS part skipped: {reason}", flush=True)
            return {"skipped": reason}
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            target = url.replace("postgres://", "postgresql://", 1)
            with psycopg.connect(target, autocommit=True) as connection:
                result = _postgis_run(connection, orders, positions)
                result["server_version"] = connection.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
    result["evaluator_to_postgis_ratio"] = round(evaluator_pps / result["positions_per_second"], 1)
    result["database"] = name
    return result


def _postgis_run(connection: Any, orders: list[Any], positions: list[Any]) -> dict[str, Any]:
    connection.execute("CREATE EXTENSION postgis")
    connection.execute(
        "CREATE TABLE zone (tag text, order_id text, zone_id text, centre geometry,"
        " radius double precision, area geometry)")
    connection.execute(
        "CREATE TABLE protection (tag text, protected text, proximity double precision)")
    with connection.cursor().copy("COPY zone (tag, order_id, zone_id, centre, radius) FROM STDIN") as copy:
        for order in orders:
            for zone in order.zones:
                centre = f"SRID=4326;POINT({zone.lon} {zone.lat})"
                copy.write_row((order.tag, order.order_id, zone.zone_id, centre, zone.radius_m))
    connection.execute("UPDATE zone SET centre = ST_Transform(ST_SetSRID(centre, 4326), 25832)"
                       " WHERE ST_SRID(centre) = 4326")
    # One polygon per tenth order: the area-ban shape, tested with ST_Contains.
    connection.execute("UPDATE zone SET area = ST_Buffer(centre, radius, 8)"
                       " WHERE zone_id = 'work' AND (right(order_id, 1) = '0')")
    with connection.cursor().copy("COPY protection FROM STDIN") as copy:
        for order in orders:
            if order.protected_device:
                copy.write_row((order.tag, order.protected_device, order.proximity_m))
    connection.execute("CREATE INDEX ON zone USING gist (centre)")
    connection.execute("CREATE INDEX ON zone (tag)")
    connection.execute("CREATE INDEX ON protection (tag)")
    connection.execute("ANALYZE")
    connection.execute(
        "CREATE TEMP TABLE fix (seq int, device text, geom geometry)")
    batch_size = 5000
    started = time.perf_counter()
    hits = 0
    last: dict[str, tuple[float, float]] = {}
    for start in range(0, len(positions), batch_size):
        batch = positions[start:start + batch_size]
        connection.execute("TRUNCATE fix")
        with connection.cursor().copy("COPY fix (seq, device, geom) FROM STDIN") as copy:
            for seq, position in enumerate(batch):
                copy.write_row((seq, position.device_id,
                                f"SRID=4326;POINT({position.lon} {position.lat})"))
        # The same checks the evaluator makes per fix: circle (distance ≤ radius), polygon
        # (contains), and the distance to the other device's latest fix.
        row = connection.execute(
            """
            WITH f AS (SELECT seq, device, ST_Transform(ST_SetSRID(geom, 4326), 25832) AS g
                       FROM fix)
            SELECT
              (SELECT count(*) FROM f JOIN zone z ON z.tag = f.device
                 AND ST_DWithin(z.centre, f.g, z.radius)) +
              (SELECT count(*) FROM f JOIN zone z ON z.tag = f.device AND z.area IS NOT NULL
                 AND ST_Contains(z.area, f.g)) +
              (SELECT count(*) FROM f JOIN protection p ON p.tag = f.device
                 JOIN f o ON o.device = p.protected AND ST_DWithin(o.g, f.g, p.proximity))
            """
        ).fetchone()
        hits += int(row[0])
        for position in batch:
            last[position.device_id] = (position.lat, position.lon)
    seconds = time.perf_counter() - started
    return {
        "positions": len(positions),
        "seconds": round(seconds, 3),
        "positions_per_second": round(len(positions) / seconds),
        "matches": hits,
        "batch_size": batch_size,
        "note": "containment and distance only: no hysteresis, no state, no alerts",
    }


# --- Ingest to board ------------------------------------------------------------------------------


def _ingest_to_board(repeats: int) -> dict[str, Any]:
    result = _worker(repeats, None)
    postgres = _worker_on_postgres(repeats)
    if postgres is not None:
        result["postgresql"] = postgres
    return result


def _worker(repeats: int, database_url: str | None) -> dict[str, Any]:
    command = [sys.executable, "-m", "samspil.bench.monitoring_worker", str(repeats)]
    if database_url:
        command.append(database_url)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"failed": done.stderr.strip()[-2000:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _worker_on_postgres(repeats: int) -> dict[str, Any] | None:
    """The same on PostgreSQL, the subscriber in its own process (NOTIFY), in a throwaway
    database next to the PostGIS one; None without a server."""
    import psycopg
    from psycopg import sql

    url = os.environ.get("SAMSPIL_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL) + "_live"
    name = urlsplit(url).path.lstrip("/")
    try:
        admin = _admin(url)
    except psycopg.Error:
        return None
    with admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            result = _worker(repeats, url)
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    result["database_name"] = name
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    orders_count = max(100, round(FULL_ORDERS * args.scale))
    orders, positions = _world(orders_count, args.seed)
    evaluator = _evaluator(orders, positions)
    print(f"   evaluator: {evaluator['positions_per_second']:,} positions/s", flush=True)
    postgis = _postgis(orders, positions, evaluator["positions_per_second"])
    board = _ingest_to_board(repeats=10 if args.scale < 1 else 100)
    return {"evaluator": evaluator, "postgis": postgis, "ingest_to_board": board}

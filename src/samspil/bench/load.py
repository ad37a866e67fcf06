"""Load and soak: 32 users for 10 minutes against gunicorn on PostgreSQL at national scale.

    python -m samspil.bench load [--scale S] [--users 32] [--minutes 10]

The dataset is the annual-report benchmark's national-scale district (samspil.bench.annual_report
._seed: at scale 1 300,000 persons, 400,000 incidents, 1,000,000 involvements and 250,000 cases
over five years, all fictitious), plus Danish-looking names with their search index so the person
search finds people, and enough open UKN screenings for the step the users take. It lives in its
own PostgreSQL database (samspil_bench_load unless SAMSPIL_BENCH_LOAD_URL names another), which is
kept between runs: seeding is slow and the dataset does not change (only screenings are stepped
through, and topped up when fewer remain). Drop it with ``DROP DATABASE samspil_bench_load``.

A child process (this module with --prepare, DATABASE_URL set) migrates, seeds when needed and
writes the plan the locustfile reads: one signed-in, second-factor-verified session per virtual
user (created server-side, as a real sign-in would leave it — the bench never needs a backdoor in
the application), person ids, names, cases. Then ``samspil serve`` (gunicorn, WORKERS processes of
4 threads each) runs on a free loopback port and locust drives it headless with the task mix of
samspil/bench/locustfile.py while the resident memory of gunicorn's master and workers is sampled
every 10 s.

Targets: no failed request, p95 under 300 ms over all requests, and memory flat — the summed RSS of
the workers in the last minute at most 10 % above the second minute (the first minute is warm-up:
caches, imported templates and the connection pool fill there).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parents[3]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/samspil_bench_load"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
TARGET_P95_MS = 300.0
MEMORY_GROWTH_LIMIT_PCT = 10.0
SAMPLE_SECONDS = 10.0
BASELINE_SECONDS = 60.0  # at most; a tenth of a short run
SPAWN_RATE = 8
ANALYSTS = 2  # the locustfile's Analyst.fixed_count: the rest of the users are officers
# A user reads what the page shows before the next click: 1–3 s between requests.
WAIT_SECONDS = (1.0, 3.0)
# Open screenings kept available per user: one step in twelve tasks, every ~2 s, for 10 minutes.
SCREENINGS_PER_USER = 60


def _workers() -> int:
    # Two processes per core (of 4 threads each): enough to overlap the database round trips.
    return 2 * (os.cpu_count() or 1)


# --- the parent: database, prepare, server, locust, memory -------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    from psycopg import sql

    from samspil.bench.annual_report import _admin_connection

    url = os.environ.get("SAMSPIL_BENCH_LOAD_URL", DEFAULT_URL)
    name = urlsplit(url).path.lstrip("/")
    users = int(getattr(args, "users", 32))
    minutes = float(getattr(args, "minutes", 10.0))
    with _admin_connection(url) as admin:
        if (
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            is None
        ):
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        server_version = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    # The run's own var dir (keys, collected static files, plan, locust's output), kept like the
    # database: collecting the static files again takes minutes on a busy machine.
    var_dir = Path(os.environ.get("SAMSPIL_VAR_DIR", BASE_DIR / "var")) / "bench-load"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SAMSPIL_VAR_DIR": str(var_dir),
        "SAMSPIL_DEBUG": "false",
    }
    plan = var_dir / "plan.json"
    command = [
        sys.executable,
        "-m",
        "samspil.bench.load",
        "--prepare",
        "--plan",
        str(plan),
        "--scale",
        str(args.scale),
        "--seed",
        str(args.seed),
        "--users",
        str(users),
    ]
    completed = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, timeout=3 * 3600
    )
    if completed.returncode != 0:
        raise RuntimeError(f"load prepare failed:\n{completed.stderr[-4000:]}")
    prepared: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    result = drive(
        env=env,
        plan=plan,
        users=users,
        minutes=minutes,
        workers=_workers(),
        folder=var_dir,
    )
    result = {"database": name, "server_version": server_version, **prepared, **result}
    result["within_target"] = (
        result["failures"] == 0
        and result["requests"] > 0
        and result["overall"]["p95_ms"] < TARGET_P95_MS
        and result["memory"]["growth_pct"] is not None
        and result["memory"]["growth_pct"] < MEMORY_GROWTH_LIMIT_PCT
    )
    return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(env: dict[str, str], workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    import http.client

    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "samspil",
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    with log.open("wb") as errors:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError(f"the server did not start:\n{log.read_text()[-4000:]}")


class ServerSampler(threading.Thread):
    """Every SAMPLE_SECONDS: seconds since start, master RSS and summed worker RSS (MiB); and the
    CPU time the workers and the database's backends for them have used, which says what a
    request costs whatever else the machine is busy with."""

    def __init__(self, pid: int, database_url: str) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.database_url = database_url
        self.samples: list[tuple[float, float, float]] = []
        # The machine's 1-minute load average at each sample: how busy it was during the run.
        self.load_averages: list[float] = []
        self.worker_pids: set[int] = set()
        # pid -> (CPU seconds when first seen, when last seen)
        self.cpu: dict[str, dict[int, tuple[float, float]]] = {"server": {}, "database": {}}
        self.stopping = threading.Event()

    def _cpu(self, kind: str, process: Any) -> None:
        times = process.cpu_times()
        used = times.user + times.system
        first = self.cpu[kind].get(process.pid, (used, used))[0]
        self.cpu[kind][process.pid] = (first, used)

    def cpu_seconds(self, kind: str) -> float:
        return sum(last - first for first, last in self.cpu[kind].values())

    def sample(self, started: float, database: Any) -> None:
        import psutil

        master = psutil.Process(self.pid)
        workers = 0
        for child in master.children(recursive=True):
            try:
                workers += child.memory_info().rss
                self._cpu("server", child)
                self.worker_pids.add(child.pid)
            except psutil.NoSuchProcess:
                continue
        backends = database.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchall()
        for (pid,) in backends:
            try:
                self._cpu("database", psutil.Process(pid))
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        mib = 1024 * 1024
        self.load_averages.append(round(os.getloadavg()[0], 2))
        self.samples.append(
            (
                round(time.monotonic() - started, 1),
                round(master.memory_info().rss / mib, 1),
                round(workers / mib, 1),
            )
        )

    def run(self) -> None:
        import psycopg

        started = time.monotonic()
        url = self.database_url.replace("postgres://", "postgresql://", 1)
        with psycopg.connect(url, autocommit=True) as database:
            while not self.stopping.is_set():
                self.sample(started, database)
                self.stopping.wait(SAMPLE_SECONDS)
            self.sample(started, database)


def memory_growth(samples: list[tuple[float, float, float]], seconds: float) -> dict[str, Any]:
    """Worker RSS of the last minute against the second (the first is warm-up). Runs shorter
    than three minutes compare the last third with the second third."""
    if not samples:
        return {"growth_pct": None}
    if seconds >= 180:
        early = [s[2] for s in samples if 60 <= s[0] < 120]
        late = [s[2] for s in samples if s[0] >= seconds - 60]
        windows = "second minute vs last minute"
    else:
        third = seconds / 3
        early = [s[2] for s in samples if third <= s[0] < 2 * third]
        late = [s[2] for s in samples if s[0] >= 2 * third]
        windows = "second third vs last third"
    early = early or [samples[0][2]]
    late = late or [samples[-1][2]]
    before, after = statistics.mean(early), statistics.mean(late)
    steady = [s for s in samples if s[0] >= min(60.0, seconds / 3)]
    slope = None
    if len(steady) >= 2:
        fit = statistics.linear_regression([s[0] / 60 for s in steady], [s[2] for s in steady])
        slope = round(fit.slope, 2)
    return {
        "windows": windows,
        "workers_mib_early": round(before, 1),
        "workers_mib_late": round(after, 1),
        "growth_pct": round(100 * (after - before) / before, 2),
        "slope_mib_per_minute": slope,
    }


def _percentile(histogram: dict[int, int], fraction: float) -> float:
    """The response time below which `fraction` of the requests finished (locust's histogram
    keeps times rounded to two significant digits above 100 ms)."""
    total = sum(histogram.values())
    if not total:
        return 0.0
    wanted, seen = fraction * total, 0
    for time_ms in sorted(histogram):
        seen += histogram[time_ms]
        if seen >= wanted:
            return float(time_ms)
    return float(max(histogram))


def _figures(
    histogram: dict[int, int], requests: int, failures: int, max_ms: float, seconds: float
) -> dict[str, Any]:
    return {
        "requests": requests,
        "failures": failures,
        "p50_ms": _percentile(histogram, 0.50),
        "p95_ms": _percentile(histogram, 0.95),
        "p99_ms": _percentile(histogram, 0.99),
        "max_ms": round(max_ms),
        "rps": round(requests / seconds, 2) if seconds > 0 else 0.0,
    }


def read_locust_stats(prefix: Path) -> dict[str, Any]:
    """Requests, failures and percentiles per request name and over all requests, from the
    final statistics locust writes with ``--json-file`` (and the failure messages of ``--csv``,
    when it got to write them)."""
    entries = json.loads(Path(f"{prefix}.json").read_text(encoding="utf-8"))
    endpoints: dict[str, dict[str, Any]] = {}
    merged: dict[int, int] = {}
    first = min((e["start_time"] for e in entries), default=0.0)
    last = max((e["last_request_timestamp"] or 0.0 for e in entries), default=0.0)
    seconds = max(0.0, last - first)
    for entry in entries:
        histogram = {int(float(k)): v for k, v in entry["response_times"].items()}
        for time_ms, count in histogram.items():
            merged[time_ms] = merged.get(time_ms, 0) + count
        endpoints[entry["name"]] = _figures(
            histogram,
            entry["num_requests"],
            entry["num_failures"],
            entry["max_response_time"],
            seconds,
        )
    overall = _figures(
        merged,
        sum(e["num_requests"] for e in entries),
        sum(e["num_failures"] for e in entries),
        max((e["max_response_time"] for e in entries), default=0.0),
        seconds,
    )
    failures: list[dict[str, Any]] = []
    failure_file = Path(f"{prefix}_failures.csv")
    if failure_file.exists():
        with failure_file.open(newline="", encoding="utf-8") as handle:
            failures = [
                {
                    "name": row["Name"],
                    "error": row["Error"][:300],
                    "occurrences": int(row["Occurrences"]),
                }
                for row in csv.DictReader(handle)
            ]
    return {"overall": overall, "endpoints": endpoints, "failure_kinds": failures[:20]}


def run_locust(
    *,
    host: str,
    plan: Path,
    users: int,
    seconds: float,
    prefix: Path,
    spawn_rate: int = SPAWN_RATE,
    user_class: str = "",
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        f"{max(1, round(seconds))}s",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--json-file",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
        *([user_class] if user_class else []),
    ]
    env = {**os.environ, "SAMSPIL_LOAD_PLAN": str(plan)}
    # Locust exits 1 when a request failed: the counts say so, the exit code is not an error.
    return subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, timeout=seconds + 300
    )


def _phase(
    *,
    host: str,
    plan: Path,
    users: int,
    seconds: float,
    prefix: Path,
    server_pid: int,
    database_url: str,
    user_class: str = "",
) -> tuple[dict[str, Any], ServerSampler]:
    sampler = ServerSampler(server_pid, database_url)
    sampler.start()
    completed = run_locust(
        host=host, plan=plan, users=users, seconds=seconds, prefix=prefix, user_class=user_class
    )
    sampler.stopping.set()
    sampler.join()
    if not Path(f"{prefix}.json").exists():
        raise RuntimeError(f"locust wrote no statistics:\n{completed.stderr[-4000:]}")
    stats = read_locust_stats(prefix)
    requests = max(1, stats["overall"]["requests"])
    stats["cpu_ms_per_request"] = {
        "server": round(1000 * sampler.cpu_seconds("server") / requests, 1),
        "database": round(1000 * sampler.cpu_seconds("database") / requests, 1),
    }
    return stats, sampler


def drive(
    *, env: dict[str, str], plan: Path, users: int, minutes: float, workers: int, folder: Path
) -> dict[str, Any]:
    """A single officer first (the same machine, minutes apart: the baseline the full run's
    latencies are compared with), then `users` users for `minutes`."""
    seconds = minutes * 60
    baseline_seconds = min(BASELINE_SECONDS, max(10.0, seconds / 10))
    for stale in folder.glob("locust*"):  # a previous run's output must not pass for this one's
        stale.unlink()
    server, host = _serve(env, workers, folder / "server.log")
    common: dict[str, Any] = {
        "host": host,
        "plan": plan,
        "server_pid": server.pid,
        "database_url": env["DATABASE_URL"],
    }
    load_before = [round(x, 2) for x in os.getloadavg()]
    try:
        baseline, _ = _phase(
            **common,
            users=1,
            seconds=baseline_seconds,
            prefix=folder / "locust-baseline",
            user_class="Officer",
        )
        clock = time.perf_counter()
        stats, sampler = _phase(**common, users=users, seconds=seconds, prefix=folder / "locust")
        elapsed = time.perf_counter() - clock
    finally:
        server.terminate()
        server.wait(timeout=60)
    overall = stats["overall"]
    return {
        "users": users,
        "analysts": ANALYSTS,
        "minutes": minutes,
        "spawn_rate": SPAWN_RATE,
        "wait_seconds": list(WAIT_SECONDS),
        "server": "gunicorn (samspil serve)",
        "server_workers": workers,
        "server_threads": 4,
        "locust_seconds": round(elapsed, 1),
        "requests": overall.get("requests", 0),
        "failures": overall.get("failures", 0),
        "rps": overall.get("rps", 0.0),
        "overall": overall,
        "endpoints": stats["endpoints"],
        "failure_kinds": stats["failure_kinds"],
        "cpu_ms_per_request": stats["cpu_ms_per_request"],
        "single_user_baseline": {
            "seconds": baseline_seconds,
            "overall": baseline["overall"],
            "endpoints": baseline["endpoints"],
            "cpu_ms_per_request": baseline["cpu_ms_per_request"],
            "failures": baseline["overall"]["failures"],
        },
        "p50_ratio_to_single_user": round(
            overall["p50_ms"] / max(1.0, baseline["overall"]["p50_ms"]), 2
        ),
        "memory": {
            **memory_growth(sampler.samples, seconds),
            "limit_pct": MEMORY_GROWTH_LIMIT_PCT,
            "worker_processes_seen": len(sampler.worker_pids),
            "samples_s_master_mib_workers_mib": sampler.samples,
        },
        "target_p95_ms": TARGET_P95_MS,
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "load_average_during": {
            "median": statistics.median(sampler.load_averages),
            "max": max(sampler.load_averages),
        },
    }


# --- the plan: what the locustfile needs, from whatever database DATABASE_URL names --------------


def plan_write(
    path: Path,
    *,
    organisation: Any,
    users: int,
    wait: tuple[float, float],
    seed: int,
    sample: int = 5000,
    tour: bool = False,
) -> dict[str, int]:
    """Create (or reuse) the load users of `organisation` — prevention officers and analysts —
    each with a fresh verified session, and write the plan for the locustfile (with `tour`,
    each user runs every task once and the run ends: the smoke test)."""
    from samspil.accounts.constants import Role
    from samspil.accounts.models import User
    from samspil.accounts.services import user_create
    from samspil.bench.ukn_queue import _session_cookie
    from samspil.cases.models import Case
    from samspil.organisations.models import Municipality
    from samspil.persons.models import Person

    def user(username: str, role: str) -> Any:
        existing = User.objects.filter(username=username).first()
        return existing or user_create(
            actor=None,
            username=username,
            password=None,
            organisation=organisation,
            roles=[role],
            is_synthetic=True,
        )

    def session(account: Any) -> str:
        return _session_cookie(account).removeprefix("sessionid=")

    rng = random.Random(seed)
    officers = max(1, users - ANALYSTS)
    sessions = {
        "officer": [
            session(user(f"load.officer.{n}", Role.PREVENTION_OFFICER)) for n in range(officers)
        ],
        "analyst": [session(user(f"load.analyst.{n}", Role.ANALYST)) for n in range(ANALYSTS)],
    }
    own = {"owner_organisation": organisation}
    person_ids = list(
        Person.objects.filter(**own, merged_into__isnull=True).values_list("pk", flat=True)
    )
    persons = rng.sample(person_ids, min(sample, len(person_ids)))
    names = list(
        Person.objects.filter(pk__in=persons[:2000])
        .exclude(family_name="")
        .values_list("given_name", "family_name")
    )
    case_ids = list(Case.objects.filter(**own).values_list("pk", flat=True))
    open_screenings = list(
        Case.objects.filter(**own, case_type="ukn_screening", state="open", closed_at__isnull=True)
        .order_by("-pk")
        .values_list("pk", flat=True)[: officers * SCREENINGS_PER_USER]
    )
    municipalities = list(
        Municipality.objects.filter(district_id=organisation.district_id).values_list(
            "code", flat=True
        )
    )
    path.write_text(
        json.dumps(
            {
                "seed": seed,
                "wait_seconds": list(wait),
                "tour": tour,
                "sessions": sessions,
                "persons": persons,
                "names": names,
                "cases": rng.sample(case_ids, min(sample, len(case_ids))),
                "open_screenings": open_screenings,
                "municipalities": municipalities,
            }
        ),
        encoding="utf-8",
    )
    return {
        "plan_persons": len(persons),
        "plan_names": len(names),
        "plan_open_screenings": len(open_screenings),
    }


# --- the prepare step (DATABASE_URL: the load database) ------------------------------------------


def _names(count: int, seed: int) -> Iterator[tuple[str, str]]:
    from faker import Faker

    fake = Faker("da_DK")
    fake.seed_instance(seed)
    given = [fake.first_name() for _ in range(2000)]
    family = [fake.last_name() for _ in range(2000)]
    rng = random.Random(seed)
    for _ in range(count):
        first = rng.choice(given)
        if rng.random() < 0.3:
            first = f"{first} {rng.choice(given)}"
        yield first, rng.choice(family)


def _name_persons(seed: int) -> int:
    """Give the seeded persons Danish-looking names and their search index (NameToken), set
    wholesale: the annual-report seed names everyone "Fiktiv Person N", which the search
    cannot tell apart."""
    from django.db import connection

    from samspil.persons.models import NameToken, Person
    from samspil.persons.services import name_index_values

    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    tokens = 0
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute(
            "CREATE TEMP TABLE load_names (id bigint, given text, family text, "
            "folded text, key text) ON COMMIT DROP"
        )
        # One COPY at a time per connection: names first, then the index from the same names.
        with cursor.copy("COPY load_names FROM STDIN") as copy:
            for pk, (given, family) in zip(ids, _names(len(ids), seed), strict=True):
                folded, key, _words = name_index_values(given, family)
                copy.write_row((pk, given, family, folded, key))
        with cursor.copy(f"COPY {NameToken._meta.db_table} (person_id, token) FROM STDIN") as copy:
            for pk, (given, family) in zip(ids, _names(len(ids), seed), strict=True):
                for word in name_index_values(given, family)[2]:
                    copy.write_row((pk, word))
                    tokens += 1
        cursor.execute(
            f"UPDATE {Person._meta.db_table} p SET given_name = n.given, "
            "family_name = n.family, name_folded = n.folded, duplicate_key = n.key "
            "FROM load_names n WHERE p.id = n.id"
        )
    return tokens


def _top_up_screenings(organisation: Any, wanted: int, seed: int) -> int:
    """Open UKN screenings for the step, as many as `wanted`: each run closes some."""
    from django.db.models import Max

    from samspil.bench.annual_report import _copy
    from samspil.cases.models import Case
    from samspil.organisations.models import Municipality
    from samspil.persons.models import Person

    have = Case.objects.filter(
        owner_organisation=organisation,
        case_type="ukn_screening",
        state="open",
        closed_at__isnull=True,
    ).count()
    missing = wanted - have
    if missing <= 0:
        return 0
    rng = random.Random(seed + have)
    first = (Case.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    municipalities = list(
        Municipality.objects.filter(district_id=organisation.district_id).values_list(
            "pk", flat=True
        )
    )
    top_person = Person.objects.aggregate(top=Max("pk"))["top"] or 1
    now = datetime.now(UTC)

    def cases() -> Iterator[dict[str, Any]]:
        for pk in range(first, first + missing):
            opened = now - timedelta(days=rng.uniform(0, 25))
            yield {
                "id": pk,
                "owner_organisation_id": organisation.pk,
                "confidentiality": "normal",
                "is_synthetic": True,
                "source": "demo",
                "case_type": "ukn_screening",
                "case_ref": f"LOAD-{pk}",
                "state": "open",
                "municipality_id": rng.choice(municipalities),
                "person_id": rng.randint(1, top_person),
                "opened_at": opened,
                "due_date": (opened + timedelta(days=30)).date(),
                "fields": {},
            }

    return _copy(Case, cases())


def prepare(scale: float, seed: int, users: int, plan: Path) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from samspil.bench.annual_report import FULL, _seed
    from samspil.organisations.models import Organisation
    from samspil.organisations.services import reference_data_load
    from samspil.persons.models import Person

    if connection.vendor != "postgresql":
        raise SystemExit("the load benchmark needs PostgreSQL (DATABASE_URL)")
    call_command("migrate", verbosity=0, interactive=False)
    reference_data_load()
    want = {key: max(50, round(value * scale)) for key, value in FULL.items()}
    have = Person.objects.count()
    seed_seconds = None
    if have != want["persons"]:
        if have:
            raise SystemExit(
                f"{connection.settings_dict['NAME']} holds {have} persons, not the "
                f"{want['persons']} of scale {scale}: drop it or pick another "
                "SAMSPIL_BENCH_LOAD_URL"
            )
        clock = time.perf_counter()
        with transaction.atomic():
            _seed(scale, seed)
            _name_persons(seed)
        seed_seconds = round(time.perf_counter() - clock, 1)
    organisation = Organisation.objects.get(slug="bench-politi")
    officers = max(1, users - ANALYSTS)
    added = _top_up_screenings(organisation, officers * SCREENINGS_PER_USER, seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The page's static URLs need the manifest of collected files (into the run's var dir).
    if not (
        Path(os.environ.get("SAMSPIL_VAR_DIR", "var")) / "static" / "staticfiles.json"
    ).exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    written = plan_write(plan, organisation=organisation, users=users, wait=WAIT_SECONDS, seed=seed)
    return {"rows": want, "seed_seconds": seed_seconds, "screenings_added": added, **written}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samspil.bench.load")
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="migrate, seed when needed and write the plan (DATABASE_URL)",
    )
    parser.add_argument("--plan", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args(argv)
    if args.prepare:
        if args.plan is None:
            parser.error("--prepare needs --plan")
        print(json.dumps(prepare(args.scale, args.seed, args.users, args.plan)))
        return 0
    from samspil.bench.__main__ import main as harness

    return harness(
        [
            "load",
            "--scale",
            str(args.scale),
            "--seed",
            str(args.seed),
            "--users",
            str(args.users),
            "--minutes",
            str(args.minutes),
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())

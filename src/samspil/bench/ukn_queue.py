"""UKN-queue benchmark: the first page of the UKN screening queue on a district with 100,000 open
cases (scale 1; plus 50,000 closed ones), all fictitious.

Targets: the first page under 100 ms at p95 single-threaded (TARGET_P95_MS), and at least 50
pages/s with 8 concurrent clients against a real server (TARGET_PAGES_PER_SECOND).

A throwaway PostgreSQL database (samspil_bench_ukn_queue unless SAMSPIL_BENCH_POSTGRES_URL names
another) is created, migrated and seeded with COPY, and dropped afterwards. A child process (this
module with --worker, DATABASE_URL set to that database) seeds, times the selector and the whole
page in-process (with the queries and audit rows per page), then starts ``samspil serve --bind
127.0.0.1:PORT`` (gunicorn, gthread: SAMSPIL_BENCH_WORKERS workers, default 3, 4 threads each)
and drives it over loopback: first one client, then 8 concurrent clients, each signed in as its
own officer with its own second-factor-verified session.

The machine is shared and noisy, so the concurrent phase runs in ROUNDS, each preceded by the
same 8 clients asking ``/healthz`` (one ``SELECT 1``, no session, no template): the ratio queue/healthz says what
share of the server's bare request rate the queue page keeps, whatever else the machine does.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/samspil_bench_ukn_queue"
TARGET_P95_MS = 100.0
TARGET_PAGES_PER_SECOND = 50.0
FULL_OPEN = 100_000
CLIENTS = 8
ROUNDS = 3
HEALTHZ_PATH = "/healthz"
DISTRICT = "midt-vestsjaelland"
QUEUE_PATH = "/sager/koe/alle/?case_type=ukn_screening"
# The same first page as JSON: the yardstick is another case-management *API*, so the
# API is measured beside the HTML page (which also renders the filter and assign forms).
API_QUEUE_PATH = "/api/v1/cases?case_type=ukn_screening"
# Open cases by type: half are UKN screenings, the rest fill the district's other queues.
OPEN_MIX = (("ukn_screening", 50), ("victim_followup", 30), ("area_ban", 10),
            ("exit_programme", 10))


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _summary(samples_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples_ms), 2),
        "p95_ms": round(_percentile(samples_ms, 0.95), 2),
        "max_ms": round(max(samples_ms), 2),
        "samples": len(samples_ms),
    }


# --- the parent: a throwaway database around the worker ----------------------------------------

def run(args: argparse.Namespace) -> dict[str, Any]:
    from psycopg import sql

    from samspil.bench.annual_report import _admin_connection

    url = os.environ.get("SAMSPIL_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    name = urlsplit(url).path.lstrip("/")
    with _admin_connection(url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            with tempfile.TemporaryDirectory(prefix="samspil-bench-ukn-") as var_dir:
                command = [sys.executable, "-m", "samspil.bench.ukn_queue", "--worker",
                           "--scale", str(args.scale), "--seed", str(args.seed)]
                env = {**os.environ, "DATABASE_URL": url, "SAMSPIL_VAR_DIR": var_dir,
                       "SAMSPIL_DEBUG": "false"}
                completed = subprocess.run(command, env=env, capture_output=True, text=True,
                                           check=False, timeout=3600)
            if completed.returncode != 0:
                raise RuntimeError(f"ukn-queue worker failed:\n{completed.stderr[-4000:]}")
            result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
            result["server_version"] = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
    result["database"] = name
    return result


# --- the worker: seed, time the selector, then a real server ------------------------------------

def _seed(scale: float, seed: int) -> dict[str, Any]:
    from samspil.accounts.constants import Role
    from samspil.accounts.services import user_create
    from samspil.bench.annual_report import _copy
    from samspil.cases.models import Case
    from samspil.organisations.models import District, Organisation
    from samspil.persons.models import Person

    rng = random.Random(seed)
    district = District.objects.get(slug=DISTRICT)
    municipalities = list(district.municipalities.values_list("pk", flat=True))
    police = Organisation.objects.create(slug="bench-politi", name="Bench Politi (fiktiv)",
                                         kind="police", district=district, is_synthetic=True)
    officer = user_create(actor=None, username="bench.officer", password=None,
                          organisation=police, roles=[Role.PREVENTION_OFFICER],
                          is_synthetic=True)
    open_count = max(1000, round(FULL_OPEN * scale))
    closed_count = open_count // 2
    person_count = max(500, open_count // 4)
    now = datetime.now(UTC)

    def persons() -> Iterator[dict[str, Any]]:
        for index in range(person_count):
            yield {"id": index + 1, "owner_organisation_id": police.pk,
                   "confidentiality": "normal",
                   "person_key": f"B-{index:08d}", "given_name": f"Fiktiv{index}",
                   "family_name": "Benchsen", "municipality_id": rng.choice(municipalities),
                   "is_synthetic": True, "source": "demo"}

    _copy(Person, persons())
    person_ids = list(Person.objects.values_list("pk", flat=True))
    types = [code for code, weight in OPEN_MIX for _ in range(weight)]

    def cases() -> Iterator[dict[str, Any]]:
        for index in range(open_count + closed_count):
            case_type = "ukn_screening" if index >= open_count else rng.choice(types)
            opened = now - timedelta(days=rng.uniform(0, 45))
            due = {
                "ukn_screening": opened + timedelta(days=30),
                "area_ban": opened + timedelta(days=30),
                "exit_programme": opened + timedelta(days=365),
            }.get(case_type)
            closed = index >= open_count
            yield {
                "id": index + 1, "owner_organisation_id": police.pk,
                "confidentiality": "sensitive",
                "case_type": case_type, "case_ref": f"BENCH-{index:08d}",
                "state": ("screened" if closed else
                          {"area_ban": "active", "exit_programme": "active"}.get(
                              case_type, "open")),
                "municipality_id": rng.choice(municipalities),
                "person_id": rng.choice(person_ids), "opened_at": opened,
                "closed_at": opened + timedelta(days=10) if closed else None,
                "outcome": "not_relevant" if closed else "",
                "crime_class": rng.choice(("personfarlig", "anden_alvorlig", "anden"))
                if case_type == "ukn_screening" else "",
                "due_date": due.date() if due is not None else None,
                "fields": {}, "source": "demo", "is_synthetic": True,
                "assigned_to_id": officer.pk if rng.random() < 0.1 else None,
            }

    count = _copy(Case, cases())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    colleagues = [
        user_create(actor=None, username=f"bench.officer{n}", password=None,
                    organisation=police, roles=[Role.PREVENTION_OFFICER], is_synthetic=True)
        for n in range(2, CLIENTS + 1)
    ]
    return {"officers": [officer, *colleagues], "open_cases": open_count,
            "closed_cases": closed_count, "persons": person_count, "cases_total": count}


def _time_selector(officer: Any, repeats: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samspil.cases.selectors import case_queue

    for _ in range(5):
        case_queue(user=officer, queue="all", case_type="ukn_screening")
    samples = []
    queries = 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            clock = time.perf_counter()
            page = case_queue(user=officer, queue="all", case_type="ukn_screening")
            samples.append((time.perf_counter() - clock) * 1000)
        queries = len(captured.captured_queries)
    assert len(page.rows) == 25 and page.has_next
    return {**_summary(samples), "queries_per_page": queries}


def _time_page(cookie: str, repeats: int) -> dict[str, Any]:
    """The whole page in-process (middleware, selector, access log, template), one at a time."""
    from django.db import connection
    from django.test import Client

    from samspil.audit.models import AuditEntry

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies.load(cookie)
    for _ in range(5):
        if client.get(QUEUE_PATH).status_code != 200:
            raise RuntimeError("the queue page did not answer 200 in-process")
    before = AuditEntry.objects.count()
    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(QUEUE_PATH)
    audit_rows = AuditEntry.objects.count() - before
    samples = []
    for _ in range(repeats):
        clock = time.perf_counter()
        client.get(QUEUE_PATH)
        samples.append((time.perf_counter() - clock) * 1000)
    return {**_summary(samples), "queries_per_page": len(statements),
            "audit_rows_per_page": audit_rows}


def _session_cookie(officer: Any) -> str:
    """A signed-in session past the second factor, as the real login would leave it."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _ = StaticDevice.objects.get_or_create(user=officer, name="bench")
    client = Client()
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"sessionid={session.session_key}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(conn: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, float]:
    clock = time.perf_counter()
    headers = {"Host": "127.0.0.1", **({"Cookie": cookie} if cookie else {})}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - clock) * 1000


def _serve(port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "samspil", "serve", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not start within 60 s")


def _drive(port: int, cookies: list[str], seconds: float, *, queue: str = "") -> dict[str, Any]:
    """CLIENTS threads, one connection and one session each, asking as fast as answers come."""
    samples: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(number: int) -> None:
        nonlocal errors
        rng = random.Random(number)
        own = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        cookie = cookies[number % len(cookies)]
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop_at:
            if queue:
                # Mostly the first page, as users open the queue; some browse on.
                page = 1 if rng.random() < 0.7 else rng.randint(2, 10)
                path = f"{queue}&page={page}"
            else:
                path = HEALTHZ_PATH
            status, ms = _get(own, path, cookie if queue else "")
            if status == 200:
                mine.append(ms)
            else:
                failed += 1
        with lock:
            samples.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    clock = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - clock
    return {**_summary(samples), "seconds": round(elapsed, 1),
            "per_second": round(len(samples) / elapsed, 1), "errors": errors}


def _time_server(cookies: list[str], *, single: int, seconds: float) -> dict[str, Any]:
    workers = int(os.environ.get("SAMSPIL_BENCH_WORKERS", "3"))
    port = _free_port()
    server = _serve(port, workers)
    rounds = []
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for cookie in cookies:  # every session once, so each worker has warmed up
            for path in (QUEUE_PATH, API_QUEUE_PATH):
                status, _ms = _get(conn, path, cookie)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
        single_samples = [_get(conn, QUEUE_PATH, cookies[0])[1] for _ in range(single)]
        single_api = [_get(conn, API_QUEUE_PATH, cookies[0])[1] for _ in range(single)]
        for _ in range(ROUNDS):
            floor = _drive(port, cookies, min(5.0, seconds / 2))
            pages = _drive(port, cookies, seconds, queue=QUEUE_PATH)
            api = _drive(port, cookies, seconds, queue=API_QUEUE_PATH)
            rounds.append({
                "healthz_per_second": floor["per_second"],
                "pages_per_second": pages["per_second"],
                "share_of_healthz": round(pages["per_second"] / floor["per_second"], 3),
                "pages": pages,
                "api_pages_per_second": api["per_second"],
                "api_share_of_healthz": round(api["per_second"] / floor["per_second"], 3),
                "api": api,
            })
    finally:
        server.terminate()
        server.wait(timeout=30)
    samples_p95 = [r["pages"]["p95_ms"] for r in rounds]
    return {
        "server_workers": workers,
        "server_threads": 4,
        "single_client": _summary(single_samples),
        "single_client_api": _summary(single_api),
        "concurrent": {
            "clients": CLIENTS,
            "sessions": len(cookies),
            "rounds": rounds,
            "pages_per_second": statistics.median(r["pages_per_second"] for r in rounds),
            "p50_ms": statistics.median(r["pages"]["p50_ms"] for r in rounds),
            "p95_ms": statistics.median(samples_p95),
            "healthz_per_second": statistics.median(r["healthz_per_second"] for r in rounds),
            "share_of_healthz": statistics.median(r["share_of_healthz"] for r in rounds),
            "errors": sum(r["pages"]["errors"] for r in rounds),
        },
        "concurrent_api": {
            "clients": CLIENTS,
            "path": API_QUEUE_PATH,
            "pages_per_second": statistics.median(r["api_pages_per_second"] for r in rounds),
            "p50_ms": statistics.median(r["api"]["p50_ms"] for r in rounds),
            "p95_ms": statistics.median(r["api"]["p95_ms"] for r in rounds),
            "share_of_healthz": statistics.median(r["api_share_of_healthz"] for r in rounds),
            "errors": sum(r["api"]["errors"] for r in rounds),
        },
    }


def worker(scale: float, seed: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from samspil.organisations.services import reference_data_load

    if connection.vendor != "postgresql":
        raise SystemExit("the UKN-queue benchmark needs PostgreSQL (DATABASE_URL)")
    call_command("migrate", verbosity=0, interactive=False)
    reference_data_load()
    clock = time.perf_counter()
    seeded = _seed(scale, seed)
    seed_seconds = time.perf_counter() - clock
    officers = seeded.pop("officers")
    selector = _time_selector(officers[0], repeats=200)
    # The page's static URLs need the manifest of collected files (into the throwaway var dir).
    static = Path(os.environ.get("SAMSPIL_VAR_DIR", "var")) / "static" / "staticfiles.json"
    if not static.exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    cookies = [_session_cookie(officer) for officer in officers]
    page = _time_page(cookies[0], repeats=200)
    connection.close()
    served = _time_server(cookies, single=200, seconds=15.0 if scale >= 1 else 4.0)
    return {
        "rows": seeded,
        "seed_seconds": round(seed_seconds, 1),
        "selector_first_page": selector,
        "page_in_process": page,
        "server": served,
        "target_p95_ms": TARGET_P95_MS,
        "target_pages_per_second": TARGET_PAGES_PER_SECOND,
        "within_target": (
            selector["p95_ms"] < TARGET_P95_MS
            and page["p95_ms"] < TARGET_P95_MS
            and served["single_client"]["p95_ms"] < TARGET_P95_MS
            and served["concurrent"]["pages_per_second"] >= TARGET_PAGES_PER_SECOND
            and served["concurrent"]["errors"] == 0
        ),
        "api_within_target": (
            served["single_client_api"]["p95_ms"] < TARGET_P95_MS
            and served["concurrent_api"]["pages_per_second"] >= TARGET_PAGES_PER_SECOND
            and served["concurrent_api"]["errors"] == 0
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samspil.bench.ukn_queue")
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

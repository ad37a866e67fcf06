"""The authorization matrix holds: every page and API operation × every role × own, disclosed and
foreign record gives the answer written in samspil.web.authorization_matrix.

The record world (authz_world.py) is built once for the module inside one transaction; every cell
runs in a savepoint that is rolled back, so a cell that writes cannot change the next one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from samspil.access.constants import IDENTIFYING_PURPOSES, ROLE_PURPOSES
from samspil.accounts.constants import Role
from samspil.conftest import verified_client
from samspil.web.authorization_matrix import ALL, Entry, entries
from samspil.web.tests.authz_urls import required_entries, schema_operations, schema_path
from samspil.web.tests.authz_world import OWN, VARIANTS, World, build_world

ANONYMOUS = "anonymous"
# Roles with no identifying purpose (the analyst's statistics are pseudonymised, the DPO audits),
# and the island constable, who sees only what they registered — nothing in the test world.
NON_IDENTIFYING = frozenset(
    {role for role in ALL if not ROLE_PURPOSES.get(role, frozenset()) & IDENTIFYING_PURPOSES}
    | {Role.ISLAND_CONSTABLE.value}
)
ENTRIES = entries()
REFUSALS = {401, 403, 404, 405}
# Tables a refused request may write to: the audit trail logs the refusal, the session its time.
WRITABLE_ON_REFUSAL = {
    "audit.auditentry",
    "audit.auditchainhead",
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}
# Set AUTHZ_OBSERVE=<file> to write the real answers (JSON lines) instead of asserting; used to
# draft entries for new URLs, which are then reviewed by hand before they go into the matrix.
OBSERVE = os.environ.get("AUTHZ_OBSERVE")


@dataclass(frozen=True)
class Cell:
    entry: Entry
    role: str
    variant: str | None
    expected: int

    @property
    def id(self) -> str:
        parts = [self.entry.name, self.entry.method, self.role]
        if self.variant:
            parts.append(self.variant)
        return "-".join(parts)


def _cells() -> list[Cell]:
    cells: list[Cell] = []
    for entry in ENTRIES:
        cells.append(Cell(entry, ANONYMOUS, None, entry.anonymous))
        for role in ALL:
            answers = entry.answer_for(role).split()
            if entry.subject is None:
                (answer,) = answers
                cells.append(Cell(entry, role, None, int(answer)))
                continue
            for variant, answer in zip(VARIANTS, answers, strict=True):
                if answer != "-":
                    cells.append(Cell(entry, role, variant, int(answer)))
    return cells


CELLS = _cells()


# --- the inventory ---------------------------------------------------------------------------


def test_every_url_and_method_has_an_entry_and_every_entry_a_url() -> None:
    wanted = set(required_entries())
    written = [entry.key for entry in ENTRIES]
    missing = sorted(wanted - set(written))
    stale = sorted(set(written) - wanted)
    doubled = sorted({key for key in written if written.count(key) > 1})
    assert not missing, "URLs without an entry in the authorization matrix: " + ", ".join(
        f"{name} {method}" for name, method in missing
    )
    assert not stale, "Matrix entries for URLs that no longer exist: " + ", ".join(
        f"{name} {method}" for name, method in stale
    )
    assert not doubled, f"Entries written twice: {doubled}"


def test_every_operation_of_the_api_schema_has_an_entry() -> None:
    def shape(path: str) -> str:  # the schema says {id} where the URL says <int:pk>
        return "/".join("{}" if part.startswith("{") else part for part in path.split("/"))

    routes = required_entries()
    covered = {
        (shape(schema_path(routes[entry.key].route)), entry.method)
        for entry in ENTRIES
        if entry.key in routes
    }
    schema = {
        (shape(path), method)
        for path, method in schema_operations(Path(settings.BASE_DIR) / "docs" / "openapi.yaml")
    }
    assert not schema - covered, (
        f"API operations without a matrix entry: {sorted(schema - covered)}"
    )


def test_every_entry_answers_for_every_role_once() -> None:
    for entry in ENTRIES:
        listed = [role for roles in entry.expect.values() for role in roles]
        assert sorted(listed) == sorted(ALL), f"{entry.name} {entry.method}: {listed}"
        width = 3 if entry.subject else 1
        for answer in entry.expect:
            assert len(answer.split()) == width, f"{entry.name} {entry.method}: {answer!r}"


# --- the cells -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any
) -> Iterator[tuple[World, dict[str, Client], dict[str, str]]]:
    """The record world and a signed-in client per role, in a transaction rolled back at the end."""
    from samspil.incidents.apps import ensure_default_categories
    from samspil.risk.apps import ensure_rule_set_v1

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_default_categories()
            ensure_rule_set_v1()
            built = build_world()
            clients = {role: verified_client(built.user(role)) for role in ALL}
            clients[ANONYMOUS] = Client()
            for client in clients.values():
                # Observing records a server error as 500 instead of stopping at it.
                client.raise_request_exception = not OBSERVE
            # Signing out (or in) in one cell must not change the session of the next one.
            cookies = {
                role: client.cookies.output(header="", sep=";") for role, client in clients.items()
            }
            yield built, clients, cookies

        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _resolve(
    world: World, entry: Entry, role: str, variant: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], Any]:
    """The URL arguments, query and body of the cell, and its subject record."""
    holder = role if role in ALL else ALL[0]
    subject = None

    def value_of(spec: str) -> Any:
        nonlocal subject
        if spec.startswith("="):
            return spec[1:]
        kind, _, attribute = spec.partition(".")
        record = world.record(kind, variant, holder)
        if record is None:
            raise LookupError(f"the test world has no {variant} {kind} for {role}")
        if attribute.isdigit():  # one of a pair (two persons to merge)
            record = record[int(attribute)]
            attribute = ""
        subject = record if subject is None else subject
        return getattr(record, attribute) if attribute else record.pk

    kwargs = {name: value_of(spec) for name, spec in entry.args.items()}
    query = {name: value_of(spec) for name, spec in entry.query.items()}
    body = {name: value_of(spec) for name, spec in entry.body.items()}
    return kwargs, query, body, subject


def _counted_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.label_lower not in WRITABLE_ON_REFUSAL
        and not model._meta.proxy
        and model._meta.managed
    )


def _row_counts() -> dict[str, int]:
    """The row count of every table a refused request must leave alone, in one query."""
    tables = _counted_tables()
    quote = connection.ops.quote_name
    # Table names come from the model registry, quoted; no user input reaches this query.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _state(record: Any) -> dict[str, Any] | None:
    if record is None or not hasattr(record, "_meta"):
        return None
    fresh = type(record)._default_manager.filter(pk=record.pk).first()
    return model_to_dict(fresh) if fresh is not None else None


def _request(client: Client, entry: Entry, url: str, body: dict[str, Any]) -> Any:
    method = entry.method.lower()
    if method == "get":
        return client.get(url)
    if url.startswith("/api/"):
        return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, data=body)


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        # The live board's event stream never ends: close it unread, without letting the
        # request_finished signal close the database connection of the open transaction.
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
        return ""
    return response.content.decode("utf-8", errors="replace")


@pytest.mark.django_db
def test_a_dash_stands_only_where_the_world_has_no_record(
    world: tuple[World, dict[str, Client], dict[str, str]],
) -> None:
    """A "-" skips a cell; it must not hide a record the world has (and so a cell never run)."""
    built = world[0]
    hidden = []
    for entry in ENTRIES:
        if entry.subject is None:
            continue
        for role in ALL:
            answers = entry.answer_for(role).split()
            for variant, answer in zip(VARIANTS, answers, strict=True):
                if answer == "-" and built.record(entry.subject, variant, role) is not None:
                    hidden.append(f"{entry.name} {entry.method} {role} {variant}")
    assert not hidden, f"Cells marked '-' although the world has the record: {hidden}"


def _observe(cell: Cell, status: str) -> None:
    assert OBSERVE
    with open(OBSERVE, "a", encoding="utf-8") as out:
        out.write(
            json.dumps(
                {
                    "name": cell.entry.name,
                    "method": cell.entry.method,
                    "role": cell.role,
                    "variant": cell.variant,
                    "status": status,
                }
            )
            + "\n"
        )


# django_db: each cell runs in pytest-django's per-test transaction, a savepoint inside the
# world's transaction, rolled back after the cell.
@pytest.mark.django_db
@pytest.mark.parametrize("cell", CELLS, ids=[cell.id for cell in CELLS])
def test_cell(cell: Cell, world: tuple[World, dict[str, Client], dict[str, str]]) -> None:
    built, clients, cookies = world
    client = clients[cell.role]
    client.cookies = SimpleCookie(cookies[cell.role])
    entry = cell.entry
    try:
        kwargs, query, body, subject = _resolve(built, entry, cell.role, cell.variant or OWN)
    except LookupError:
        if not OBSERVE:
            raise
        _observe(cell, "-")
        return
    url = reverse(entry.name, kwargs=kwargs or None)
    if query:
        url += "?" + urlencode(query)
    unsafe = entry.method != "GET"
    refused = cell.expected in REFUSALS or (cell.role == ANONYMOUS and cell.expected == 302)
    # A refused or invalid unsafe request must write nothing.
    unchanged = unsafe and (refused or 400 <= cell.expected < 500)
    if unchanged:
        counts, state = _row_counts(), _state(subject)

    response = _request(client, entry, url, body)
    body = _body(response)

    if OBSERVE:
        _observe(cell, str(response.status_code))
        return
    assert response.status_code < 500, f"{cell.id}: server error"
    assert response.status_code == cell.expected, (
        f"{cell.id}: {entry.method} {url} answered {response.status_code}, "
        f"the matrix says {cell.expected}"
    )
    # No name or CPR number in a refusal; none of the other district's persons anywhere (no
    # user of the world's district has a grant to them); none at all for a role that reads
    # nothing identifying.
    leaked = [
        text
        for pk, texts in built.secrets.items()
        for text in texts
        if text in body
        and (refused or cell.role in NON_IDENTIFYING or built.person_owner[pk] == "F")
    ]
    assert not leaked, f"{cell.id}: the answer shows {leaked}"
    if unchanged:
        after = _row_counts()
        written = {
            table: after[table] - counts[table] for table in after if after[table] != counts[table]
        }
        assert not written, f"{cell.id}: a refused or invalid request wrote rows: {written}"
        assert _state(subject) == state, (
            f"{cell.id}: a refused or invalid request changed the record"
        )

"""Schemathesis against docs/openapi.yaml, in process: Django's WSGI application inside the test
database transaction, signed in as one user per role (docs/SECURITY.md, "API fuzzing").

Each operation gets `examples` generated cases per role, positive (valid per the schema) and
negative (breaking it); some of the time a path parameter is replaced by the id of a real
record, so the reads and writes reach records and not only 404s. Every response is checked:
no server error, a documented status code and content type, and a body matching the schema.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import schemathesis
import yaml
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from samspil.accounts.models import User
from samspil.conftest import verified_client
from samspil.web.tests.fuzzworld import World

SCHEMA_PATH = settings.BASE_DIR / "docs" / "openapi.yaml"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]


@dataclass
class FuzzResult:
    requests: Counter[str] = field(default_factory=Counter)  # by role
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    operations: int = 0
    writes_accepted: int = 0  # unsafe requests answered 2xx: the fuzzer changed something

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def summary(self) -> dict[str, object]:
        return {
            "requests": self.total,
            "operations": self.operations,
            "requests_by_role": dict(self.requests),
            "responses_by_status": {str(code): n for code, n in sorted(self.statuses.items())},
            "writes_accepted": self.writes_accepted,
            "failures": len(self.failures),
        }


@dataclass(frozen=True)
class Credentials:
    cookies: dict[str, str]
    headers: dict[str, str]


def credentials_for(user: User) -> Credentials:
    """A session past the second factor, and the CSRF cookie and header DRF's session
    authentication asks of every unsafe request — what a browser client sends."""
    session = verified_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    token = get_random_string(32)
    return Credentials(
        cookies={settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: token},
        headers={"X-CSRFToken": token},
    )


@contextmanager
def in_process_app() -> Iterator[WSGIHandler]:
    """Django's WSGI handler, kept from closing the test's connection between requests (what
    Django's own test client does): the database connection holds the test transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # Django logs every 4xx with its path; fuzzed path parameters can look like CPR numbers,
    # which the suite's log check would (rightly) flag. Server errors are still logged.
    request_logger = logging.getLogger("django.request")
    level = request_logger.level
    request_logger.setLevel(logging.ERROR)
    try:
        yield WSGIHandler()
    finally:
        request_logger.setLevel(level)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzzable_schema() -> dict[str, Any]:
    """docs/openapi.yaml without its security requirements: the fuzzer signs in itself, so the
    session cookie is not an input to generate (a mutated one would be replaced anyway)."""
    document = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    for methods in document["paths"].values():
        for operation in methods.values():
            operation.pop("security", None)
    return dict(document)


def fuzz(*, world: World, examples: int, random_seed: int | None) -> FuzzResult:
    """Fuzz every operation of the schema as every user of the world."""
    schema = schemathesis.openapi.from_dict(fuzzable_schema())
    operations = [result.ok() for result in schema.get_all_operations()]
    result = FuzzResult(operations=len(operations))
    with in_process_app() as app:
        for role, user in world.users.items():
            credentials = credentials_for(user)
            for operation in operations:
                _fuzz_operation(
                    operation,
                    role=role,
                    app=app,
                    credentials=credentials,
                    world=world,
                    examples=examples,
                    random_seed=random_seed,
                    result=result,
                )
    return result


def _fuzz_operation(
    operation: Any,
    *,
    role: str,
    app: WSGIHandler,
    credentials: Credentials,
    world: World,
    examples: int,
    random_seed: int | None,
    result: FuzzResult,
) -> None:
    real_ids = world.ids_for(operation.path)
    cases = st.one_of(
        operation.as_strategy(schemathesis.GenerationMode.POSITIVE).map(lambda c: (c, False)),
        operation.as_strategy(schemathesis.GenerationMode.NEGATIVE).map(lambda c: (c, True)),
    )

    @hypothesis_settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=random_seed is None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(drawn=cases, data=st.data())
    def run(drawn: tuple[Any, bool], data: st.DataObject) -> None:
        case, negative = drawn
        for name, ids in real_ids.items():
            if ids and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters = {
                    **(case.path_parameters or {}),
                    name: data.draw(st.sampled_from(ids)),
                }
        response = case.call(app=app, cookies=credentials.cookies, headers=credentials.headers)
        result.requests[role] += 1
        result.statuses[response.status_code] += 1
        if case.method.upper() != "GET" and 200 <= response.status_code < 300:
            result.writes_accepted += 1
        # A form or multipart body carries only strings: a negated type (a number, a null) does
        # not survive the encoding, so only JSON bodies are held to rejecting negative data.
        typed = case.media_type in (None, "application/json")
        case.validate_response(response, checks=NEGATIVE_CHECKS if negative and typed else CHECKS)

    if random_seed is not None:
        run = seed(random_seed)(run)
    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # one failure must not hide the others
        result.failures.append(f"{role} {operation.label}: {error}")

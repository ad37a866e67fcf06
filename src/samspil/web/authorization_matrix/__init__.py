"""The authorization matrix: for every page and API operation, what every role gets for a record
its organisation owns, one disclosed to it, and one from another police district.

The test `web/tests/test_authorization_matrix.py` walks the URL configuration and fails for a URL
(or an HTTP method of it) that has no entry here, and for an entry whose URL is gone; then it
signs in as each role and checks every cell against the real answer. How to add an entry when
you add a URL: docs/SECURITY.md, "Authorization matrix".

An entry's ``expect`` maps an answer to the roles that get it. An answer is one status code for a
URL that names no record, or three — ``own disclosed foreign`` — for one that does; ``-`` where
the test world has no such record for that role's organisation (e.g. no monitoring order is owned
by a municipality). ``anonymous`` is the answer without signing in. ``note`` says why an
answer is what it is where that is not obvious.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from samspil.accounts.constants import Role

# Short names for the roles, so that a row of the matrix reads as one line.
PO = Role.PREVENTION_OFFICER.value
SR = Role.SOCIALSOEG_REVIEWER.value
SSP = Role.SSP_COORDINATOR.value
PSP = Role.PSP_COORDINATOR.value
CW = Role.CASEWORKER.value
MED = Role.MEDIATOR.value
AN = Role.ANALYST.value
DPO = Role.DPO.value
ADM = Role.ADMINISTRATOR.value
IC = Role.ISLAND_CONSTABLE.value
ALL: tuple[str, ...] = (PO, SR, SSP, PSP, CW, MED, AN, DPO, ADM, IC)


@dataclass(frozen=True)
class Entry:
    """One URL name and HTTP method."""

    name: str
    method: str
    expect: Mapping[str, tuple[str, ...]]
    anonymous: int
    # URL arguments: a record kind of the test world ("person"), an attribute of one
    # ("district.slug"), an item of a pair ("merge_pair.1"), or a literal ("=mine").
    # The first record kind is the subject: own / disclosed / foreign refer to it.
    args: Mapping[str, str] = field(default_factory=dict)
    # Query parameters, written like args (a list or report that needs one to answer at all).
    query: Mapping[str, str] = field(default_factory=dict)
    # A valid request body for an unsafe method, written like args, so that an allowed role gets
    # past the validation and the cell shows the real decision; without one the body is empty.
    body: Mapping[str, str] = field(default_factory=dict)
    note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.method)

    @property
    def subject(self) -> str | None:
        for value in (*self.args.values(), *self.query.values(), *self.body.values()):
            if not value.startswith("="):
                return value.split(".", 1)[0]
        return None

    def answer_for(self, role: str) -> str:
        for answer, roles in self.expect.items():
            if role in roles:
                return answer
        raise KeyError(f"{self.name} {self.method}: no answer for {role}")


def entries() -> list[Entry]:
    from samspil.web.authorization_matrix.api import API
    from samspil.web.authorization_matrix.pages import PAGES

    return [*PAGES, *API]

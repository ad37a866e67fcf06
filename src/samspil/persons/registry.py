"""Extension points that let higher apps hang their records on a person without this app
importing them (the dependency direction of docs/ARCHITECTURE.md).

- Timeline providers: incidents, cases, meetings, disclosures and orders each add entries to the
  person page's timeline, already filtered to what the user may see.
- Person movers: when two person records are merged, each app re-points its own references from
  the merged person to the survivor and says which rows it moved, so the merge can be undone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "incident", "case", "meeting", "disclosure", "order" …
    title: str
    detail: str = ""
    url: str = ""
    badges: tuple[str, ...] = field(default_factory=tuple)


# provider(*, user, person, purpose) -> list[TimelineEntry]
TimelineProvider = Callable[..., Sequence[TimelineEntry]]
# mover(*, source, target, ids=None) -> list[int]: re-point rows from source to target person;
# with ids, move exactly those rows (used to undo a merge).
PersonMover = Callable[..., list[int]]

_TIMELINE_PROVIDERS: list[TimelineProvider] = []
_PERSON_MOVERS: dict[str, PersonMover] = {}


def register_timeline_provider(provider: TimelineProvider) -> TimelineProvider:
    if provider not in _TIMELINE_PROVIDERS:
        _TIMELINE_PROVIDERS.append(provider)
    return provider


def timeline_providers() -> tuple[TimelineProvider, ...]:
    return tuple(_TIMELINE_PROVIDERS)


def register_person_mover(name: str, mover: PersonMover) -> None:
    """`name` labels the moved rows in PersonMerge.moved (e.g. "incidents.involvement")."""
    _PERSON_MOVERS[name] = mover


def person_movers() -> dict[str, PersonMover]:
    return dict(_PERSON_MOVERS)


def timeline_for(*, user: Any, person: Any, purpose: str) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for provider in _TIMELINE_PROVIDERS:
        entries.extend(provider(user=user, person=person, purpose=purpose))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)

"""cases.csv of the interchange format: checking and writing its rows (interchange.md).

Plain functions over parsed rows, so the bundle reader (``interchange``, a higher layer) calls
them from its ``cases.csv`` handler and this app never imports it. Historic cases keep their real
``opened_at``, ``closed_at`` and outcome, and their source reference; a closed case gets one
history row. A row whose ``case_ref`` exists is updated in place, and one for an (incident,
person, type) the automatic rules already opened takes that case over, so importing the same
bundle twice changes nothing and never duplicates a case.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.audit.constants import Action
from samspil.audit.services import audit_record
from samspil.cases.models import Case, CaseStatusChange
from samspil.cases.services import (
    CASE_LABEL,
    NewCase,
    cases_bulk_insert,
    due_date_for,
    owner_ids_by_municipality,
    state_for_outcome,
)
from samspil.cases.workflows import CASE_TYPES, CRIME_CLASSES
from samspil.persons.constants import RecordSource

FILENAME = "cases.csv"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# (column, required) in the order of interchange.md.
COLUMNS: tuple[tuple[str, bool], ...] = (
    ("case_ref", True),
    ("case_type", True),
    ("municipality_code", True),
    ("person_key", False),
    ("journal_no", False),
    ("opened_at", True),
    ("closed_at", False),
    ("outcome", False),
    ("origin", False),
    ("crime_class", False),
)
MAX_LENGTHS = {"case_ref": 64, "person_key": 64, "journal_no": 40}
LOOKUP_CHUNK = 5000
IMPORT_HISTORY_ACTION = "import"

_TIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$"
)


@dataclass(frozen=True, order=True)
class CaseProblem:
    """A problem with one row: ``line`` as a spreadsheet shows it (header = 1)."""

    line: int
    column: str
    message: str


@dataclass(frozen=True)
class CaseRow:
    line: int
    case_ref: str
    case_type: str
    municipality_code: str
    person_key: str | None
    journal_no: str | None
    opened_at: datetime
    closed_at: datetime | None
    outcome: str
    origin: str
    crime_class: str


@dataclass(frozen=True)
class CaseWriteResult:
    created: int
    updated: int
    unchanged: int


def parse_time(text: str) -> datetime:
    """ISO 8601; a time without an offset is Europe/Copenhagen local time (ValueError if not)."""
    if not _TIME_RE.match(text):
        raise ValueError(text)
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=COPENHAGEN) if value.tzinfo is None else value


def check_header(header: Sequence[str]) -> list[CaseProblem]:
    known = {name for name, _required in COLUMNS}
    problems = [CaseProblem(1, name, _("unknown column")) for name in header if name not in known]
    problems += [
        CaseProblem(1, name, _("the required column is missing"))
        for name, required in COLUMNS
        if required and name not in header
    ]
    return problems


def parse_case_row(line: int, values: Mapping[str, str | None]) -> tuple[
    CaseRow | None, list[CaseProblem]
]:
    """Check one row on its own (no database): required values, codes, times, outcome."""
    problems: list[CaseProblem] = []

    def get(name: str) -> str:
        value = (values.get(name) or "").strip()
        limit = MAX_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            problems.append(CaseProblem(line, name, _("is longer than %(max)d characters")
                                        % {"max": limit}))
            return ""
        return value

    def time(name: str) -> datetime | None:
        text = get(name)
        if not text:
            return None
        try:
            return parse_time(text)
        except ValueError:
            problems.append(CaseProblem(line, name,
                                        _("not a time (ISO 8601, e.g. 2025-03-01T14:30)")))
            return None

    case_ref, case_type = get("case_ref"), get("case_type")
    municipality_code, person_key, journal_no = (
        get("municipality_code"), get("person_key"), get("journal_no")
    )
    outcome, origin, crime_class = get("outcome"), get("origin"), get("crime_class")
    for name, value in (("case_ref", case_ref), ("case_type", case_type),
                        ("municipality_code", municipality_code)):
        if not value:
            problems.append(CaseProblem(line, name, _("is required")))
    if not (values.get("opened_at") or "").strip():
        problems.append(CaseProblem(line, "opened_at", _("is required")))
    opened_at, closed_at = time("opened_at"), time("closed_at")
    definition = CASE_TYPES.get(case_type)
    if case_type and definition is None:
        problems.append(CaseProblem(line, "case_type", _(
            "unknown value %(value)s; use one of %(choices)s"
        ) % {"value": case_type, "choices": ", ".join(CASE_TYPES)}))
    if definition is not None:
        if not person_key and case_type != "officer_request":
            problems.append(CaseProblem(line, "person_key",
                                        _("is required for this case type")))
        if closed_at is not None and not outcome:
            problems.append(CaseProblem(line, "outcome", _("is required when closed_at is given")))
        if outcome and closed_at is None and not problems_for(problems, "closed_at"):
            problems.append(CaseProblem(line, "outcome",
                                        _("an open case has no outcome; give closed_at")))
        if outcome and outcome not in definition.outcomes:
            problems.append(CaseProblem(line, "outcome", _(
                "unknown value %(value)s; use one of %(choices)s"
            ) % {"value": outcome, "choices": ", ".join(definition.outcomes)}))
        if origin and origin not in definition.origins:
            problems.append(CaseProblem(line, "origin", (
                _("unknown value %(value)s; use one of %(choices)s")
                % {"value": origin, "choices": ", ".join(definition.origins)}
            ) if definition.origins else _("this case type has no origin")))
        if crime_class and case_type != "ukn_screening":
            problems.append(CaseProblem(line, "crime_class",
                                        _("only a ukn_screening has a crime class")))
        elif crime_class and crime_class not in CRIME_CLASSES:
            problems.append(CaseProblem(line, "crime_class", _(
                "unknown value %(value)s; use one of %(choices)s"
            ) % {"value": crime_class, "choices": ", ".join(CRIME_CLASSES)}))
    if opened_at is not None and closed_at is not None and closed_at < opened_at:
        problems.append(CaseProblem(line, "closed_at", _("is before opened_at")))
    if problems or opened_at is None:
        return None, problems
    return CaseRow(line, case_ref, case_type, municipality_code, person_key or None,
                   journal_no or None, opened_at, closed_at, outcome, origin, crime_class), []


def problems_for(problems: Iterable[CaseProblem], column: str) -> bool:
    return any(problem.column == column for problem in problems)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start:start + LOOKUP_CHUNK]


def validate_case_rows(
    rows: Sequence[tuple[int, Mapping[str, str | None]]],
    *,
    header: Sequence[str] | None = None,
    bundle_person_keys: Collection[str] = (),
    bundle_journal_nos: Collection[str] = (),
    check_references: bool = True,
    organisation_id: int | None = None,
) -> tuple[list[CaseProblem], list[CaseRow]]:
    """Every problem of the file (header, rows, duplicates, references, owners) and the rows.

    ``bundle_*`` are the keys of persons.csv and incidents.csv in the same bundle; other keys
    must exist in the database (``check_references=False`` when the caller checks them itself).
    With ``organisation_id``, a case_ref held by a case of another organisation is a problem.
    """
    problems = check_header(header) if header is not None else []
    parsed: list[CaseRow] = []
    for line, values in rows:
        row, row_problems = parse_case_row(line, values)
        problems.extend(row_problems)
        if row is not None:
            parsed.append(row)
    seen_refs: dict[str, int] = {}
    for row in parsed:
        earlier = seen_refs.setdefault(row.case_ref, row.line)
        if earlier != row.line:
            problems.append(CaseProblem(row.line, "case_ref", _(
                "the same key is on line %(line)d") % {"line": earlier}))
    problems.extend(check_case_rows(
        parsed, bundle_person_keys=bundle_person_keys, bundle_journal_nos=bundle_journal_nos,
        check_references=check_references, organisation_id=organisation_id,
    ))
    problems.sort()
    failed = {problem.line for problem in problems}
    return problems, [row for row in parsed if row.line not in failed]


def check_case_rows(
    parsed: Sequence[CaseRow],
    *,
    bundle_person_keys: Collection[str] = (),
    bundle_journal_nos: Collection[str] = (),
    check_references: bool = True,
    organisation_id: int | None = None,
) -> list[CaseProblem]:
    """The whole-file checks over rows that passed ``parse_case_row`` (not duplicate refs)."""
    problems: list[CaseProblem] = []
    seen_subjects: dict[tuple[str, str, str], int] = {}
    for row in parsed:
        if row.journal_no and row.person_key:
            key = (row.journal_no, row.person_key, row.case_type)
            earlier = seen_subjects.setdefault(key, row.line)
            if earlier != row.line:
                problems.append(CaseProblem(row.line, "journal_no", _(
                    "a case of this type for this incident and person is on line %(line)d"
                ) % {"line": earlier}))
    from samspil.organisations.models import Municipality

    municipalities = dict(Municipality.objects.values_list("code", "id"))
    for row in parsed:
        if row.municipality_code not in municipalities:
            problems.append(CaseProblem(row.line, "municipality_code", _(
                "unknown municipality code %(value)s") % {"value": row.municipality_code}))
    by_type: dict[str, set[int]] = {}
    for row in parsed:
        if row.municipality_code in municipalities:
            by_type.setdefault(row.case_type, set()).add(municipalities[row.municipality_code])
    owners = {
        code: owner_ids_by_municipality(CASE_TYPES[code].owner_kind, ids)
        for code, ids in by_type.items()
    }
    for row in parsed:
        municipality_id = municipalities.get(row.municipality_code)
        if municipality_id is not None and municipality_id not in owners[row.case_type]:
            problems.append(CaseProblem(row.line, "municipality_code", _(
                "no organisation of the kind %(kind)s is registered for this municipality"
            ) % {"kind": CASE_TYPES[row.case_type].owner_kind}))
    if check_references:
        problems.extend(_reference_problems(parsed, bundle_person_keys, bundle_journal_nos))
    if organisation_id is not None:
        refs = [row.case_ref for row in parsed]
        foreign: set[str] = set()
        for chunk in _chunks(refs):
            foreign.update(
                Case.objects.filter(case_ref__in=chunk)
                .exclude(owner_organisation_id=organisation_id)
                .exclude(participants__organisation_id=organisation_id)
                .values_list("case_ref", flat=True)
            )
        problems.extend(
            CaseProblem(row.line, "case_ref",
                        _("the key is used by a record your organisation does not own"))
            for row in parsed if row.case_ref in foreign
        )
    return problems


def _reference_problems(
    rows: Sequence[CaseRow], person_keys: Collection[str], journal_nos: Collection[str]
) -> list[CaseProblem]:
    from samspil.incidents.models import Incident
    from samspil.persons.models import Person

    persons = set(person_keys)
    incidents = set(journal_nos)
    wanted_persons = sorted({r.person_key for r in rows if r.person_key} - persons)
    wanted_incidents = sorted({r.journal_no for r in rows if r.journal_no} - incidents)
    for chunk in _chunks(wanted_persons):
        persons.update(Person.objects.filter(person_key__in=chunk)
                       .values_list("person_key", flat=True))
    for chunk in _chunks(wanted_incidents):
        incidents.update(Incident.objects.filter(journal_no__in=chunk)
                         .values_list("journal_no", flat=True))
    problems = []
    for row in rows:
        if row.person_key and row.person_key not in persons:
            problems.append(CaseProblem(row.line, "person_key", _("unknown person_key")))
        if row.journal_no and row.journal_no not in incidents:
            problems.append(CaseProblem(row.line, "journal_no", _("unknown journal_no")))
    return problems


def _state_of(row: CaseRow) -> str:
    definition = CASE_TYPES[row.case_type]
    if row.closed_at is not None:
        return state_for_outcome(definition, row.outcome)
    return definition.initial_state


@transaction.atomic
def write_case_rows(
    rows: Sequence[CaseRow], *, actor: Any | None, is_synthetic: bool = False
) -> CaseWriteResult:
    """Write checked rows set-based: new cases in bulk, existing ones updated in place.

    Runs before the automatic rules see the bundle's incidents, so a screening in cases.csv is
    the one the rule finds, and never a second one.
    """
    from samspil.incidents.models import Incident
    from samspil.organisations.models import Municipality
    from samspil.persons.models import Person

    municipalities = dict(Municipality.objects.values_list("code", "id"))
    persons: dict[str, tuple[int, int]] = {}
    incidents: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(sorted({r.person_key for r in rows if r.person_key})):
        persons.update((key, (pk, owner)) for key, pk, owner in Person.objects.filter(
            person_key__in=chunk).values_list("person_key", "pk", "owner_organisation_id"))
    for chunk in _chunks(sorted({r.journal_no for r in rows if r.journal_no})):
        incidents.update((key, (pk, crime)) for key, pk, crime in Incident.objects.filter(
            journal_no__in=chunk).values_list("journal_no", "pk", "category__crime_class"))
    by_ref: dict[str, Case] = {}
    for chunk in _chunks([r.case_ref for r in rows]):
        by_ref.update((c.case_ref, c) for c in Case.objects.filter(case_ref__in=chunk))
    # Cases the automatic rules opened for the same incident, person and type: taken over.
    subjects: dict[tuple[int, int, str], Case] = {}
    incident_ids = sorted({incidents[r.journal_no][0] for r in rows
                           if r.journal_no in incidents and r.case_ref not in by_ref})
    for chunk in _chunks(incident_ids):
        for case in Case.objects.filter(incident_id__in=chunk, person__isnull=False):
            subjects[(case.incident_id, case.person_id, case.case_type)] = case  # type: ignore[index]

    new: list[NewCase] = []
    changed: list[tuple[Case, str]] = []
    unchanged = 0
    for row in rows:
        person = persons.get(row.person_key or "")
        incident = incidents.get(row.journal_no or "")
        crime = row.crime_class
        if row.case_type == "ukn_screening" and not crime and incident is not None:
            crime = incident[1] if incident[1] in CRIME_CLASSES else ""
        values: dict[str, Any] = {
            "case_type": row.case_type,
            "state": _state_of(row),
            "municipality_id": municipalities[row.municipality_code],
            "person_id": person[0] if person else None,
            "incident_id": incident[0] if incident else None,
            "opened_at": row.opened_at,
            "closed_at": row.closed_at,
            "outcome": row.outcome,
            "origin": row.origin,
            "crime_class": crime,
        }
        existing = by_ref.get(row.case_ref)
        if existing is None and person and incident:
            existing = subjects.get((incident[0], person[0], row.case_type))
        if existing is None:
            new.append(NewCase(
                case_type=row.case_type, municipality_id=values["municipality_id"],
                opened_at=row.opened_at, person_id=values["person_id"],
                person_owner_id=person[1] if person else None,
                incident_id=values["incident_id"], state=values["state"],
                closed_at=row.closed_at, outcome=row.outcome, origin=row.origin,
                crime_class=crime, case_ref=row.case_ref, is_synthetic=is_synthetic,
            ))
            continue
        values["case_ref"] = row.case_ref
        previous_state = existing.state
        if all(_same(getattr(existing, name), value) for name, value in values.items()):
            unchanged += 1
            continue
        for name, value in values.items():
            setattr(existing, name, value)
        changed.append((existing, previous_state))
    created = 0
    if new:
        created = cases_bulk_insert(
            actor=actor, rows=new, reason="import: cases.csv", source=RecordSource.IMPORT,
            audit_action=Action.IMPORT, history_action=IMPORT_HISTORY_ACTION,
        ).created
    _update(changed, actor=actor)
    return CaseWriteResult(created=created, updated=len(changed), unchanged=unchanged)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, datetime) and isinstance(new, datetime):
        return old == new
    return bool(old == new)


def _update(changed: Sequence[tuple[Case, str]], *, actor: Any | None) -> None:
    if not changed:
        return
    now = timezone.now()
    fields = ["case_type", "state", "municipality_id", "person_id", "incident_id", "opened_at",
              "closed_at", "outcome", "origin", "crime_class", "case_ref", "due_date",
              "updated_at"]
    for case, _previous in changed:
        case.due_date = due_date_for(case.definition, case.fields, case.opened_at,
                                     case.extension_days)
        case.updated_at = now
    cases = [case for case, _previous in changed]
    Case.objects.bulk_update(cases, fields, batch_size=1000)
    CaseStatusChange.objects.bulk_create([
        CaseStatusChange(
            case=case, from_state=previous, to_state=case.state, action=IMPORT_HISTORY_ACTION,
            outcome=case.outcome if case.closed_at else "",
            actor_id=getattr(actor, "pk", None), actor_name=getattr(actor, "username", "")
            or "system", at=case.closed_at or now, note="import: cases.csv",
        )
        for case, previous in changed if previous != case.state
    ])
    refs = sorted(case.case_ref for case in cases)
    audit_record(
        actor=actor if getattr(actor, "pk", None) else None,
        action=Action.IMPORT, object_type=CASE_LABEL, reason="import: cases.csv (updated)",
        changes={"updated": len(cases),
                 "content_hash": hashlib.sha256("\n".join(refs).encode()).hexdigest()},
    )

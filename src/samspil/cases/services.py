"""Every write to a case. ``case_open`` and ``case_transition`` are the one enforcement point.

Both ask ``workflows.check_transition`` (with the actor's roles, or the system role for automatic
steps), lock what they change, keep the deadline in step, append a ``CaseStatusChange`` (never
updated, never deleted), write the audit entry, give the organisations that hold the case access
to its person, and send the domain event on commit. Bulk writers (the automatic incident rules,
the importer) share ``cases_bulk_insert``: set-based, one audit entry per batch with counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.access.constants import GrantBasis, Purpose
from samspil.access.models import AccessGrant
from samspil.access.policy import readable
from samspil.access.services import record_access_grant
from samspil.audit.constants import Action
from samspil.audit.services import (
    AuditEvent,
    audit_record,
    audit_record_many,
    changes_between,
    snapshot,
)
from samspil.cases import deadlines, signals
from samspil.cases.constants import CASE_REF_PREFIXES, CASE_ROLES, MAX_BULK_ASSIGN
from samspil.cases.fields import clean_fields
from samspil.cases.models import (
    Case,
    CaseNote,
    CaseParticipant,
    CaseSequence,
    CaseStatusChange,
    ParticipantRole,
)
from samspil.cases.workflows import (
    CASE_TYPES,
    CREATE,
    SYSTEM_ROLE,
    CaseTypeDefinition,
    Transition,
    TransitionError,
    check_transition,
)
from samspil.organisations.models import Municipality, Organisation
from samspil.persons.constants import RecordSource

CASE_LABEL = "cases.case"
PERSON_LABEL = "persons.person"
# Columns the audit trail records of a case (the rest are bookkeeping).
AUDITED_FIELDS = (
    "case_type", "case_ref", "state", "municipality_id", "person_id", "incident_id", "opened_at",
    "closed_at", "outcome", "origin", "crime_class", "due_date", "extension_days",
    "assigned_to_id", "fields", "title", "summary", "owner_organisation_id", "confidentiality",
)  # fmt: skip


class CaseError(ValidationError):
    """A refused step, as a ValidationError views and the API turn into a 400 with the message.

    ``code`` is the engine's stable code; ``field`` names the field the step needs, if any.
    """

    def __init__(self, message: Any, *, code: str = "invalid", field: str | None = None) -> None:
        if isinstance(message, dict):
            super().__init__(message)
        elif field:
            super().__init__({field: [ValidationError(message, code=code)]})
        else:
            super().__init__(message, code=code)
        self.case_code = code
        self.field = field
        self.text = str(message)

    @classmethod
    def from_transition_error(cls, error: TransitionError) -> CaseError:
        return cls(error.message, code=error.code, field=error.field)


def _clean_fields(definition: CaseTypeDefinition, values: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return clean_fields(definition, values)
    except ValidationError as error:
        raise CaseError(error.message_dict, code="invalid_field") from None


class CaseRefused(PermissionDenied):
    """The actor's role or organisation may not do this to this case (HTTP 403)."""


def _check(
    definition: CaseTypeDefinition,
    *,
    from_state: str | None,
    action: str,
    roles: Iterable[str],
    fields: Mapping[str, object],
    outcome: str | None,
) -> Transition:
    try:
        return check_transition(
            definition,
            from_state=from_state,
            action=action,
            actor_roles=roles,
            fields=fields,
            outcome=outcome,
        )
    except TransitionError as error:
        # The wrong role is a refusal, like the wrong organisation; everything else is input
        # the user can correct.
        if error.code == "role_not_allowed":
            raise CaseRefused(str(error.message)) from None
        raise CaseError.from_transition_error(error) from None


def _roles(actor: Any, system: bool) -> frozenset[str]:
    if system:
        return frozenset({SYSTEM_ROLE})
    return frozenset(getattr(actor, "role_codes", frozenset()))


def _require_member(actor: Any) -> None:
    if actor is None or getattr(actor, "organisation_id", None) is None:
        raise CaseRefused(_("Only a member of an organisation can work on cases."))


def _definition(case_type: str) -> CaseTypeDefinition:
    try:
        return CASE_TYPES[case_type]
    except KeyError:
        raise CaseError(
            format_lazy(gettext_lazy("Unknown case type {code}."), code=case_type),
            code="unknown_case_type",
            field="case_type",
        ) from None


# --- Owners, participants and access ----------------------------------------------------------


def owner_organisation_for(
    definition: CaseTypeDefinition, municipality: Municipality, actor: Any | None = None
) -> Organisation:
    """The responsible organisation: the actor's own when it is of the owning kind there, else the
    district's organisation of that kind (the municipality's own for municipal case types)."""
    organisation = getattr(actor, "organisation", None) if actor is not None else None
    if (
        organisation is not None
        and organisation.kind == definition.owner_kind
        and organisation.district_id == municipality.district_id
        and (definition.owner_kind != "municipality" or organisation.municipality_id == municipality.pk)
    ):
        return organisation
    owners = owner_ids_by_municipality(definition.owner_kind, [municipality.pk])
    if municipality.pk not in owners:
        raise CaseError(
            format_lazy(
                gettext_lazy(
                    "No organisation of the kind {kind} is registered for {municipality}; "
                    "ask an administrator to add it."
                ),
                kind=definition.owner_kind,
                municipality=municipality.name,
            ),
            code="no_owner",
            field="municipality",
        )
    return Organisation.objects.get(pk=owners[municipality.pk])


def owner_ids_by_municipality(owner_kind: str, municipality_ids: Iterable[int]) -> dict[int, int]:
    """{municipality id: organisation id} of the owning kind, in two queries for any number."""
    ids = set(municipality_ids)
    if not ids:
        return {}
    result: dict[int, int] = {}
    if owner_kind == "municipality":
        rows = (
            Organisation.objects.filter(kind=owner_kind, municipality_id__in=ids)
            .order_by("pk")
            .values_list("municipality_id", "pk")
        )
        for municipality_id, organisation_id in rows:
            result.setdefault(municipality_id, organisation_id)
        return result
    districts = dict(Municipality.objects.filter(pk__in=ids).values_list("pk", "district_id"))
    by_district: dict[int, int] = {}
    rows = (
        Organisation.objects.filter(kind=owner_kind, district_id__in=set(districts.values()))
        .order_by("pk")
        .values_list("district_id", "pk")
    )
    for district_id, organisation_id in rows:
        by_district.setdefault(district_id, organisation_id)
    for municipality_id, district_id in districts.items():
        if district_id in by_district:
            result[municipality_id] = by_district[district_id]
    return result


def participating_organisation_ids(case: Case) -> set[int]:
    """The owner and the organisations taking part: those may work on the case."""
    ids = set(
        CaseParticipant.objects.filter(case=case, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    ids.add(case.owner_organisation_id)
    return ids


def _require_participant(actor: Any, case: Case) -> None:
    _require_member(actor)
    if actor.organisation_id not in participating_organisation_ids(case):
        raise CaseRefused(_("Your organisation does not take part in this case."))


def _grant_access(case: Case, organisation_ids: Iterable[int]) -> None:
    """Organisations holding the case may read it and its person (owner: the person only)."""
    for organisation_id in set(organisation_ids):
        if organisation_id != case.owner_organisation_id:
            record_access_grant(organisation_id=organisation_id, subject=case, source=case)
        if case.person is not None and case.person.owner_organisation_id != organisation_id:
            record_access_grant(organisation_id=organisation_id, subject=case.person, source=case)


def _add_organisation_participant(case: Case, organisation_id: int, role: str) -> None:
    if organisation_id == case.owner_organisation_id:
        return
    CaseParticipant.objects.get_or_create(
        case=case, organisation_id=organisation_id, defaults={"role": role}
    )


# --- References --------------------------------------------------------------------------------


def case_refs_reserve(case_type: str, year: int, count: int) -> list[str]:
    """``count`` fresh references for the type and year, e.g. "UKN-2025-000124" (locks a row)."""
    prefix = CASE_REF_PREFIXES[case_type]
    if count <= 0:
        return []
    with transaction.atomic():
        try:
            with transaction.atomic():
                CaseSequence.objects.get_or_create(prefix=prefix, year=year)
        except IntegrityError:
            pass  # created by a concurrent transaction meanwhile
        sequence = CaseSequence.objects.select_for_update().get(prefix=prefix, year=year)
        first = sequence.last_number + 1
        sequence.last_number += count
        sequence.save(update_fields=["last_number"])
    refs = [f"{prefix}-{year}-{number:06d}" for number in range(first, first + count)]
    taken = set(Case.objects.filter(case_ref__in=refs).values_list("case_ref", flat=True))
    if taken:
        # An imported reference in our own format: skip past it rather than collide.
        return [ref for ref in refs if ref not in taken] + case_refs_reserve(
            case_type, year, len(taken)
        )
    return refs


# --- Deadlines ---------------------------------------------------------------------------------


def due_date_for(
    definition: CaseTypeDefinition,
    fields: Mapping[str, Any],
    opened_at: date | datetime,
    extension_days: int,
) -> date | None:
    rule = definition.deadline_rule(fields)
    if rule is None:
        return None
    return deadlines.due_date(rule, opened_at, extension_days)


def _guard_values(
    case_fields: Mapping[str, Any], *, origin: str, crime_class: str, opened_at: datetime,
    extension_days: int,
) -> dict[str, Any]:
    return {
        **case_fields,
        "origin": origin,
        "crime_class": crime_class or case_fields.get("crime_class"),
        "opened_at": opened_at,
        "extensions_days": extension_days,
    }


def _actor_name(actor: Any | None) -> str:
    return getattr(actor, "username", "") or "system"


def _audited(case: Case) -> dict[str, Any]:
    return snapshot(case, AUDITED_FIELDS)


# --- Opening -----------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    actor: Any,
    case_type: str,
    municipality: Municipality,
    person: Any | None = None,
    incident: Any | None = None,
    owner_organisation: Organisation | None = None,
    fields: Mapping[str, Any] | None = None,
    origin: str = "",
    crime_class: str = "",
    opened_at: datetime | None = None,
    title: str = "",
    summary: str = "",
    note: str = "",
    system: bool = False,
    source: str = RecordSource.MANUAL,
    is_synthetic: bool = False,
) -> Case:
    """Open a case of ``case_type`` in ``municipality`` after the type's creation step allows it.

    ``system=True`` is for automatic steps (incident rules, the citizens' form): they act as the
    system role, which the type's table must allow, and need no organisation.
    """
    definition = _definition(case_type)
    roles = _roles(actor, system)
    if not system:
        _require_member(actor)
        _require_opening_organisation(actor, definition, municipality)
    values = dict(fields or {})
    if crime_class:
        values["crime_class"] = crime_class
    cleaned = _clean_fields(definition, values)
    # The crime class is a column of its own (the report counts by it), not a detail field.
    crime = str(cleaned.pop("crime_class", "") or "")
    if person is None and case_type != "officer_request":
        raise CaseError(_("Choose the person the case is about."), code="person_required",
                        field="person")
    if not system:
        _require_readable(actor, person, incident)
    now = timezone.now()
    opened = opened_at or now
    _check(
        definition,
        from_state=None,
        action=CREATE,
        roles=roles,
        fields=_guard_values(cleaned, origin=origin, crime_class=crime, opened_at=opened,
                             extension_days=0),
        outcome=None,
    )
    owner = owner_organisation or owner_organisation_for(
        definition, municipality, None if system else actor
    )
    local_year = deadlines.local_date(opened).year
    case = Case(
        case_type=case_type,
        case_ref=case_refs_reserve(case_type, local_year, 1)[0],
        state=definition.initial_state,
        municipality=municipality,
        person=person,
        incident=incident,
        opened_at=opened,
        origin=origin,
        crime_class=crime,
        due_date=due_date_for(definition, cleaned, opened, 0),
        fields=cleaned,
        title=(title or "").strip()[:200],
        summary=(summary or "").strip(),
        owner_organisation=owner,
        confidentiality=definition.confidentiality,
        created_by=actor if getattr(actor, "pk", None) else None,
        source=source,
        is_synthetic=is_synthetic,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise CaseError(
            _("A case of this type already exists for this person and incident."),
            code="duplicate_case",
        ) from None
    participants: set[int] = {owner.pk}
    if not system and actor.organisation_id != owner.pk:
        _add_organisation_participant(case, actor.organisation_id, ParticipantRole.REFERRER)
        participants.add(actor.organisation_id)
    if "municipality" in definition.participant_kinds:
        municipal = owner_ids_by_municipality("municipality", [municipality.pk]).get(
            municipality.pk
        )
        if municipal is not None and municipal != owner.pk:
            _add_organisation_participant(case, municipal, ParticipantRole.PARTICIPANT)
            participants.add(municipal)
    _grant_access(case, participants)
    CaseStatusChange.objects.create(
        case=case,
        from_state="",
        to_state=case.state,
        action=CREATE,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_actor_name(actor),
        at=opened,
        note=(note or "").strip(),
    )
    audit_record(
        actor=actor if getattr(actor, "pk", None) else None,
        action=Action.CREATE,
        obj=case,
        purpose=Purpose.CASEWORK,
        reason="system" if system else "",
        changes=changes_between(None, _audited(case)),
    )
    case_pk = case.pk
    transaction.on_commit(lambda: signals.case_opened.send(sender=Case, case_id=case_pk))
    return case


def _require_opening_organisation(
    actor: Any, definition: CaseTypeDefinition, municipality: Municipality
) -> None:
    organisation = actor.organisation
    if organisation.district_id != municipality.district_id:
        raise CaseRefused(_("You can open cases only in your own police district."))
    kinds = {definition.owner_kind, *definition.participant_kinds}
    if organisation.kind not in kinds:
        raise CaseRefused(_("Your organisation does not take part in this case type."))
    if organisation.kind == "municipality" and organisation.municipality_id != municipality.pk:
        raise CaseRefused(_("You can open cases only for your own municipality."))


def _require_readable(actor: Any, person: Any | None, incident: Any | None) -> None:
    from samspil.incidents.models import Incident
    from samspil.persons.models import Person

    if person is not None and not readable(
        actor, Person.objects.filter(pk=person.pk), purpose=Purpose.CASEWORK
    ).exists():
        raise CaseRefused(_("You do not have access to this person."))
    if incident is not None and not readable(
        actor, Incident.objects.filter(pk=incident.pk), purpose=Purpose.CASEWORK
    ).exists():
        raise CaseRefused(_("You do not have access to this incident."))


# --- Steps -------------------------------------------------------------------------------------


@transaction.atomic
def case_transition(
    *,
    actor: Any,
    case: Case,
    action: str,
    outcome: str | None = None,
    fields: Mapping[str, Any] | None = None,
    note: str = "",
    system: bool = False,
    at: datetime | None = None,
) -> Case:
    """Take one step of the case's workflow, if the type's table allows it now, for this actor.

    ``at`` records when the step happened when it is registered afterwards (a screening done on
    paper, historic data); it may not lie in the future nor before the case's previous step. The
    audit trail keeps the time the step was registered.
    """
    locked = Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
    definition = locked.definition
    if not system:
        _require_participant(actor, locked)
    if action == CREATE:
        raise CaseError(_("A case that exists cannot be opened again."), code="action_not_allowed")
    cleaned = _clean_fields(definition, dict(fields or {}))
    new_crime = cleaned.pop("crime_class", None)
    crime = str(new_crime) if new_crime else locked.crime_class
    merged = {**locked.fields, **cleaned}
    outcome = outcome or None
    transition = _check(
        definition,
        from_state=locked.state,
        action=action,
        roles=_roles(actor, system),
        fields=_guard_values(merged, origin=locked.origin, crime_class=crime,
                             opened_at=locked.opened_at, extension_days=locked.extension_days),
        outcome=outcome,
    )
    before = _audited(locked)
    from_state = locked.state
    now = _step_time(locked, at)
    rule = definition.deadline_rule(merged)
    if transition.extends_deadline and rule is not None:
        locked.extension_days += rule.extension_days
    locked.fields = merged
    locked.crime_class = crime
    locked.state = transition.to_state
    if transition.requires_outcome:
        locked.outcome = outcome or ""
        locked.closed_at = now
    locked.due_date = due_date_for(definition, merged, locked.opened_at, locked.extension_days)
    locked.save()
    CaseStatusChange.objects.create(
        case=locked,
        from_state=from_state,
        to_state=locked.state,
        action=action,
        outcome=outcome or "",
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_actor_name(actor),
        at=now,
        note=(note or "").strip(),
    )
    audit_record(
        actor=actor if getattr(actor, "pk", None) else None,
        action=Action.TRANSITION,
        obj=locked,
        purpose=Purpose.CASEWORK,
        reason=f"{action}: {from_state} → {locked.state}",
        changes=changes_between(before, _audited(locked)),
    )
    case_pk = locked.pk
    transaction.on_commit(
        lambda: signals.case_transitioned.send(
            sender=Case, case_id=case_pk, action=action, from_state=from_state,
            to_state=transition.to_state, outcome=outcome or "",
        )
    )
    return locked


def _step_time(case: Case, at: datetime | None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        raise CaseError(_("The time of the step needs a time zone."), code="invalid_time")
    if at > now + timedelta(minutes=2):
        raise CaseError(_("A step cannot be registered in the future."), code="invalid_time")
    last = (
        CaseStatusChange.objects.filter(case=case).order_by("-at").values_list("at", flat=True)
        .first()
    )
    earliest = max(filter(None, (case.opened_at, last)))
    if at < earliest:
        raise CaseError(
            _("A step cannot be dated before the case's previous step."), code="invalid_time"
        )
    return at


def extension_transition(case: Case) -> Transition | None:
    return next(
        (t for t in case.definition.transitions_from(case.state) if t.extends_deadline), None
    )


def case_extend(
    *, actor: Any, case: Case, fields: Mapping[str, Any] | None = None, note: str = ""
) -> Case:
    """Extend the deadline by one period (area bans: 30 days, within the six-month cap)."""
    transition = extension_transition(case)
    if transition is None:
        raise CaseError(_("The deadline of this case cannot be extended."), code="not_extendable")
    return case_transition(actor=actor, case=case, action=transition.action, fields=fields,
                           note=note)


# --- Assignment and notes ----------------------------------------------------------------------


def _require_assignee(actor: Any, assignee: Any | None) -> None:
    if assignee is None:
        return
    if assignee.organisation_id != actor.organisation_id or not assignee.is_active:
        raise CaseError(_("Cases can be assigned only to active users in your organisation."),
                        code="invalid_assignee", field="assigned_to")
    if not assignee.role_codes & CASE_ROLES:
        raise CaseError(_("The user has no role that works on cases."), code="invalid_assignee",
                        field="assigned_to")


def _require_case_role(actor: Any) -> None:
    _require_member(actor)
    if not actor.role_codes & CASE_ROLES:
        raise CaseRefused(_("Your role does not work on cases."))


@transaction.atomic
def case_assign(*, actor: Any, case: Case, assignee: Any | None) -> Case:
    """Give the case to a user of the actor's organisation (None = nobody)."""
    _require_case_role(actor)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _require_participant(actor, locked)
    _require_assignee(actor, assignee)
    before = _audited(locked)
    locked.assigned_to = assignee
    locked.save(update_fields=["assigned_to", "updated_at"])
    changed = changes_between(before, _audited(locked))
    if changed:
        audit_record(actor=actor, action=Action.UPDATE, obj=locked, purpose=Purpose.CASEWORK,
                     changes=changed)
    return locked


@transaction.atomic
def cases_bulk_assign(*, actor: Any, case_ids: Sequence[int], assignee: Any | None) -> int:
    """Assign many cases at once; all or nothing. Returns how many were assigned."""
    _require_case_role(actor)
    ids = sorted({int(pk) for pk in case_ids})
    if not ids:
        return 0
    if len(ids) > MAX_BULK_ASSIGN:
        raise CaseError(
            _("At most %(n)s cases can be assigned at once.") % {"n": MAX_BULK_ASSIGN},
            code="too_many",
        )
    _require_assignee(actor, assignee)
    locked = list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise CaseRefused(_("Your organisation does not take part in one of the cases."))
    participating = set(
        CaseParticipant.objects.filter(
            case_id__in=ids, organisation_id=actor.organisation_id
        ).values_list("case_id", flat=True)
    )
    for case in locked:
        if case.owner_organisation_id != actor.organisation_id and case.pk not in participating:
            raise CaseRefused(_("Your organisation does not take part in one of the cases."))
    new_id = assignee.pk if assignee is not None else None
    changed = [case for case in locked if case.assigned_to_id != new_id]
    Case.objects.filter(pk__in=[c.pk for c in changed]).update(
        assigned_to=assignee, updated_at=timezone.now()
    )
    audit_record_many(
        actor=actor,
        events=[
            AuditEvent(
                action=Action.UPDATE,
                object_type=CASE_LABEL,
                object_id=str(case.pk),
                purpose=Purpose.CASEWORK,
                reason="bulk assignment",
                changes={"assigned_to_id": [case.assigned_to_id, new_id]},
            )
            for case in changed
        ],
    )
    return len(changed)


@transaction.atomic
def case_note_add(*, actor: Any, case: Case, text: str) -> CaseNote:
    _require_case_role(actor)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _require_participant(actor, locked)
    text = (text or "").strip()
    if not text:
        raise CaseError(_("Write the note."), code="required", field="text")
    if len(text) > 10_000:
        raise CaseError(_("A note has at most 10,000 characters."), code="too_long",
                        field="text")
    note = CaseNote.objects.create(case=locked, text=text, author=actor)
    audit_record(actor=actor, action=Action.CREATE, obj=note, purpose=Purpose.CASEWORK,
                 changes=changes_between(None, snapshot(note)))
    return note


# --- Bulk insert (automatic rules, import) -----------------------------------------------------


@dataclass
class NewCase:
    """One case for ``cases_bulk_insert``; the owner and state are resolved there when absent."""

    case_type: str
    municipality_id: int
    opened_at: datetime
    person_id: int | None = None
    person_owner_id: int | None = None
    incident_id: int | None = None
    owner_organisation_id: int | None = None
    state: str = ""
    closed_at: datetime | None = None
    outcome: str = ""
    origin: str = ""
    crime_class: str = ""
    case_ref: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    participant_organisation_ids: tuple[int, ...] = ()
    is_synthetic: bool = False
    source: str = ""


@dataclass(frozen=True)
class BulkResult:
    created: int
    skipped_no_owner: int
    case_ids: tuple[int, ...]


BULK_BATCH = 1000


def state_for_outcome(definition: CaseTypeDefinition, outcome: str) -> str:
    """The closed state a case closed with ``outcome`` is in (the step that records it)."""
    for transition in definition.transitions:
        if outcome in transition.outcomes:
            return transition.to_state
    raise KeyError(outcome)


def cases_bulk_insert(
    *,
    actor: Any | None,
    rows: Sequence[NewCase],
    reason: str,
    source: str,
    audit_action: str = Action.CREATE,
    history_action: str = CREATE,
) -> BulkResult:
    """Insert many cases set-based: references, history, participants and access grants in bulk,
    one audit entry per batch with counts and a content hash. The caller has already checked the
    rows (rules by construction, the importer by validation) and removed existing ones."""
    created_ids: list[int] = []
    skipped = 0
    by_type: dict[str, list[NewCase]] = {}
    for row in rows:
        by_type.setdefault(row.case_type, []).append(row)
    with transaction.atomic():
        for case_type, typed in by_type.items():
            definition = CASE_TYPES[case_type]
            owners = owner_ids_by_municipality(
                definition.owner_kind,
                {r.municipality_id for r in typed if r.owner_organisation_id is None},
            )
            municipal = (
                owner_ids_by_municipality("municipality", {r.municipality_id for r in typed})
                if "municipality" in definition.participant_kinds
                else {}
            )
            for start in range(0, len(typed), BULK_BATCH):
                batch = typed[start : start + BULK_BATCH]
                ids, missing = _insert_batch(
                    actor=actor, definition=definition, batch=batch, owners=owners,
                    municipal=municipal, reason=reason, source=source,
                    audit_action=audit_action, history_action=history_action,
                )
                created_ids.extend(ids)
                skipped += missing
    return BulkResult(created=len(created_ids), skipped_no_owner=skipped,
                      case_ids=tuple(created_ids))


def _insert_batch(
    *,
    actor: Any | None,
    definition: CaseTypeDefinition,
    batch: Sequence[NewCase],
    owners: Mapping[int, int],
    municipal: Mapping[int, int],
    reason: str,
    source: str,
    audit_action: str,
    history_action: str,
) -> tuple[list[int], int]:
    ready: list[NewCase] = []
    missing = 0
    for row in batch:
        if row.owner_organisation_id is None:
            owner = owners.get(row.municipality_id)
            if owner is None:
                missing += 1
                continue
            row.owner_organisation_id = owner
        ready.append(row)
    if not ready:
        return [], missing
    # References per opening year, reserved in one step per year.
    need: dict[int, list[NewCase]] = {}
    for row in ready:
        if not row.case_ref:
            need.setdefault(deadlines.local_date(row.opened_at).year, []).append(row)
    for year, rows in need.items():
        for row, ref in zip(rows, case_refs_reserve(definition.code, year, len(rows)),
                            strict=True):
            row.case_ref = ref
    actor_id: int | None = getattr(actor, "pk", None)
    cases = []
    for row in ready:
        state = row.state or definition.initial_state
        cases.append(Case(
            case_type=definition.code,
            case_ref=row.case_ref,
            state=state,
            municipality_id=row.municipality_id,
            person_id=row.person_id,
            incident_id=row.incident_id,
            opened_at=row.opened_at,
            closed_at=row.closed_at,
            outcome=row.outcome,
            origin=row.origin,
            crime_class=row.crime_class,
            due_date=due_date_for(definition, row.fields, row.opened_at, 0),
            fields=row.fields,
            owner_organisation_id=row.owner_organisation_id or 0,
            confidentiality=definition.confidentiality,
            created_by_id=actor_id,
            source=row.source or source,
            is_synthetic=row.is_synthetic,
        ))
    Case.objects.bulk_create(cases)
    history = []
    participants = []
    grants = []
    for row, case in zip(ready, cases, strict=True):
        closed = row.closed_at is not None
        history.append(CaseStatusChange(
            case_id=case.pk,
            from_state="",
            to_state=case.state,
            action=history_action,
            outcome=row.outcome if closed else "",
            actor_id=actor_id,
            actor_name=_actor_name(actor),
            at=row.closed_at or row.opened_at,
            note=reason,
        ))
        holders = {case.owner_organisation_id, *row.participant_organisation_ids}
        municipal_org = municipal.get(row.municipality_id)
        if municipal_org is not None:
            holders.add(municipal_org)
        for organisation_id in holders - {case.owner_organisation_id}:
            participants.append(CaseParticipant(
                case_id=case.pk, organisation_id=organisation_id,
                role=ParticipantRole.PARTICIPANT,
            ))
            grants.append(AccessGrant(
                organisation_id=organisation_id, subject_type=CASE_LABEL, subject_id=case.pk,
                basis=GrantBasis.RECORD, source=f"{CASE_LABEL}:{case.pk}",
            ))
        if row.person_id is not None:
            for organisation_id in holders:
                if organisation_id != row.person_owner_id:
                    grants.append(AccessGrant(
                        organisation_id=organisation_id, subject_type=PERSON_LABEL,
                        subject_id=row.person_id, basis=GrantBasis.RECORD,
                        source=f"{CASE_LABEL}:{case.pk}",
                    ))
    CaseStatusChange.objects.bulk_create(history)
    CaseParticipant.objects.bulk_create(participants, ignore_conflicts=True)
    AccessGrant.objects.bulk_create(grants, ignore_conflicts=True)
    refs = sorted(case.case_ref for case in cases)
    ids = [case.pk for case in cases]
    audit_record(
        actor=actor if actor_id else None,
        action=audit_action,
        object_type=CASE_LABEL,
        purpose=Purpose.CASEWORK,
        reason=reason,
        changes={
            "case_type": definition.code,
            "created": len(cases),
            "skipped_no_owner": missing,
            "first_id": min(ids),
            "last_id": max(ids),
            "content_hash": hashlib.sha256("\n".join(refs).encode()).hexdigest(),
        },
    )
    case_ids = tuple(ids)
    transaction.on_commit(lambda: signals.cases_opened.send(sender=Case, case_ids=case_ids))
    return ids, missing


# --- Person merges -----------------------------------------------------------------------------


def _grant_owners_for_person(case_ids: Sequence[int], target: Any) -> None:
    """After a move, the organisations holding the moved cases may read the surviving person."""
    holders: set[tuple[int, int]] = set(
        Case.objects.filter(pk__in=case_ids).values_list("owner_organisation_id", "pk")
    )
    holders |= set(
        CaseParticipant.objects.filter(case_id__in=case_ids, organisation__isnull=False)
        .values_list("organisation_id", "case_id")
    )
    AccessGrant.objects.bulk_create(
        [
            AccessGrant(organisation_id=organisation_id, subject_type=PERSON_LABEL,
                        subject_id=target.pk, basis=GrantBasis.RECORD,
                        source=f"{CASE_LABEL}:{case_id}")
            for organisation_id, case_id in holders
            if organisation_id != target.owner_organisation_id
        ],
        ignore_conflicts=True,
    )


def cases_move(*, source: Any, target: Any, ids: Sequence[int] | None = None) -> list[int]:
    """The person mover "cases.case": re-point the cases whose subject is ``source``.

    A case that would duplicate one the target already has for the same incident and type stays
    on the merged record (the unique constraint allows one; the survivor's case is the one that
    is worked on). Undo (ids given) moves exactly those cases back.
    """
    cases = Case.objects.select_for_update().filter(person=source)
    if ids is not None:
        cases = cases.filter(pk__in=ids)
    rows = list(cases.values_list("pk", "incident_id", "case_type"))
    taken = set(
        Case.objects.filter(person=target, incident__isnull=False).values_list(
            "incident_id", "case_type"
        )
    )
    movable = [pk for pk, incident_id, case_type in rows
               if incident_id is None or (incident_id, case_type) not in taken]
    Case.objects.filter(pk__in=movable).update(person=target, updated_at=timezone.now())
    _grant_owners_for_person(movable, target)
    return sorted(movable)


def case_participants_move(
    *, source: Any, target: Any, ids: Sequence[int] | None = None
) -> list[int]:
    """The person mover "cases.caseparticipant": re-point participations of ``source``; one the
    target already has in the same case and role stays on the merged record."""
    participations = CaseParticipant.objects.select_for_update().filter(person=source)
    if ids is not None:
        participations = participations.filter(pk__in=ids)
    rows = list(participations.values_list("pk", "case_id", "role"))
    taken = set(
        CaseParticipant.objects.filter(person=target).values_list("case_id", "role")
    )
    movable = [pk for pk, case_id, role in rows if (case_id, role) not in taken]
    CaseParticipant.objects.filter(pk__in=movable).update(person=target)
    _grant_owners_for_person(
        list(CaseParticipant.objects.filter(pk__in=movable).values_list("case_id", flat=True)),
        target,
    )
    return sorted(movable)

"""Writes to incidents, involvements and the category taxonomy. Each one validated and audited.

Registering an incident runs the automatic rules (incidents.rules) inside the same transaction,
so an incident and the cases a rule starts commit together or not at all. Adding an involvement
or changing an incident's category or time runs them again: a suspect named a week later must
start the same screening as one named at once (rules are idempotent by contract).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import Confidentiality, Purpose
from samspil.access.policy import purposes_of
from samspil.access.services import record_access_grant
from samspil.accounts.constants import Role
from samspil.audit.constants import Action
from samspil.audit.services import audit_record, changes_between, snapshot
from samspil.incidents import rules
from samspil.incidents.constants import CrimeClass, InvolvementRole
from samspil.incidents.models import (
    Incident,
    IncidentCategory,
    Involvement,
    MergeDroppedInvolvement,
)
from samspil.organisations.models import Municipality
from samspil.persons.constants import RecordSource
from samspil.persons.models import Person

# The police format, e.g. "0100-12345-00001-25" (kreds, station/serial, number, year). Other
# sources (island constables, migrated systems) use their own numbers, so any compact id is
# accepted; the police format is documented here so forms can hint at it.
POLICE_JOURNAL_NO = re.compile(r"^\d{4}-\d{5}-\d{5}-\d{2}$")
_JOURNAL_NO = re.compile(r"^\S{1,40}$")

# Denmark's bounding box in WGS84, Bornholm and Ertholmene included, with a small margin.
LAT_RANGE = (54.45, 57.80)
LON_RANGE = (7.95, 15.25)

# A device clock a little ahead of the server must not make "just now" a time in the future.
CLOCK_SKEW = timedelta(minutes=2)

_EDITABLE_FIELDS = ("journal_no", "occurred_at", "reported_at", "category", "municipality",
                    "lat", "lon", "narrative", "confidentiality")


def _errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _resolve_category(category: IncidentCategory | str | None) -> IncidentCategory | None:
    if category is None or isinstance(category, IncidentCategory):
        return category
    return IncidentCategory.objects.filter(code=category).first()


def _resolve_municipality(municipality: Municipality | str | None) -> Municipality | None:
    if municipality is None or isinstance(municipality, Municipality):
        return municipality
    return Municipality.objects.filter(code=municipality).first()


def _require_registration(actor: Any, source: str) -> None:
    """Manual and API registration needs the registration purpose; imports and demo data are
    authorised by the command that runs them."""
    if actor is None or getattr(actor, "organisation_id", None) is None:
        raise PermissionDenied(_("Only a member of an organisation can register incidents."))
    if source in (RecordSource.MANUAL, RecordSource.API) and (
        Purpose.REGISTRATION not in purposes_of(actor)
    ):
        raise PermissionDenied(_("Your role does not allow registering incidents."))


def may_edit(actor: Any, incident: Incident) -> bool:
    """Whether `actor` may change the incident and its involvements (for showing the buttons)."""
    try:
        _require_editor(actor, incident)
    except PermissionDenied:
        return False
    return True


def _require_editor(actor: Any, incident: Incident) -> None:
    """Changes are made by the owning organisation; an island constable changes only own reports."""
    if actor is None or Purpose.REGISTRATION not in purposes_of(actor):
        raise PermissionDenied(_("Your role does not allow changing incidents."))
    if actor.has_role(Role.ISLAND_CONSTABLE) and len(actor.role_codes) == 1:
        if incident.created_by_id != actor.pk:
            raise PermissionDenied(_("You can change only the reports you made."))
    elif incident.owner_organisation_id != actor.organisation_id:
        raise PermissionDenied(_("Only the organisation that owns the incident can change it."))


def validate_journal_no(journal_no: str, *, exclude_pk: int | None = None) -> list[str]:
    if not journal_no:
        return [_("Enter the journal number.")]
    if not _JOURNAL_NO.match(journal_no):
        return [_("A journal number has at most 40 characters and no spaces, "
                  "for example 0100-12345-00001-25.")]
    taken = Incident.objects.filter(journal_no=journal_no)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        return [_("An incident with journal number %(journal_no)s already exists.")
                % {"journal_no": journal_no}]
    return []


def _validate_fields(values: dict[str, Any], *, exclude_pk: int | None = None) -> None:
    """Check the incident's own fields; raise one ValidationError naming every problem."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for message in validate_journal_no(values["journal_no"], exclude_pk=exclude_pk):
        add("journal_no", message)
    now = timezone.now()
    occurred_at, reported_at = values["occurred_at"], values["reported_at"]
    for field, value in (("occurred_at", occurred_at), ("reported_at", reported_at)):
        if not isinstance(value, datetime):
            add(field, _("Enter a date and time."))
        elif timezone.is_naive(value):
            add(field, _("The time must include a time zone."))
        elif value > now + CLOCK_SKEW:
            add(field, _("The time cannot be in the future."))
    if (
        "occurred_at" not in errors and "reported_at" not in errors
        and reported_at < occurred_at
    ):
        add("reported_at", _("The incident cannot be reported before it happened."))
    category = values["category"]
    if category is None:
        add("category", _("Choose a category that exists."))
    elif not category.is_active:
        add("category", _("The category %(category)s is no longer in use.")
            % {"category": category.label})
    if values["municipality"] is None:
        add("municipality", _("Choose a municipality that exists."))
    lat, lon = values["lat"], values["lon"]
    if (lat is None) != (lon is None):
        add("lat", _("Give both latitude and longitude, or neither."))
    elif lat is not None and not (
        LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]
    ):
        add("lat", _("The position is not in Denmark."))
    if values.get("confidentiality", Confidentiality.NORMAL) not in Confidentiality.values:
        add("confidentiality", _("Unknown confidentiality level."))
    _errors(errors)


def _validate_involvements(involvements: Iterable[tuple[Any, str]]) -> list[tuple[Person, str]]:
    cleaned: list[tuple[Person, str]] = []
    problems: list[str] = []
    for number, (person, role) in enumerate(involvements, start=1):
        if not isinstance(person, Person) or person.pk is None:
            problems.append(_("Involvement %(n)s: choose a registered person.") % {"n": number})
            continue
        if person.merged_into_id is not None:
            problems.append(_("Involvement %(n)s: the person was merged into another record; "
                              "use that one.") % {"n": number})
            continue
        if role not in InvolvementRole.values:
            problems.append(_("Involvement %(n)s: unknown role %(role)s.")
                            % {"n": number, "role": role})
            continue
        if (person.pk, role) in {(p.pk, r) for p, r in cleaned}:
            problems.append(_("Involvement %(n)s: the person already has this role.")
                            % {"n": number})
            continue
        cleaned.append((person, role))
    _errors({"involvements": problems} if problems else {})
    return cleaned


def _involve(*, actor: Any, incident: Incident, person: Person, role: str) -> Involvement:
    involvement = Involvement.objects.create(incident=incident, person=person, role=role)
    if person.owner_organisation_id != incident.owner_organisation_id:
        # The incident's owner holds a record about the person now: it may see the person.
        record_access_grant(organisation_id=incident.owner_organisation_id, subject=person,
                            source=incident)
    audit_record(
        actor=actor, action=Action.CREATE, obj=involvement,
        changes=changes_between(None, snapshot(involvement)),
    )
    return involvement


@transaction.atomic
def incident_register(
    *,
    actor: Any,
    journal_no: str,
    occurred_at: datetime,
    category: IncidentCategory | str,
    municipality: Municipality | str,
    reported_at: datetime | None = None,
    lat: float | None = None,
    lon: float | None = None,
    narrative: str = "",
    involvements: Sequence[tuple[Person, str]] = (),
    source: str = RecordSource.MANUAL,
    is_synthetic: bool = False,
    confidentiality: str = Confidentiality.NORMAL,
) -> Incident:
    """Register an incident with the persons involved, run the automatic rules, audit it."""
    _require_registration(actor, source)
    values: dict[str, Any] = {
        "journal_no": (journal_no or "").strip(),
        "occurred_at": occurred_at,
        "reported_at": reported_at if reported_at is not None else occurred_at,
        "category": _resolve_category(category),
        "municipality": _resolve_municipality(municipality),
        "lat": lat,
        "lon": lon,
        "confidentiality": confidentiality,
    }
    _validate_fields(values)
    cleaned = _validate_involvements(involvements)
    incident = Incident(
        **values,
        occurred_on=timezone.localdate(occurred_at),
        narrative=(narrative or "").strip(),
        source=source,
        is_synthetic=is_synthetic,
        owner_organisation_id=actor.organisation_id,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            incident.save()
    except IntegrityError:
        # Two registrations of the same number at once: the second one loses.
        raise ValidationError({"journal_no": validate_journal_no(values["journal_no"])
                               or [_("The journal number is already taken.")]}) from None
    audit_record(actor=actor, action=Action.CREATE, obj=incident,
                 changes=changes_between(None, snapshot(incident)))
    for person, role in cleaned:
        _involve(actor=actor, incident=incident, person=person, role=role)
    rules.run_incident_rules(incident_ids=[incident.pk], actor=actor)
    return incident


def _island_journal_no() -> str:
    stamp = timezone.localdate().strftime("%Y%m%d")
    for _attempt in range(10):
        candidate = f"SF-{stamp}-{secrets.token_hex(3).upper()}"
        if not Incident.objects.filter(journal_no=candidate).exists():
            return candidate
    raise RuntimeError("could not find a free journal number")  # pragma: no cover


@transaction.atomic
def island_report_register(
    *,
    actor: Any,
    occurred_at: datetime,
    category: IncidentCategory | str,
    narrative: str,
    lat: float | None = None,
    lon: float | None = None,
) -> Incident:
    """An island constable's report: the municipality is the constable's, the number generated
    (island constables have no police journal numbers; "SF-" marks a sognefoged's report)."""
    organisation = getattr(actor, "organisation", None)
    if organisation is None or organisation.municipality_id is None:
        raise ValidationError(_("Your organisation has no municipality; ask an administrator."))
    if not (narrative or "").strip():
        raise ValidationError({"narrative": [_("Describe what happened.")]})
    return incident_register(
        actor=actor,
        journal_no=_island_journal_no(),
        occurred_at=occurred_at,
        category=category,
        municipality=organisation.municipality,
        lat=lat,
        lon=lon,
        narrative=narrative,
    )


@transaction.atomic
def incident_update(*, actor: Any, incident: Incident, **changes: Any) -> Incident:
    """Change an incident's fields (journal_no, times, category, municipality, position,
    narrative, confidentiality). Unknown fields are an error, not silently dropped."""
    unknown = sorted(set(changes) - set(_EDITABLE_FIELDS))
    if unknown:
        raise TypeError(f"incident_update() got unknown fields: {', '.join(unknown)}")
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_editor(actor, locked)
    before = snapshot(locked)
    values: dict[str, Any] = {field: getattr(locked, field) for field in _EDITABLE_FIELDS}
    values.update(changes)
    values["journal_no"] = (values["journal_no"] or "").strip()
    values["narrative"] = (values["narrative"] or "").strip()
    values["category"] = _resolve_category(values["category"])
    values["municipality"] = _resolve_municipality(values["municipality"])
    _validate_fields(values, exclude_pk=locked.pk)
    for field, value in values.items():
        setattr(locked, field, value)
    locked.occurred_on = timezone.localdate(locked.occurred_at)
    locked.save()
    changed = changes_between(before, snapshot(locked))
    changed.pop("updated_at", None)
    if changed:
        audit_record(actor=actor, action=Action.UPDATE, obj=locked, changes=changed)
        if {"occurred_at", "category_id"} & set(changed):
            rules.run_incident_rules(incident_ids=[locked.pk], actor=actor)
    return locked


@transaction.atomic
def involvement_add(*, actor: Any, incident: Incident, person: Person, role: str) -> Involvement:
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_editor(actor, locked)
    ((person, role),) = _validate_involvements([(person, role)])
    if Involvement.objects.filter(incident=locked, person=person, role=role).exists():
        raise ValidationError({"involvements": [_("The person already has this role in the "
                                                  "incident.")]})
    involvement = _involve(actor=actor, incident=locked, person=person, role=role)
    rules.run_incident_rules(incident_ids=[locked.pk], actor=actor)
    return involvement


@transaction.atomic
def involvement_remove(*, actor: Any, involvement: Involvement) -> None:
    """Remove a role. An access grant the involvement gave stays: the owner held the record,
    and the audit trail must be able to explain past reads of the person."""
    locked = Involvement.objects.select_for_update().select_related("incident").get(
        pk=involvement.pk
    )
    _require_editor(actor, locked.incident)
    audit_record(actor=actor, action=Action.DELETE, obj=locked,
                 changes=changes_between(snapshot(locked), None))
    locked.delete()


# --- Person merges -------------------------------------------------------------------------------


def involvements_move(*, source: Person, target: Person, ids: Sequence[int] | None = None
                      ) -> list[int]:
    """The person mover "incidents.involvement" (persons.registry): re-point involvements.

    Merge (ids is None): every involvement of `source` moves to `target`. When `target` already
    has the same role in the same incident, the unique constraint allows no second row, so the
    source's row is deleted and kept as a MergeDroppedInvolvement; its id is still returned with
    the moved ones. Undo (ids given, source = the survivor, target = the merged person): rows with
    those ids move back, and dropped ones are recreated under their original id.

    Runs inside the merge service's transaction; the merge service audits the merge as a whole.
    """
    if ids is not None:
        return _involvements_move_back(source=source, target=target, ids=ids)
    moved: list[int] = []
    rows = Involvement.objects.select_for_update().filter(person=source).select_related("incident")
    for involvement in rows.order_by("pk"):
        involvement_id = involvement.pk
        duplicate = Involvement.objects.filter(
            incident_id=involvement.incident_id, person=target, role=involvement.role
        ).exists()
        if duplicate:
            MergeDroppedInvolvement.objects.create(
                involvement_id=involvement_id, incident_id=involvement.incident_id,
                person=source, survivor=target, role=involvement.role,
            )
            involvement.delete()
        else:
            involvement.person = target
            involvement.save(update_fields=["person"])
            if target.owner_organisation_id != involvement.incident.owner_organisation_id:
                record_access_grant(organisation_id=involvement.incident.owner_organisation_id,
                                    subject=target, source=involvement.incident)
        moved.append(involvement_id)
    return moved


def _involvements_move_back(*, source: Person, target: Person, ids: Sequence[int]) -> list[int]:
    moved: list[int] = []
    wanted = set(ids)
    for involvement in Involvement.objects.select_for_update().filter(pk__in=wanted,
                                                                       person=source):
        involvement.person = target
        involvement.save(update_fields=["person"])
        moved.append(involvement.pk)
    for dropped in MergeDroppedInvolvement.objects.select_for_update().filter(
        involvement_id__in=wanted, person=target, survivor=source
    ):
        Involvement.objects.create(pk=dropped.involvement_id, incident_id=dropped.incident_id,
                                   person=target, role=dropped.role)
        moved.append(dropped.involvement_id)
        dropped.delete()
    return sorted(moved)


# --- The category taxonomy (administrators) -----------------------------------------------------

_CATEGORY_FIELDS = ("label_da", "label_en", "crime_class", "risk_weight", "psp", "is_active")
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _require_administrator(actor: Any) -> None:
    if actor is None or not actor.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied(_("Only administrators can change the incident categories."))


def _validate_category(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not (values.get("label_da") or "").strip():
        errors["label_da"] = [_("Enter the Danish label.")]
    if values.get("crime_class") not in CrimeClass.values:
        errors["crime_class"] = [_("Choose a crime class.")]
    weight = values.get("risk_weight")
    if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= 10:
        errors["risk_weight"] = [_("The risk weight is a whole number from 0 to 10.")]
    _errors(errors)


@transaction.atomic
def category_create(
    *,
    actor: Any,
    code: str,
    label_da: str,
    label_en: str = "",
    crime_class: str,
    risk_weight: int,
    psp: bool = False,
) -> IncidentCategory:
    _require_administrator(actor)
    code = (code or "").strip()
    errors: dict[str, list[str]] = {}
    if not _CODE.match(code):
        errors["code"] = [_("A code has 2–40 lower-case letters, digits or underscores and "
                            "starts with a letter.")]
    elif IncidentCategory.objects.filter(code=code).exists():
        errors["code"] = [_("A category with this code already exists.")]
    _errors(errors)
    values = {"label_da": label_da.strip(), "label_en": (label_en or "").strip(),
              "crime_class": crime_class, "risk_weight": risk_weight, "psp": bool(psp)}
    _validate_category(values)
    category = IncidentCategory.objects.create(code=code, **values)
    audit_record(actor=actor, action=Action.CREATE, obj=category,
                 changes=changes_between(None, snapshot(category)))
    return category


@transaction.atomic
def category_update(*, actor: Any, category: IncidentCategory, **changes: Any) -> IncidentCategory:
    """Change labels, crime class, weight, PSP flag or whether the category is in use. The code
    is what imports and reports refer to, so it never changes."""
    _require_administrator(actor)
    unknown = sorted(set(changes) - set(_CATEGORY_FIELDS))
    if unknown:
        raise TypeError(f"category_update() got unknown fields: {', '.join(unknown)}")
    locked = IncidentCategory.objects.select_for_update().get(pk=category.pk)
    before = snapshot(locked)
    values = {field: getattr(locked, field) for field in _CATEGORY_FIELDS}
    values.update(changes)
    values["label_da"] = (values["label_da"] or "").strip()
    values["label_en"] = (values["label_en"] or "").strip()
    _validate_category(values)
    for field, value in values.items():
        setattr(locked, field, value)
    locked.save()
    changed = changes_between(before, snapshot(locked))
    if changed:
        audit_record(actor=actor, action=Action.UPDATE, obj=locked, changes=changed)
    return locked

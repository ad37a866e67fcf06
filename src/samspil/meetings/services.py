"""Writes to fora, meetings, actions and concerns. Each one checked, locked, and audited.

The step-wise sharing of a person (the Canadian "four filters", docs/fora-and-disclosures.md):

1. ``concern_raise`` – the home agency, which can read the person, decides to raise a concern;
2. the forum sees only the de-identified situation (meetings.deidentify) and its chair decides
   with ``concern_threshold_decide`` whether the threshold is met; when it is not, the person
   reference is cleared in the same transaction and nothing more is shared;
3. ``concern_disclose`` – the home agency discloses the identity only to the lead and assisting
   agencies the forum named, each through access.services.disclosure_create with the legal
   basis, expiring under the forum's rule;
4. the lead and assisting agencies plan the intervention as actions (``action_create``).

Who-may checks run *before* each service opens its transaction: a refusal writes an audit entry
(as the policy's read_one does), and that entry must survive the refusal's exception instead of
being rolled back with the transaction. The writes themselves run in ``transaction.atomic()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import LegalBasis, Purpose
from samspil.access.policy import AccessDenied, purposes_of, read_one
from samspil.access.selectors import disclosure_expires_at
from samspil.access.services import disclosure_create
from samspil.accounts.constants import Role
from samspil.audit.constants import Action as AuditAction
from samspil.audit.services import audit_record, changes_between, snapshot
from samspil.meetings.constants import (
    CHAIR_ROLES,
    DEFAULTS_BY_KIND,
    FORUM_DEFAULTS,
    ActionStatus,
    AgendaItemKind,
    ConcernStatus,
    MeetingStatus,
    MemberRole,
    RecipientRole,
    RiskFactor,
)
from samspil.meetings.deidentify import Identity, age_band, findings_message, identity_findings
from samspil.meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Concern,
    ConcernRecipient,
    Forum,
    ForumMember,
    Meeting,
)
from samspil.organisations.models import District, Municipality, Organisation, Station
from samspil.persons.models import Person

# Roles that take part in fora on behalf of their organisation.
FORUM_ROLES = frozenset({Role.PREVENTION_OFFICER, Role.SSP_COORDINATOR, Role.PSP_COORDINATOR,
                         Role.CASEWORKER})
# Who sets up fora and their members: the police's crime-prevention staff and administrators.
FORUM_ADMIN_ROLES = frozenset({Role.PREVENTION_OFFICER, Role.ADMINISTRATOR})

# The concern's columns that go to the audit trail: never the person reference, so that a concern
# whose threshold was not met cannot be tied back to the person through the trail.
CONCERN_AUDITED = ("forum_id", "home_organisation_id", "age_band", "municipality_id",
                   "risk_factors", "risk_text", "reason", "status", "meeting_id",
                   "decision_reason", "legal_basis", "what_is_shared")


class MeetingsError(ValidationError):
    pass


def _refuse(actor: Any, message: str, *, obj: Any = None, object_type: str = "",
            object_id: Any = "") -> PermissionDenied:
    audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditAction.READ_DENIED, obj=obj, object_type=object_type,
        object_id=str(object_id), purpose=Purpose.FORUM,
    )
    return AccessDenied(message)


# --- Who may do what -------------------------------------------------------------------------

def _roles(user: Any) -> frozenset[str]:
    roles: frozenset[str] = getattr(user, "role_codes", frozenset())
    return roles


def member_organisation_ids(forum: Forum) -> set[int]:
    return set(forum.members.current().values_list("organisation_id", flat=True))


def may_take_part(user: Any, forum: Forum) -> bool:
    """A participant: a member of an organisation that sits in the forum, in a forum role."""
    organisation = getattr(user, "organisation", None)
    if organisation is None or organisation.district_id != forum.district_id:
        return False
    if not _roles(user) & FORUM_ROLES:
        return False
    if Purpose.FORUM not in purposes_of(user):
        return False
    return forum.members.current().filter(organisation_id=organisation.pk).exists()


def is_chair(user: Any, forum: Forum) -> bool:
    pk = getattr(user, "pk", None)
    return pk is not None and forum.members.current().filter(user_id=pk,
                                                             role__in=CHAIR_ROLES).exists()


def may_administer(user: Any, district_id: int) -> bool:
    organisation = getattr(user, "organisation", None)
    return bool(
        organisation is not None and organisation.district_id == district_id
        and _roles(user) & FORUM_ADMIN_ROLES
    )


def _require_participant(actor: Any, forum: Forum) -> None:
    if not may_take_part(actor, forum):
        raise _refuse(actor, _("Only the organisations sitting in the forum may do this."),
                      obj=forum)


def _require_administrator(actor: Any, district_id: int) -> None:
    if not may_administer(actor, district_id):
        raise _refuse(actor, _("Only the police's crime-prevention staff and administrators "
                               "set up fora."), object_type="meetings.forum")


def _audit(actor: Any, action: str, obj: Any, before: dict[str, Any] | None,
           fields: Sequence[str] | None = None, *, reason: str = "") -> None:
    after = snapshot(obj, fields)
    audit_record(actor=actor if getattr(actor, "pk", None) else None, action=action, obj=obj,
                 purpose=Purpose.FORUM, reason=reason, changes=changes_between(before, after))


# --- Fora ------------------------------------------------------------------------------------

def _sectors(district: District) -> list[str]:
    sectors = (Station.objects.filter(district=district).exclude(sector="")
               .values_list("sector", flat=True).distinct())
    return sorted(set(sectors))


def fora_defaults_create(
    *,
    actor: Any | None = None,
    district: District,
    municipality: Municipality | None = None,
    kinds: Iterable[str] | None = None,
    is_synthetic: bool = False,
) -> list[Forum]:
    """The standing fora of appendix 1 for a district: the district-wide ones (Kredsråd, a
    Lokalråd per police sector, PSP steering group, KSP, Ungesamråd, Samråd, Exitråd) and the
    per-municipality ones (Lokalråd+, SSP, SSP+, PSP practice group) for `municipality`, or for
    every municipality of the district when none is given. Existing fora are left as they are,
    so this is safe to run again. `actor` None is the system (a migration, the demo)."""
    if actor is not None:
        _require_administrator(actor, district.pk)
    with transaction.atomic():
        return _fora_defaults_create(actor=actor, district=district, municipality=municipality,
                                     kinds=kinds, is_synthetic=is_synthetic)


def _fora_defaults_create(*, actor: Any | None, district: District,
                          municipality: Municipality | None, kinds: Iterable[str] | None,
                          is_synthetic: bool) -> list[Forum]:
    if municipality is not None and municipality.district_id != district.pk:
        raise MeetingsError({"municipality": [_("The municipality is not in the district.")]})
    wanted = set(kinds) if kinds is not None else set(DEFAULTS_BY_KIND)
    municipalities = ([municipality] if municipality is not None
                      else list(Municipality.objects.filter(district=district).order_by("name")))
    places: list[tuple[Any, Municipality | None, str]] = []
    for defaults in FORUM_DEFAULTS:
        if defaults.kind not in wanted:
            continue
        if defaults.per_municipality:
            places.extend((defaults, m, "") for m in municipalities)
        elif defaults.per_sector:
            places.extend((defaults, None, sector) for sector in (_sectors(district) or [""]))
        else:
            places.append((defaults, None, ""))
    fora: list[Forum] = []
    created = 0
    for defaults, place, sector in places:
        name = defaults.name.format(m=place.name if place else "", s=sector).strip()
        forum, made = Forum.objects.get_or_create(
            district=district, kind=defaults.kind, municipality=place, sector=sector, name=name,
            defaults={
                "legal_basis": defaults.legal_basis,
                "disclosure_basis": defaults.disclosure_basis,
                "purpose": defaults.purpose,
                "plans": defaults.plans,
                "interfaces": defaults.interfaces,
                "participants": defaults.participants,
                "meetings_min": defaults.meetings_min,
                "meetings_max": defaults.meetings_max,
                "disclosure_expiry_days": defaults.disclosure_expiry_days,
                "is_synthetic": is_synthetic,
            },
        )
        created += int(made)
        fora.append(forum)
    # One entry for the batch (house rule for bulk writers): counts, not every row.
    audit_record(
        actor=actor, action=AuditAction.CREATE, object_type="meetings.forum",
        purpose=Purpose.ADMINISTRATION, reason="fora defaults",
        changes={"district": district.slug, "municipality": municipality.code if municipality
                 else None, "created": created, "existing": len(fora) - created},
        actor_username="" if actor is not None else "system",
    )
    return fora


_FORUM_EDITABLE = ("name", "legal_basis", "disclosure_basis", "purpose", "plans", "interfaces",
                   "participants", "meetings_min", "meetings_max", "disclosure_expiry_days",
                   "is_active")


def forum_update(*, actor: Any, forum: Forum, **changes: Any) -> Forum:
    """Change a forum's description or its rules (meetings per year, disclosure expiry)."""
    unknown = sorted(set(changes) - set(_FORUM_EDITABLE))
    if unknown:
        raise TypeError(f"forum_update() got unknown fields: {', '.join(unknown)}")
    _require_administrator(actor, forum.district_id)
    with transaction.atomic():
        return _forum_update(actor=actor, forum=forum, changes=changes)


def _forum_update(*, actor: Any, forum: Forum, changes: dict[str, Any]) -> Forum:
    locked = Forum.objects.select_for_update().get(pk=forum.pk)
    before = snapshot(locked)
    for field, value in changes.items():
        setattr(locked, field, value)
    if locked.meetings_max is not None and locked.meetings_max < locked.meetings_min:
        raise MeetingsError({"meetings_max": [_("The maximum is below the minimum.")]})
    if changes.get("disclosure_basis") and changes["disclosure_basis"] not in LegalBasis.values:
        raise MeetingsError({"disclosure_basis": [_("Unknown legal basis.")]})
    locked.save()
    _audit(actor, AuditAction.UPDATE, locked, before)
    return locked


def forum_member_add(
    *,
    actor: Any | None,
    forum: Forum,
    organisation: Organisation,
    user: Any | None = None,
    external_name: str = "",
    title: str = "",
    role: str = MemberRole.MEMBER,
    email: str = "",
    phone: str = "",
) -> ForumMember:
    if actor is not None:
        _require_administrator(actor, forum.district_id)
    errors: dict[str, list[str]] = {}
    if organisation.district_id != forum.district_id:
        errors["organisation"] = [_("The organisation is not in the forum's police district.")]
    if user is not None and user.organisation_id != organisation.pk:
        errors["user"] = [_("The user does not belong to the organisation.")]
    if user is None and not external_name.strip():
        errors["external_name"] = [_("Choose a user or give the member's name.")]
    if role not in MemberRole.values:
        errors["role"] = [_("Unknown role.")]
    if user is not None and forum.members.current().filter(user=user).exists():
        errors["user"] = [_("The user is already a member of the forum.")]
    if errors:
        raise MeetingsError(errors)
    with transaction.atomic():
        member = ForumMember.objects.create(
            forum=forum, organisation=organisation, user=user,
            external_name=external_name.strip(), title=title.strip(), role=role,
            email=email.strip(), phone=phone.strip(),
        )
        _audit(actor, AuditAction.CREATE, member, None)
    return member


_MEMBER_EDITABLE = ("title", "role", "email", "phone")


def forum_member_update(*, actor: Any, member: ForumMember, **changes: Any) -> ForumMember:
    """Change a current member's title, role in the forum or contact details."""
    unknown = sorted(set(changes) - set(_MEMBER_EDITABLE))
    if unknown:
        raise TypeError(f"forum_member_update() got unknown fields: {', '.join(unknown)}")
    _require_administrator(actor, member.forum.district_id)
    if "role" in changes and changes["role"] not in MemberRole.values:
        raise MeetingsError({"role": [_("Unknown role.")]})
    with transaction.atomic():
        locked = ForumMember.objects.select_for_update().get(pk=member.pk)
        if locked.left_on is not None:
            raise MeetingsError(_("The member has left the forum and can no longer be changed."))
        before = snapshot(locked)
        for field, value in changes.items():
            setattr(locked, field, value.strip() if isinstance(value, str) else value)
        locked.save()
        _audit(actor, AuditAction.UPDATE, locked, before)
    return locked


def forum_member_end(*, actor: Any, member: ForumMember, left_on: date | None = None
                     ) -> ForumMember:
    """A member leaves the forum. The membership is kept with the day it ended, because past
    attendance and minutes name the member; from that day on the member's organisation no
    longer takes part through this membership."""
    _require_administrator(actor, member.forum.district_id)
    left_on = left_on or timezone.localdate()
    with transaction.atomic():
        locked = ForumMember.objects.select_for_update().get(pk=member.pk)
        if locked.left_on is not None:
            raise MeetingsError(_("The member has already left the forum."))
        if left_on > timezone.localdate():
            raise MeetingsError({"left_on": [_("The day cannot be in the future.")]})
        before = snapshot(locked)
        locked.left_on = left_on
        locked.save(update_fields=["left_on"])
        _audit(actor, AuditAction.UPDATE, locked, before)
    return locked


# --- Meetings --------------------------------------------------------------------------------

def meeting_create(*, actor: Any, forum: Forum, starts_at: datetime, place: str = "",
                   is_synthetic: bool = False) -> Meeting:
    _require_participant(actor, forum)
    if not forum.is_active:
        raise MeetingsError({"forum": [_("The forum is no longer active.")]})
    with transaction.atomic():
        meeting = Meeting.objects.create(forum=forum, starts_at=starts_at, place=place.strip(),
                                         created_by=actor, is_synthetic=is_synthetic)
        _audit(actor, AuditAction.CREATE, meeting, None)
    return meeting


def meeting_set_status(*, actor: Any, meeting: Meeting, status: str) -> Meeting:
    _require_participant(actor, meeting.forum)
    with transaction.atomic():
        return _meeting_set_status(actor=actor, meeting=meeting, status=status)


def _meeting_set_status(*, actor: Any, meeting: Meeting, status: str) -> Meeting:
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("forum").get(
        pk=meeting.pk)
    if status not in MeetingStatus.values:
        raise MeetingsError({"status": [_("Unknown status.")]})
    if status == MeetingStatus.HELD and locked.starts_at > timezone.now():
        raise MeetingsError({"status": [_("A meeting cannot be held before it starts.")]})
    before = snapshot(locked)
    locked.status = status
    locked.save(update_fields=["status"])
    _audit(actor, AuditAction.TRANSITION, locked, before)
    return locked


def _lock_meeting(meeting: Meeting) -> Meeting:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return Meeting.objects.select_for_update(of=("self",)).select_related("forum").get(
        pk=meeting.pk)


def agenda_item_add(
    *,
    actor: Any,
    meeting: Meeting,
    topic: str = "",
    case: Any | None = None,
    concern: Concern | None = None,
) -> AgendaItem:
    """A topic, a case (shown by its reference only) or a concern (shown de-identified)."""
    _require_participant(actor, meeting.forum)
    with transaction.atomic():
        return _agenda_item_add(actor=actor, meeting=meeting, topic=topic, case=case,
                                concern=concern)


def _agenda_item_add(*, actor: Any, meeting: Meeting, topic: str, case: Any | None,
                     concern: Concern | None) -> AgendaItem:
    locked = _lock_meeting(meeting)
    if locked.status == MeetingStatus.CANCELLED:
        raise MeetingsError({"meeting": [_("The meeting is cancelled.")]})
    kind = AgendaItemKind.TOPIC
    if concern is not None:
        if concern.forum_id != locked.forum_id:
            raise MeetingsError({"concern": [_("The concern was raised in another forum.")]})
        kind = AgendaItemKind.CONCERN
        # The agenda names the concern by its reference: that is all the forum sees of it.
        topic = _("Concern %(reference)s (de-identified)") % {"reference": concern.reference}
        Concern.objects.filter(pk=concern.pk, meeting__isnull=True).update(meeting=locked)
    elif case is not None:
        if case.municipality.district_id != locked.forum.district_id:
            raise MeetingsError({"case": [_("The case is in another police district.")]})
        kind = AgendaItemKind.CASE
        topic = topic.strip() or _("Case %(ref)s") % {"ref": case.case_ref}
    topic = topic.strip()
    if not topic:
        raise MeetingsError({"topic": [_("Give the topic of the agenda item.")]})
    position = (locked.items.aggregate(n=Max("position"))["n"] or 0) + 1
    item = AgendaItem.objects.create(meeting=locked, position=position, kind=kind,
                                     topic=topic[:300], case=case, concern=concern)
    _audit(actor, AuditAction.CREATE, item, None)
    return item


def _identity_of(person: Person | None) -> Identity:
    if person is None:
        return Identity()
    from samspil.persons.protection import cpr_decrypt

    digits = cpr_decrypt(person.cpr_encrypted) if person.cpr_encrypted else ""
    return Identity(given_name=person.given_name, family_name=person.family_name,
                    cpr_digits=digits, birth_date=person.birth_date, address=person.address)


def _require_deidentified(field: str, text: str, identity: Identity) -> None:
    findings = identity_findings(text, identity)
    if findings:
        raise MeetingsError({field: [findings_message(findings)]})


def minutes_record(*, actor: Any, item: AgendaItem, minutes: str, decision: str = ""
                   ) -> AgendaItem:
    """The minutes and decision of an agenda item. The minutes of a concern are read by the
    whole forum, so they are held to the same rule as the de-identified situation."""
    _require_participant(actor, item.meeting.forum)
    with transaction.atomic():
        return _minutes_record(actor=actor, item=item, minutes=minutes, decision=decision)


def _minutes_record(*, actor: Any, item: AgendaItem, minutes: str, decision: str
                    ) -> AgendaItem:
    locked = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting__forum",
                                                                   "concern__person").get(
        pk=item.pk)
    if locked.concern is not None:
        identity = _identity_of(locked.concern.person)
        _require_deidentified("minutes", minutes, identity)
        _require_deidentified("decision", decision, identity)
    before = snapshot(locked)
    locked.minutes, locked.decision = minutes.strip(), decision.strip()
    locked.save(update_fields=["minutes", "decision"])
    _audit(actor, AuditAction.UPDATE, locked, before)
    return locked


def attendance_set(
    *,
    actor: Any,
    meeting: Meeting,
    present: Iterable[ForumMember] = (),
    absent: Iterable[ForumMember] = (),
    guests: Iterable[tuple[str, str]] = (),
) -> list[Attendance]:
    """Record who was there: members present or absent, and guests (name, organisation). The
    attendance is replaced as a whole: it is what the minutes say, not a log."""
    _require_participant(actor, meeting.forum)
    with transaction.atomic():
        return _attendance_set(actor=actor, meeting=meeting, present=present, absent=absent,
                               guests=guests)


def _attendance_set(*, actor: Any, meeting: Meeting, present: Iterable[ForumMember],
                    absent: Iterable[ForumMember], guests: Iterable[tuple[str, str]]
                    ) -> list[Attendance]:
    locked = _lock_meeting(meeting)
    present, absent = list(present), list(absent)
    members = {m.pk for m in present} | {m.pk for m in absent}
    # Checked against the stored memberships, not the objects passed in (they may be stale).
    on_the_day = set(ForumMember.objects.filter(forum_id=locked.forum_id).on(
        timezone.localdate(locked.starts_at)).values_list("pk", flat=True))
    if any(m.pk not in on_the_day for m in [*present, *absent]):
        raise MeetingsError({"attendance": [_("Only members of the forum can attend as "
                                              "members; add others as guests.")]})
    if len(members) != len(present) + len(absent):
        raise MeetingsError({"attendance": [_("A member is both present and absent.")]})
    before = {"attendance": sorted(
        (a.member_id or 0, a.guest_name, a.present) for a in locked.attendance.all())}
    locked.attendance.all().delete()
    rows = [Attendance(meeting=locked, member=m, present=True) for m in present]
    rows += [Attendance(meeting=locked, member=m, present=False) for m in absent]
    rows += [Attendance(meeting=locked, guest_name=name.strip(),
                        guest_organisation=organisation.strip())
             for name, organisation in guests if name.strip()]
    Attendance.objects.bulk_create(rows)
    after = {"attendance": sorted((a.member_id or 0, a.guest_name, a.present) for a in rows)}
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, purpose=Purpose.FORUM,
                 changes=changes_between(before, after))
    return list(locked.attendance.all())


# --- Actions ---------------------------------------------------------------------------------

def concern_organisation_ids(concern: Concern) -> set[int]:
    """The agencies that know the person of a disclosed concern: home, lead, assisting."""
    return {concern.home_organisation_id,
            *concern.recipients.values_list("organisation_id", flat=True)}


def action_create(
    *,
    actor: Any,
    forum: Forum,
    title: str,
    due_date: date,
    owner_organisation: Organisation | None = None,
    owner_user: Any | None = None,
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    concern: Concern | None = None,
    is_synthetic: bool = False,
) -> Action:
    """An action with an owner (an organisation or a person) and a due date. An action on a
    concern (filter 4) is planned by, and owned by, the agencies that know the person."""
    errors: dict[str, list[str]] = {}
    if concern is not None:
        concern = Concern.objects.select_related("forum").get(pk=concern.pk)
        allowed = concern_organisation_ids(concern)
        if concern.status != ConcernStatus.DISCLOSED or actor.organisation_id not in allowed \
                or not _roles(actor) & FORUM_ROLES:
            raise _refuse(actor, _("Only the lead and assisting agencies plan the "
                                   "intervention."), obj=concern)
        forum = concern.forum
    else:
        _require_participant(actor, forum)
        allowed = member_organisation_ids(forum)
    if not title.strip():
        errors["title"] = [_("Describe the action.")]
    if owner_organisation is None and owner_user is None:
        errors["owner_organisation"] = [_("Choose who is responsible.")]
    if owner_organisation is not None and owner_organisation.pk not in allowed:
        errors["owner_organisation"] = [_("The responsible organisation must take part.")]
    if owner_user is not None and owner_user.organisation_id not in allowed:
        errors["owner_user"] = [_("The responsible person must belong to an organisation that "
                                  "takes part.")]
    if meeting is not None and meeting.forum_id != forum.pk:
        errors["meeting"] = [_("The meeting is of another forum.")]
    if agenda_item is not None and meeting is not None and agenda_item.meeting_id != meeting.pk:
        errors["agenda_item"] = [_("The agenda item is of another meeting.")]
    if errors:
        raise MeetingsError(errors)
    with transaction.atomic():
        action = Action.objects.create(
            forum=forum, meeting=meeting, agenda_item=agenda_item, concern=concern,
            title=title.strip()[:300], owner_organisation=owner_organisation,
            owner_user=owner_user, due_date=due_date, created_by=actor,
            created_at=timezone.now(), is_synthetic=is_synthetic,
        )
        _audit(actor, AuditAction.CREATE, action, None)
    return action


def may_complete(user: Any, action: Action) -> bool:
    if action.concern is not None:
        return (user.organisation_id in concern_organisation_ids(action.concern)
                and bool(_roles(user) & FORUM_ROLES))
    return may_take_part(user, action.forum)


def action_complete(*, actor: Any, action: Action, done: bool = True) -> Action:
    if not may_complete(actor, action):
        raise _refuse(actor, _("You may not change this action."), obj=action)
    with transaction.atomic():
        return _action_complete(actor=actor, action=action, done=done)


def _action_complete(*, actor: Any, action: Action, done: bool) -> Action:
    locked = Action.objects.select_for_update().get(pk=action.pk)
    before = snapshot(locked)
    locked.status = ActionStatus.DONE if done else ActionStatus.OPEN
    locked.done_at = timezone.now() if done else None
    locked.save(update_fields=["status", "done_at"])
    _audit(actor, AuditAction.TRANSITION, locked, before)
    return locked


# --- The four filters ------------------------------------------------------------------------

def _require_person_readable(actor: Any, pk: int) -> Person:
    """Filter 1: the home agency must itself be able to read the person (logged as read)."""
    return read_one(actor, Person.objects.select_related("municipality"), pk=pk,
                    purpose=Purpose.FORUM)


def concern_raise(
    *,
    actor: Any,
    forum: Forum,
    person: Person,
    reason: str,
    risk_factors: Sequence[str],
    risk_text: str = "",
    meeting: Meeting | None = None,
    is_synthetic: bool = False,
) -> Concern:
    """Filter 1: the home agency records its decision to raise a concern with the forum.

    `reason` and `risk_text` are written knowing they are shared without identity: either one
    containing the person's name, CPR number, address or birth date is refused."""
    _require_participant(actor, forum)
    if forum.disclosure_expiry_days <= 0:
        raise MeetingsError({"forum": [_("This forum does not discuss named persons.")]})
    person = _require_person_readable(actor, person.pk)
    errors: dict[str, list[str]] = {}
    factors = list(dict.fromkeys(risk_factors))
    if not factors:
        errors["risk_factors"] = [_("Choose at least one risk factor.")]
    elif any(code not in RiskFactor.values for code in factors):
        errors["risk_factors"] = [_("Unknown risk factor.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for raising the concern.")]
    identity = _identity_of(person)
    for field, text in (("reason", reason), ("risk_text", risk_text)):
        findings = identity_findings(text, identity)
        if findings:
            errors[field] = [findings_message(findings)]
    if meeting is not None and (meeting.forum_id != forum.pk
                                or meeting.status == MeetingStatus.CANCELLED):
        errors["meeting"] = [_("Choose a coming meeting of the forum.")]
    if errors:
        raise MeetingsError(errors)
    now = timezone.now()
    with transaction.atomic():
        concern = Concern.objects.create(
            forum=forum, person=person, home_organisation_id=actor.organisation_id,
            raised_by=actor, raised_at=now, reason=reason.strip(),
            age_band=age_band(person.birth_date, timezone.localdate(now)),
            municipality=person.municipality, risk_factors=factors,
            risk_text=risk_text.strip(), meeting=meeting, is_synthetic=is_synthetic,
        )
        _audit(actor, AuditAction.CREATE, concern, None, CONCERN_AUDITED)
        if meeting is not None:
            _agenda_item_add(actor=actor, meeting=meeting, topic="", case=None, concern=concern)
    return concern


def concern_threshold_decide(*, actor: Any, concern: Concern, met: bool, reason: str) -> Concern:
    """Filter 2: the chair records whether the threshold for sharing identity is met.

    When it is not, the person reference is cleared here, in the same transaction and under the
    row lock, and the check constraint concern_not_met_has_no_person keeps it cleared. The
    audit entry carries no person reference (CONCERN_AUDITED)."""
    if not is_chair(actor, concern.forum) or not may_take_part(actor, concern.forum):
        raise _refuse(actor, _("Only the forum's chair or vice-chair decides the threshold."),
                      obj=concern)
    with transaction.atomic():
        return _concern_threshold_decide(actor=actor, concern=concern, met=met, reason=reason)


def _concern_threshold_decide(*, actor: Any, concern: Concern, met: bool, reason: str
                              ) -> Concern:
    locked = Concern.objects.select_for_update(of=("self",)).select_related(
        "forum", "person").get(pk=concern.pk)
    if locked.status != ConcernStatus.RAISED:
        raise MeetingsError({"status": [_("The threshold has already been decided.")]})
    if not reason.strip():
        raise MeetingsError({"reason": [_("Give the reason for the decision.")]})
    _require_deidentified("reason", reason, _identity_of(locked.person))
    before = snapshot(locked, CONCERN_AUDITED)
    locked.status = ConcernStatus.MET if met else ConcernStatus.NOT_MET
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason.strip()
    if not met:
        locked.person = None
    locked.save()
    _audit(actor, AuditAction.TRANSITION, locked, before, CONCERN_AUDITED,
           reason="threshold met" if met else "threshold not met")
    return locked


def concern_disclose(
    *,
    actor: Any,
    concern: Concern,
    lead_organisation: Organisation,
    assisting_organisations: Iterable[Organisation],
    legal_basis: str,
    what_is_shared: str,
) -> list[ConcernRecipient]:
    """Filter 3: the home agency discloses the identity to the lead and assisting agencies the
    forum named — to them and nobody else — each as an access.Disclosure that expires under the
    forum's rule."""
    if actor.organisation_id != concern.home_organisation_id or not may_take_part(
            actor, concern.forum):
        raise _refuse(actor, _("Only the home agency discloses the identity."), obj=concern)
    if concern.person_id is not None:
        # Filter 1 again: the home agency must still be able to read the person (logged).
        _require_person_readable(actor, concern.person_id)
    with transaction.atomic():
        return _concern_disclose(actor=actor, concern=concern,
                                 lead_organisation=lead_organisation,
                                 assisting_organisations=assisting_organisations,
                                 legal_basis=legal_basis, what_is_shared=what_is_shared)


def _concern_disclose(*, actor: Any, concern: Concern, lead_organisation: Organisation,
                      assisting_organisations: Iterable[Organisation], legal_basis: str,
                      what_is_shared: str) -> list[ConcernRecipient]:
    locked = Concern.objects.select_for_update(of=("self",)).select_related(
        "forum", "person").get(pk=concern.pk)
    if locked.status != ConcernStatus.MET or locked.person is None:
        raise MeetingsError({"status": [_("Identity can be disclosed only after the forum "
                                          "found the threshold met, and only once.")]})
    person = locked.person
    assisting = [org for org in dict.fromkeys(assisting_organisations)
                 if org.pk != lead_organisation.pk]
    members = member_organisation_ids(locked.forum)
    errors: dict[str, list[str]] = {}
    if legal_basis not in LegalBasis.values:
        errors["legal_basis"] = [_("Choose the legal basis.")]
    if not what_is_shared.strip():
        errors["what_is_shared"] = [_("Say what is shared.")]
    outside = [org.name for org in [lead_organisation, *assisting] if org.pk not in members]
    if outside:
        errors["assisting_organisations"] = [
            _("Only organisations sitting in the forum can be named: %(names)s")
            % {"names": ", ".join(outside)}]
    if errors:
        raise MeetingsError(errors)
    expires_at = disclosure_expires_at(days=locked.forum.disclosure_expiry_days)
    recipients: list[ConcernRecipient] = []
    for organisation, role in [(lead_organisation, RecipientRole.LEAD),
                               *((org, RecipientRole.ASSISTING) for org in assisting)]:
        disclosure = None
        if organisation.pk != actor.organisation_id:
            disclosure = disclosure_create(
                actor=actor, subject=person, to_organisation=organisation,
                legal_basis=legal_basis,
                purpose=_("%(forum)s, concern %(reference)s: %(role)s") % {
                    "forum": locked.forum.name, "reference": locked.reference,
                    "role": RecipientRole(role).label},
                shared=what_is_shared, expires_at=expires_at,
                context=f"meetings.concern:{locked.pk}",
            )
        recipients.append(ConcernRecipient.objects.create(
            concern=locked, organisation=organisation, role=role, disclosure=disclosure))
    before = snapshot(locked, CONCERN_AUDITED)
    locked.status = ConcernStatus.DISCLOSED
    locked.legal_basis = legal_basis
    locked.what_is_shared = what_is_shared.strip()
    locked.disclosed_by = actor
    locked.disclosed_at = timezone.now()
    locked.save()
    _audit(actor, AuditAction.DISCLOSE, locked, before, CONCERN_AUDITED,
           reason=", ".join(f"{r.organisation_id}:{r.role}" for r in recipients))
    return recipients


def concerns_move(*, source: Person, target: Person, ids: Sequence[int] | None = None
                  ) -> list[int]:
    """persons.registry mover: a merged person's open concerns follow the survivor."""
    rows = Concern.objects.filter(person=source)
    if ids is not None:
        rows = Concern.objects.filter(pk__in=ids, person=source)
    moved = list(rows.values_list("pk", flat=True))
    Concern.objects.filter(pk__in=moved).update(person=target)
    return moved


# --- PSP practice groups ---------------------------------------------------------------------

def psp_discussion_open(*, actor: Any, person: Person, note: str = "",
                        is_synthetic: bool = False) -> Any:
    """Select a person from the PSP monitoring list for the practice group: a new psp_discussion
    case each time (a person may be discussed again). Only a person on the actor's own
    monitoring list can be selected (meetings.selectors.psp_monitoring_list)."""
    from samspil.cases.services import case_open
    from samspil.meetings.selectors import psp_monitoring_person_ids

    if person.pk not in psp_monitoring_person_ids(user=actor, municipality=person.municipality):
        raise _refuse(actor, _("The person is not on your PSP monitoring list."),
                      object_type="persons.person", object_id=person.pk)
    return case_open(actor=actor, case_type="psp_discussion", municipality=person.municipality,
                     person=person, note=note,
                     title=_("PSP practice group %(municipality)s") % {
                         "municipality": person.municipality.name},
                     is_synthetic=is_synthetic)

"""Victim follow-up (tryghedsopfølgning): contact attempts and the one-click referral to
Offerrådgivningen."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import Purpose
from samspil.audit.constants import Action
from samspil.audit.services import audit_record, changes_between, snapshot
from samspil.cases.models import Case, ParticipantRole
from samspil.cases.services import (
    CaseError,
    _add_organisation_participant,
    _grant_access,
    case_open,
    case_transition,
    owner_ids_by_municipality,
)
from samspil.cases.types.common import clean_text, locked, require_type, require_worker
from samspil.cases.types.models import (
    ConsentChannel,
    ContactAttempt,
    ContactChannel,
    ContactResult,
    VictimSupportReferral,
)
from samspil.cases.workflows import CASE_TYPES

WORKERS = frozenset({"prevention_officer", "caseworker"})
CLOCK_SKEW = timedelta(minutes=2)


def _check_past(at: datetime, *, field: str, not_before: datetime | None = None) -> None:
    if timezone.is_naive(at):
        raise CaseError(_("The time needs a time zone."), code="invalid_time", field=field)
    if at > timezone.now() + CLOCK_SKEW:
        raise CaseError(_("The time cannot be in the future."), code="invalid_time", field=field)
    if not_before is not None and at < not_before - timedelta(days=366):
        raise CaseError(_("The time is too long before the case was opened."),
                        code="invalid_time", field=field)


@transaction.atomic
def contact_attempt_record(
    *, actor: Any, case: Case, at: datetime, channel: str, result: str, note: str = ""
) -> ContactAttempt:
    """Record one attempt to reach the person; the case moves to "contact attempted"."""
    require_type(case, "victim_followup")
    current = locked(case)
    require_worker(actor, current, WORKERS)
    if current.is_closed:
        raise CaseError(_("The follow-up is closed."), code="closed")
    if channel not in ContactChannel.values:
        raise CaseError(_("Choose how the contact was attempted."), field="channel")
    if result not in ContactResult.values:
        raise CaseError(_("Choose the result of the attempt."), field="result")
    _check_past(at, field="at", not_before=current.opened_at)
    text = clean_text(note, limit=4000, label=_("Note"), field="note")
    attempt = ContactAttempt.objects.create(
        case=current, at=at, channel=channel, result=result, note=text, recorded_by=actor
    )
    audit_record(actor=actor, action=Action.CREATE, obj=attempt, purpose=Purpose.CASEWORK,
                 changes=changes_between(None, snapshot(attempt, ("case_id", "at", "channel",
                                                                  "result"))))
    # The engine's step keeps the history and the state in one place; repeated attempts are
    # allowed from "contact attempted" as well.
    case_transition(actor=actor, case=current, action="attempt_contact",
                    note=f"{ContactChannel(channel).label}: {ContactResult(result).label}")
    return attempt


def contact_attempts(*, case: Case) -> list[ContactAttempt]:
    """The attempts of a case the caller has already read through ``case_get``."""
    return list(case.contact_attempts.select_related("recorded_by").order_by("at", "id"))


@transaction.atomic
def victim_support_refer(
    *, actor: Any, followup: Case, consent_at: datetime, consent_channel: str
) -> Case:
    """Open a referral to Offerrådgivningen from a follow-up and send it, in one step.

    Consent comes first: it is required, may not lie in the future, and how it was given is
    recorded beside the referral. The district's Offerrådgivningen (if registered) becomes the
    referral's recipient and may read it; it sees nothing else of the follow-up.
    """
    require_type(followup, "victim_followup")
    current = locked(followup)
    require_worker(actor, current, WORKERS)
    if current.person is None:
        raise CaseError(_("The follow-up has no person to refer."), code="person_required")
    if consent_channel not in ConsentChannel.values:
        raise CaseError(_("Choose how the consent was given."), field="consent_channel")
    if consent_at is None:
        raise CaseError(_("Give the time of the consent."), field="consent_at")
    _check_past(consent_at, field="consent_at")
    if VictimSupportReferral.objects.filter(followup=current).exists():
        raise CaseError(_("The victim has already been referred from this follow-up."),
                        code="already_referred")
    referral = case_open(
        actor=actor,
        case_type="victim_support_referral",
        municipality=current.municipality,
        person=current.person,
        fields={"consent_at": timezone.localdate(consent_at)},
        title=_("Referral from %(ref)s") % {"ref": current.case_ref},
        note=_("Referred from the follow-up %(ref)s.") % {"ref": current.case_ref},
    )
    consent = VictimSupportReferral.objects.create(
        case=referral, followup=current, consent_at=consent_at, consent_channel=consent_channel
    )
    audit_record(actor=actor, action=Action.CREATE, obj=consent, purpose=Purpose.CASEWORK,
                 changes=changes_between(None, snapshot(consent, ("case_id", "followup_id",
                                                                  "consent_at",
                                                                  "consent_channel"))))
    recipient = owner_ids_by_municipality("victim_support", [current.municipality_id]).get(
        current.municipality_id
    )
    if recipient is not None and "victim_support" in CASE_TYPES[
        "victim_support_referral"
    ].participant_kinds:
        _add_organisation_participant(referral, recipient, ParticipantRole.RECIPIENT)
        _grant_access(referral, {recipient})
    return case_transition(actor=actor, case=referral, action="refer", outcome="referred")

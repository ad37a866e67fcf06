""""Bestil en betjent": the citizen's request without login, its rate limit, and the status page.

The form is public, so everything here assumes a hostile client: every field has a size limit,
text is stored as typed and always escaped on output, a honeypot field and a per-address limit
(``RATE_LIMIT`` submissions per ``RATE_WINDOW``) stop robots without a third-party CAPTCHA, and the
status page opens only with the receipt number and the secret token from the receipt link.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import Purpose
from samspil.audit.constants import Action
from samspil.audit.services import audit_record, changes_between, snapshot
from samspil.cases.fields import ORIGIN_LABELS
from samspil.cases.models import Case
from samspil.cases.services import CaseError, case_open
from samspil.cases.types.common import clean_text, locked, require_type, require_worker
from samspil.cases.types.models import OfficerRequestDetails, PublicSubmission, RequesterKind
from samspil.cases.workflows import CASE_TYPES
from samspil.organisations.models import Municipality

FORM = "officer_request"
RATE_LIMIT = 5
RATE_WINDOW = timedelta(minutes=10)
# Rows of the rate limit are kept this long, then deleted: the address hash is personal data.
RATE_KEEP = timedelta(days=1)
MAX_AHEAD_DAYS = 365
MAX_PLACE = 200
MAX_DESCRIPTION = 2000
MAX_NAME = 150
MAX_EMAIL = 254
MAX_PHONE = 30
MAX_MESSAGE = 2000
ORIGINS: tuple[str, ...] = CASE_TYPES["officer_request"].origins


class RateLimited(Exception):
    """Too many submissions from one address; the view answers 429 with a Danish message."""


class Rejected(Exception):
    """A robot filled in the honeypot; nothing is stored."""


@dataclass(frozen=True)
class Receipt:
    case_ref: str
    token: str


@dataclass(frozen=True)
class PublicStatus:
    case_ref: str
    origin_label: str
    received_on: date
    state: str
    state_label: str
    outcome: str
    outcome_label: str
    message: str
    message_at: Any


def address_hash(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), (address or "-").encode(),
                    hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rate_limited(*, address: str, now: Any = None) -> bool:
    now = now or timezone.now()
    return PublicSubmission.objects.filter(
        form=FORM, address_hash=address_hash(address), at__gt=now - RATE_WINDOW
    ).count() >= RATE_LIMIT


def _count_submission(address: str) -> None:
    """Count this submission; refuse it when the address has used its quota."""
    now = timezone.now()
    PublicSubmission.objects.filter(at__lt=now - RATE_KEEP).delete()
    if rate_limited(address=address, now=now):
        raise RateLimited
    PublicSubmission.objects.create(form=FORM, address_hash=address_hash(address), at=now)


def public_municipalities() -> Any:
    """Municipalities whose district's police receive requests (a police organisation exists)."""
    return Municipality.objects.filter(
        district__organisations__kind="police"
    ).distinct().order_by("name")


def check_wished_date(value: date | None, *, today: date, field: str) -> None:
    if value is None:
        return
    if value < today:
        raise CaseError(_("The date cannot be in the past."), code="date_past", field=field)
    if value > today + timedelta(days=MAX_AHEAD_DAYS):
        raise CaseError(_("The date must be within a year from today."), code="date_far",
                        field=field)


def officer_request_submit(
    *,
    address: str,
    origin: str,
    municipality: Municipality,
    place: str,
    wished_date: date,
    wished_date_alternative: date | None = None,
    description: str,
    requester_kind: str,
    contact_name: str,
    email: str = "",
    phone: str = "",
    consent_to_contact: bool,
    honeypot: str = "",
    is_synthetic: bool = False,
) -> Receipt:
    """Receive a citizen's request: open the case as the system, owned by the district's police.

    No actor: the citizen is not a user. The rate limit is counted first, also for a robot, so a
    robot that learns to skip the honeypot still meets the limit.
    """
    with transaction.atomic():
        _count_submission(address)
    if honeypot:
        raise Rejected
    with transaction.atomic():
        return _submit(
            origin=origin, municipality=municipality, place=place, wished_date=wished_date,
            wished_date_alternative=wished_date_alternative, description=description,
            requester_kind=requester_kind, contact_name=contact_name, email=email, phone=phone,
            consent_to_contact=consent_to_contact, is_synthetic=is_synthetic,
        )


def _submit(
    *, origin: str, municipality: Municipality, place: str, wished_date: date,
    wished_date_alternative: date | None, description: str, requester_kind: str,
    contact_name: str, email: str, phone: str, consent_to_contact: bool, is_synthetic: bool,
) -> Receipt:
    if origin not in ORIGINS:
        raise CaseError(_("Choose what you are requesting."), code="invalid", field="origin")
    if requester_kind not in RequesterKind.values:
        raise CaseError(_("Choose who you are."), code="invalid", field="requester_kind")
    today = timezone.localdate()
    check_wished_date(wished_date, today=today, field="wished_date")
    check_wished_date(wished_date_alternative, today=today, field="wished_date_alternative")
    place = clean_text(place, limit=MAX_PLACE, label=_("Place"), required=True, field="place")
    description = clean_text(description, limit=MAX_DESCRIPTION, label=_("Description"),
                             required=True, field="description")
    contact_name = clean_text(contact_name, limit=MAX_NAME, label=_("Contact person"),
                              required=True, field="contact_name")
    email = clean_text(email, limit=MAX_EMAIL, label=_("E-mail"), field="email")
    phone = clean_text(phone, limit=MAX_PHONE, label=_("Phone"), field="phone")
    if not email and not phone:
        raise CaseError(_("Give an e-mail address or a phone number, or both."),
                        code="contact_required", field="email")
    if not consent_to_contact:
        raise CaseError(_("We can only handle the request if we may contact you."),
                        code="consent_required", field="consent_to_contact")
    case = case_open(
        actor=None,
        system=True,
        case_type="officer_request",
        municipality=municipality,
        origin=origin,
        fields={"requested_date": wished_date, "location": place},
        title=f"{ORIGIN_LABELS.get(origin, origin)}: {place}"[:200],
        summary=description,
        note="Bestil en betjent",
        is_synthetic=is_synthetic,
    )
    token = secrets.token_urlsafe(24)
    details = OfficerRequestDetails.objects.create(
        case=case, place=place, wished_date=wished_date,
        wished_date_alternative=wished_date_alternative, description=description,
        requester_kind=requester_kind, contact_name=contact_name, email=email, phone=phone,
        consent_to_contact=True, status_token_hash=token_hash(token),
    )
    audit_record(actor=None, action=Action.CREATE, obj=details, purpose=Purpose.CASEWORK,
                 reason="public form",
                 changes=changes_between(None, snapshot(details, ("case_id", "requester_kind"))))
    return Receipt(case_ref=case.case_ref, token=token)


@transaction.atomic
def officer_request_reply(*, actor: Any, case: Case, message: str) -> OfficerRequestDetails:
    """The station's message back to the requester, shown on the public status page."""
    require_type(case, "officer_request")
    current = locked(case)
    require_worker(actor, current, {"prevention_officer"})
    text = clean_text(message, limit=MAX_MESSAGE, label=_("Message"), required=True,
                      field="message")
    details = OfficerRequestDetails.objects.select_for_update().filter(case=current).first()
    if details is None:
        # Opened by the station itself, not through the public form: nobody to answer.
        raise CaseError(_("The request did not come through the public form: there is no "
                          "requester to answer."), code="no_requester")
    before = snapshot(details, ("public_message",))
    details.public_message = text
    details.public_message_at = timezone.now()
    details.save(update_fields=["public_message", "public_message_at"])
    audit_record(actor=actor, action=Action.UPDATE, obj=details, purpose=Purpose.CASEWORK,
                 changes=changes_between(before, snapshot(details, ("public_message",))))
    return details


PUBLIC_STATUS_ACTOR = "citizen (status link)"


def officer_request_public_status(*, case_ref: str, token: str) -> PublicStatus | None:
    """The request's own status and message, or None (unknown ref and wrong token alike)."""
    details = (
        OfficerRequestDetails.objects.select_related("case")
        .filter(case__case_ref=(case_ref or "")[:64], case__case_type="officer_request")
        .first()
    )
    if details is None:
        return None
    if not hmac.compare_digest(details.status_token_hash, token_hash(token or "")):
        # A known reference with a wrong token may be someone guessing: keep a trace.
        audit_record(actor=None, actor_username=PUBLIC_STATUS_ACTOR, action=Action.READ_DENIED,
                     obj=details, purpose=Purpose.CASEWORK, reason="status link, wrong token")
        return None
    # The citizen is not a user, but the read of the case's status is still a read: log it.
    audit_record(actor=None, actor_username=PUBLIC_STATUS_ACTOR, action=Action.READ, obj=details,
                 purpose=Purpose.CASEWORK, reason="status link")
    case = details.case
    from samspil.cases.fields import OUTCOME_LABELS

    return PublicStatus(
        case_ref=case.case_ref,
        origin_label=str(ORIGIN_LABELS.get(case.origin, case.origin)),
        received_on=timezone.localdate(case.opened_at),
        state=case.state,
        state_label=case.state_label,
        outcome=case.outcome,
        outcome_label=str(OUTCOME_LABELS.get(case.outcome, case.outcome)),
        message=details.public_message,
        message_at=details.public_message_at,
    )

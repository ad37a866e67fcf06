"""Reads of the disclosure ledger: who knows what about a subject, since when, on which basis,
until when. Scoped here, next to the policy, so every app shows the same ledger.

- An organisation sees the disclosures it made or received; the owner of the subject sees
  every disclosure of it (it must be able to answer the person's access request).
- The data-protection officer sees every disclosure made in their police district (disclosures
  never leave the district), for the audit purpose, and each listing is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import LegalBasis, Purpose
from samspil.access.models import Disclosure
from samspil.access.policy import AccessDenied, require_purpose
from samspil.accounts.constants import Role
from samspil.audit.constants import Action
from samspil.audit.services import audit_record


def disclosure_expires_at(*, days: int, start: datetime | None = None) -> datetime | None:
    """When a disclosure made now expires under a forum rule of `days` days (0 = never)."""
    if days <= 0:
        return None
    return (start or timezone.now()) + timedelta(days=days)


def disclosure_is_active(disclosure: Disclosure, *, at: datetime | None = None) -> bool:
    moment = at or timezone.now()
    return disclosure.expires_at is None or disclosure.expires_at > moment


def _disclosures() -> QuerySet[Disclosure]:
    return Disclosure.objects.select_related(
        "from_organisation", "to_organisation", "disclosed_by"
    ).order_by("-disclosed_at", "-pk")


def disclosure_ledger(*, user: Any, subject: Model) -> list[Disclosure]:
    """The disclosures of `subject` this user's organisation may see (the caller has already
    read the subject through the policy)."""
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is None:
        return []
    rows = _disclosures().filter(subject_type=subject._meta.label_lower, subject_id=subject.pk)
    if getattr(subject, "owner_organisation_id", None) != organisation_id:
        rows = rows.filter(
            Q(from_organisation_id=organisation_id) | Q(to_organisation_id=organisation_id)
        )
    return list(rows)


def require_dpo(user: Any, *, object_type: str = "access.disclosure", object_id: Any = "") -> None:
    """Only the data-protection officer reads the whole ledger; a refusal is logged."""
    try:
        require_purpose(user, Purpose.AUDIT)
        if not user.has_role(Role.DPO):
            raise AccessDenied(_("Only the data-protection officer may see this."))
    except AccessDenied:
        audit_record(
            actor=user if getattr(user, "is_authenticated", False) else None,
            action=Action.READ_DENIED, object_type=object_type, object_id=str(object_id),
            purpose=Purpose.AUDIT, reason="disclosure ledger",
        )
        raise


def dpo_disclosures(
    *,
    user: Any,
    legal_basis: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    contexts: Iterable[str] | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
) -> QuerySet[Disclosure]:
    """Every disclosure made from an organisation of the DPO's district, filtered; the listing
    itself is logged (what was asked, not each row)."""
    require_dpo(user)
    rows = _disclosures().filter(from_organisation__district_id=user.organisation.district_id)
    if legal_basis:
        rows = rows.filter(legal_basis=legal_basis)
    if date_from is not None:
        rows = rows.filter(disclosed_at__date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(disclosed_at__date__lte=date_to)
    if contexts is not None:
        rows = rows.filter(context__in=list(contexts))
    if subject_type:
        rows = rows.filter(subject_type=subject_type)
    if subject_id is not None:
        rows = rows.filter(subject_id=subject_id)
    audit_record(
        actor=user, action=Action.SEARCH, object_type="access.disclosure",
        purpose=Purpose.AUDIT,
        reason=" ".join(part for part in (
            "disclosure ledger",
            f"basis={legal_basis}" if legal_basis else "",
            f"from={date_from.isoformat()}" if date_from else "",
            f"to={date_to.isoformat()}" if date_to else "",
            f"subject={subject_type}:{subject_id}" if subject_type else "",
            "forum" if contexts is not None else "",
        ) if part),
    )
    return rows


@dataclass(frozen=True)
class BasisCount:
    legal_basis: str
    label: str
    count: int


def count_by_basis(disclosures: Iterable[Disclosure]) -> list[BasisCount]:
    counts: dict[str, int] = {}
    for disclosure in disclosures:
        counts[disclosure.legal_basis] = counts.get(disclosure.legal_basis, 0) + 1
    return [BasisCount(code, str(LegalBasis(code).label), n) for code, n in sorted(counts.items())]

"""Reading the audit trail: only data-protection officers and administrators of the district."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from samspil.accounts.constants import Role
from samspil.accounts.models import User
from samspil.audit.models import AuditEntry


@dataclass(frozen=True)
class AuditQuery:
    object_type: str = ""
    object_id: str = ""
    actor_username: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_entries_search(*, user: User, query: AuditQuery) -> QuerySet[AuditEntry]:
    """Who looked at person X, what did user Y look at — limited to the user's district."""
    if not user.has_role(Role.DPO) or user.organisation is None:
        raise PermissionDenied
    district_orgs = user.organisation.district.organisations.values_list("id", flat=True)
    entries = AuditEntry.objects.filter(organisation_id__in=list(district_orgs))
    if query.object_type:
        entries = entries.filter(object_type=query.object_type)
    if query.object_id:
        # A record read on its own page, or shown in a list (a queue page, a search result).
        entries = entries.filter(
            Q(object_id=query.object_id) | Q(object_ids__has_id=query.object_id)
        )
    if query.actor_username:
        entries = entries.filter(actor_username=query.actor_username)
    if query.action:
        entries = entries.filter(action=query.action)
    zone = timezone.get_current_timezone()
    if query.date_from:
        entries = entries.filter(at__gte=datetime.combine(query.date_from, time.min, zone))
    if query.date_to:
        entries = entries.filter(at__lte=datetime.combine(query.date_to, time.max, zone))
    return entries.order_by("-seq")

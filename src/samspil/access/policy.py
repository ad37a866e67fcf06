"""The one access policy. Every scoped read in Samspil goes through these functions.

A user sees a record only when (a) their organisation owns it, (b) it was disclosed to their
organisation or their organisation holds a record about it (an AccessGrant), or (c) their role
grants reading for a stated purpose (an analyst reading pseudonymised data of the district).
Island constables see only what they created. Deny by default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access.constants import (
    ROLE_PURPOSES,
    SENSITIVE_CLEARANCE,
    Confidentiality,
    Purpose,
)
from samspil.access.models import AccessGrant
from samspil.accounts.constants import Role
from samspil.audit.constants import Action
from samspil.audit.services import AuditEvent, audit_record, audit_record_many

M = TypeVar("M", bound=Model)


class AccessDenied(PermissionDenied):
    """The user may not read this record for this purpose."""


def purposes_of(user: Any) -> frozenset[str]:
    allowed: set[str] = set()
    for role in getattr(user, "role_codes", ()):
        allowed |= ROLE_PURPOSES.get(role, frozenset())
    return frozenset(allowed)


def require_purpose(user: Any, purpose: str) -> None:
    if (
        not getattr(user, "is_authenticated", False)
        or getattr(user, "organisation_id", None) is None
    ):
        raise AccessDenied(_("You are not signed in to an organisation."))
    if purpose not in purposes_of(user):
        raise AccessDenied(_("Your role does not allow reading for this purpose."))


def active_grants(organisation_id: int, subject_type: str) -> QuerySet[AccessGrant]:
    now = timezone.now()
    return AccessGrant.objects.filter(
        organisation_id=organisation_id, subject_type=subject_type
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def readable(user: Any, queryset: QuerySet[M], *, purpose: str) -> QuerySet[M]:
    """Narrow `queryset` (of an OwnedRecord model) to what `user` may read for `purpose`."""
    require_purpose(user, purpose)
    model = queryset.model
    label = model._meta.label_lower
    if purpose == Purpose.STATISTICS:
        # Analysts see their district's records; the caller must present them pseudonymised.
        return queryset.filter(owner_organisation__district_id=user.organisation.district_id)
    if user.has_role(Role.ISLAND_CONSTABLE) and len(user.role_codes) == 1:
        return queryset.filter(created_by=user)
    visible = queryset.filter(
        Q(owner_organisation_id=user.organisation_id)
        | Q(pk__in=active_grants(user.organisation_id, label).values("subject_id"))
    )
    if not user.role_codes & SENSITIVE_CLEARANCE:
        visible = visible.exclude(confidentiality=Confidentiality.SENSITIVE)
    return visible


@dataclass(frozen=True)
class AccessReason:
    basis: str
    text: str


def access_reason(user: Any, obj: Model, *, purpose: str) -> AccessReason:
    """A sentence for the record's page: why this user may see this record."""
    if purpose == Purpose.STATISTICS:
        return AccessReason("statistics", _("Pseudonymised for statistics in your district."))
    if getattr(obj, "created_by_id", None) == user.pk and user.has_role(Role.ISLAND_CONSTABLE):
        return AccessReason("created", _("You registered this record."))
    if getattr(obj, "owner_organisation_id", None) == user.organisation_id:
        return AccessReason("owner", _("Your organisation owns this record."))
    grant = (
        active_grants(user.organisation_id, obj._meta.label_lower)
        .filter(subject_id=obj.pk)
        .select_related("disclosure")
        .order_by("-granted_at")
        .first()
    )
    if grant is None:
        return AccessReason("none", _("You have no access to this record."))
    if grant.disclosure is not None:
        return AccessReason(
            "disclosure",
            _("Disclosed to your organisation on %(date)s under %(basis)s.")
            % {
                "date": timezone.localtime(grant.disclosure.disclosed_at).strftime("%d.%m.%Y"),
                "basis": grant.disclosure.get_legal_basis_display(),
            },
        )
    return AccessReason(
        "record",
        _("Your organisation has a record about this (%(source)s).") % {"source": grant.source},
    )


def read_one(user: Any, queryset: QuerySet[M], *, pk: Any, purpose: str) -> M:
    """Fetch one record the user may read, logging the read — or the refusal — in the audit trail.

    A record that exists but is out of reach raises AccessDenied (and is logged as refused); one
    that does not exist raises the model's DoesNotExist.
    """
    model: Any = queryset.model
    label = model._meta.label_lower
    try:
        require_purpose(user, purpose)
        obj = readable(user, queryset, purpose=purpose).get(pk=pk)
    except (AccessDenied, model.DoesNotExist) as error:
        if (
            isinstance(error, model.DoesNotExist)
            and not model._default_manager.filter(pk=pk).exists()
        ):
            raise
        audit_record(
            actor=user if getattr(user, "is_authenticated", False) else None,
            action=Action.READ_DENIED,
            object_type=label,
            object_id=str(pk),
            purpose=purpose,
        )
        raise AccessDenied(_("You do not have access to this record.")) from None
    audit_record(actor=user, action=Action.READ, obj=obj, purpose=purpose)
    return obj


def log_reads(user: Any, objects: Iterable[Model], *, purpose: str, query: str = "") -> None:
    """Log that a list (a search result, a queue page) showed these records to the user.

    One entry per record type, naming every record shown (``object_ids``); a single record
    keeps the one-record shape (``object_id``). The data-protection officer's search looks in
    both, so each record is still found — but a page of 25 cases and their persons costs two
    rows under the chain lock instead of fifty.
    """
    shown: dict[str, dict[str, None]] = {}
    for obj in objects:
        shown.setdefault(obj._meta.label_lower, {})[str(obj.pk)] = None
    events = [
        AuditEvent(
            action=Action.SEARCH if query else Action.READ,
            object_type=label,
            object_id=next(iter(ids)) if len(ids) == 1 else "",
            object_ids=tuple(ids) if len(ids) > 1 else (),
            purpose=purpose,
            reason=query,
        )
        for label, ids in shown.items()
    ]
    audit_record_many(actor=user, events=events)

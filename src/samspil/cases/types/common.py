"""Helpers the type-specific services share."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from samspil.cases.models import Case
from samspil.cases.services import CaseError, CaseRefused, participating_organisation_ids


def require_type(case: Case, *case_types: str) -> None:
    if case.case_type not in case_types:
        raise CaseError(_("This is not possible for this kind of case."), code="wrong_case_type")


def require_worker(actor: Any, case: Case, roles: frozenset[str] | set[str]) -> None:
    """The actor's organisation takes part in the case and they hold one of ``roles``."""
    if actor is None or getattr(actor, "organisation_id", None) is None:
        raise CaseRefused(_("Only a member of an organisation can work on cases."))
    if actor.organisation_id not in participating_organisation_ids(case):
        raise CaseRefused(_("Your organisation does not take part in this case."))
    if not set(actor.role_codes) & set(roles):
        raise CaseRefused(_("Your role does not allow this step on this case type."))


def locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related(
        "person", "municipality"
    ).get(pk=case.pk)


def clean_text(value: str | None, *, limit: int, label: str, required: bool = False,
               field: str = "text") -> str:
    """Plain text as typed (markup is kept as text and escaped on output), within ``limit``."""
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise CaseError(_("%(label)s: fill in this field.") % {"label": label}, code="required",
                        field=field)
    if len(text) > limit:
        raise CaseError(
            _("%(label)s: at most %(limit)s characters.") % {"label": label, "limit": limit},
            code="too_long", field=field,
        )
    return text

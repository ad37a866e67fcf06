"""Who may import: administrators of an organisation, signed in past the second factor."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from samspil.access.permissions import IsVerifiedUser
from samspil.accounts.constants import Role


def may_import(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "organisation_id", None) is not None
        and user.has_role(Role.ADMINISTRATOR)
    )


def require_import_permission(user: Any) -> None:
    if not may_import(user):
        raise PermissionDenied(_("Only administrators may import bundles."))


class IsImportAdministrator(BasePermission):
    message = gettext_lazy("Only administrators may import bundles.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return IsVerifiedUser().has_permission(request, view) and may_import(request.user)

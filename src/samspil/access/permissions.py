from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission


class IsVerifiedUser(BasePermission):
    """Signed in, past the second factor, and a member of an organisation."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and getattr(user, "is_verified", lambda: False)()
            and user.organisation_id is not None
        )

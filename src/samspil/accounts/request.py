"""The signed-in user of a request, typed. The middleware has already refused anyone else."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from samspil.accounts.models import User


def request_user(request: Any) -> User:
    user = request.user
    if not isinstance(user, User) or user.organisation_id is None:
        raise PermissionDenied
    return user


def is_verified(user: Any) -> bool:
    """Passed the second factor (django-otp's OTPMiddleware sets is_verified on request.user)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())

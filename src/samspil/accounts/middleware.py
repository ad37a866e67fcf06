"""Deny by default: every page needs a signed-in user who has passed the second factor.

Views open to the public (login, the citizens' "Bestil en betjent" form, health) are marked with
`@public_view`; everything else is refused before the view runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from samspil.accounts.request import is_verified

F = TypeVar("F", bound=Callable[..., Any])


def public_view(view: F) -> F:
    view.samspil_public = True  # type: ignore[attr-defined]
    return view


def _is_public(view_func: Any) -> bool:
    if getattr(view_func, "samspil_public", False):
        return True
    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    return bool(getattr(view_class, "samspil_public", False))


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.path.startswith(settings.STATIC_URL) or _is_public(view_func):
            return None
        user = request.user
        is_api = request.path.startswith("/api/")
        if not user.is_authenticated:
            if is_api:
                return JsonResponse({"detail": _("Sign in first.")}, status=401)
            return redirect(f"{settings.LOGIN_URL_PATH}?next={request.get_full_path()}")
        if not is_verified(user):
            if is_api:
                return JsonResponse({"detail": _("The second factor is missing.")}, status=403)
            return redirect(f"{settings.VERIFY_URL_PATH}?next={request.get_full_path()}")
        return None


# How stale the stored "last activity" may get before a request writes it again. Writing it on
# every request costs a session UPDATE (three round trips) per page; a minute's resolution makes
# the idle limit end at most a minute early and spares all but one write a minute.
ACTIVITY_RESOLUTION_SECONDS = 60


class IdleTimeoutMiddleware:
    """Sign out a session that has been idle for longer than SAMSPIL_SESSION_IDLE_MINUTES."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_activity")
            if last is not None and now - int(last) > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                return redirect(settings.LOGIN_URL_PATH)
            if last is None or now - int(last) >= ACTIVITY_RESOLUTION_SECONDS:
                request.session["last_activity"] = now
        return self.get_response(request)

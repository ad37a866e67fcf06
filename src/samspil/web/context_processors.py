from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from samspil.accounts.request import is_verified
from samspil.web.navigation import nav_items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_verified(user):
        return {"nav_items": []}
    return {"nav_items": nav_items_for(user, request.path)}

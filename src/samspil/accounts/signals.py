"""Failed password logins go to the audit trail (successful ones are logged after the second factor)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from samspil.audit.constants import Action
from samspil.audit.services import audit_record


@receiver(user_login_failed)
def log_failed_login(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    if sender == "samspil.accounts.views":
        return  # already logged with its reason by the second-factor view
    audit_record(
        actor=None,
        action=Action.LOGIN_FAILED,
        object_type="accounts.user",
        object_id="",
        reason="wrong username or password",
        actor_username=str(credentials.get("username", ""))[:150],
    )

"""OpenID Connect login for a police or municipal identity provider (optional, by environment).

Accounts are provisioned in Samspil by an administrator; the identity provider only proves who the
person is. The user is matched on the e-mail claim. Samspil's second factor still follows.
"""

from __future__ import annotations

from typing import Any

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from samspil.accounts.models import User


class SamspilOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = claims.get("email")
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

"""Writes to users: creation, roles, second-factor devices. Each one audited."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspil.accounts.models import User, UserRole
from samspil.audit.constants import Action
from samspil.audit.services import audit_record

BACKUP_DEVICE_NAME = "backup"


@transaction.atomic
def user_create(
    *,
    actor: Any | None,
    username: str,
    password: str | None,
    organisation: Any,
    roles: Iterable[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_synthetic: bool = False,
) -> User:
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        organisation=organisation,
        is_synthetic=is_synthetic,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    role_list = sorted(set(roles))
    UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in role_list])
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=user,
        changes={
            "username": [None, username],
            "organisation": [None, organisation.pk],
            "roles": [None, role_list],
        },
        actor_username="system" if actor is None else "",
    )
    return user


@transaction.atomic
def user_set_roles(*, actor: Any | None, user: User, roles: Iterable[str]) -> User:
    before = sorted(user.role_codes)
    after = sorted(set(roles))
    UserRole.objects.filter(user=user).exclude(role__in=after).delete()
    for role in after:
        UserRole.objects.get_or_create(user=user, role=role)
    user.__dict__.pop("role_codes", None)
    if before != after:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=user,
            changes={"roles": [before, after]},
            actor_username="system" if actor is None else "",
        )
    return user


@transaction.atomic
def backup_codes_issue(*, actor: Any | None, user: User, count: int = 10) -> list[str]:
    """Replace the user's one-time backup codes with `count` new ones and return them."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_record(
        actor=actor,
        action=Action.SECOND_FACTOR,
        obj=user,
        reason="backup codes issued",
        actor_username="system" if actor is None else "",
    )
    return codes


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator device; it counts only once the user has entered a code."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action=Action.SECOND_FACTOR, obj=user, reason="authenticator added")
    return True


def has_second_factor(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticToken.objects.filter(device__user=user).exists()
    )

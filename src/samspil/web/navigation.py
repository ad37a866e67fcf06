"""The main menu: which pages each role sees. The web layer is the top of the stack, so it may
name every app's pages here."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samspil.accounts.constants import Role

ALL_ROLES = frozenset(Role.values)


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    roles: frozenset[str]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


NAV_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(_("Start"), "web:home", ALL_ROLES),
    NavEntry(_("Audit log"), "audit:search", frozenset({Role.DPO})),
)


def nav_items_for(user: object, path: str) -> list[NavItem]:
    role_codes: frozenset[str] = getattr(user, "role_codes", frozenset())
    items: list[NavItem] = []
    for entry in NAV_ENTRIES:
        if not role_codes & entry.roles:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(str(entry.label), url, active))
    return items

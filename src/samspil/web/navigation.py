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
    NavEntry(_("Cases"), "cases:index",
             ALL_ROLES - {Role.ANALYST, Role.DPO, Role.ADMINISTRATOR, Role.ISLAND_CONSTABLE}),
    NavEntry(_("Persons"), "persons:search", frozenset({Role.PREVENTION_OFFICER, Role.SOCIALSOEG_REVIEWER, Role.SSP_COORDINATOR, Role.PSP_COORDINATOR, Role.CASEWORKER, Role.ADMINISTRATOR})),
    NavEntry(_("Incidents"), "incidents:search", frozenset({Role.PREVENTION_OFFICER, Role.SOCIALSOEG_REVIEWER, Role.ADMINISTRATOR})),
    NavEntry(_("Monitoring"), "monitoring:board", frozenset({Role.PREVENTION_OFFICER})),
    NavEntry(_("Report an incident"), "incidents:island_report", frozenset({Role.ISLAND_CONSTABLE})),
    NavEntry(_("Socialsøg"), "risk:queue", frozenset({Role.SOCIALSOEG_REVIEWER})),
    NavEntry(_("Socialsøg rules"), "risk:rules", frozenset({Role.ANALYST})),
    NavEntry(_("Audit log"), "audit:search", frozenset({Role.DPO})),
    NavEntry(_("Figures"), "reports:dashboard", frozenset({Role.ANALYST, Role.PREVENTION_OFFICER})),
    NavEntry(_("Fora"), "meetings:fora", frozenset({Role.PREVENTION_OFFICER, Role.SSP_COORDINATOR, Role.PSP_COORDINATOR, Role.CASEWORKER, Role.ADMINISTRATOR})),
    NavEntry(_("Cooperation plans"), "plans:list", frozenset({Role.PREVENTION_OFFICER, Role.SSP_COORDINATOR, Role.PSP_COORDINATOR, Role.CASEWORKER, Role.ANALYST, Role.ADMINISTRATOR})),
    NavEntry(_("PSP monitoring"), "meetings:psp", frozenset({Role.PSP_COORDINATOR})),
    NavEntry(_("Disclosures"), "meetings:disclosures", frozenset({Role.DPO})),
    NavEntry(_("Import"), "interchange:upload", frozenset({Role.ADMINISTRATOR})),
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

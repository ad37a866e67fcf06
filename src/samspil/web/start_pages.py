"""What each role sees first after signing in: its tasks, as links to the pages that do them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samspil.accounts.constants import Role


@dataclass(frozen=True)
class StartTask:
    label: str | Promise
    description: str | Promise
    url_name: str


@dataclass(frozen=True)
class StartPage:
    heading: str | Promise
    intro: str | Promise
    tasks: tuple[StartTask, ...]


START_PAGES: dict[str, StartPage] = {
    Role.PREVENTION_OFFICER: StartPage(
        _("Prevention officer"),
        _("Your cases, deadlines and the incidents of your district."),
        (StartTask(_("Register an incident"), _("A journal entry with the persons involved."), "incidents:register"),
         StartTask(_("Case queues"), _("Your cases, soonest deadline first."), "cases:index"),
         StartTask(_("Monitoring board"), _("Live alerts from electronic monitoring."), "monitoring:board"),),
    ),
    Role.SOCIALSOEG_REVIEWER: StartPage(
        _("Socialsøg review"),
        _("Families surfaced by the weekly screening, waiting for your assessment."),
        (StartTask(_("Review the hits"), _("Open hits of the weekly screening, newest first."), "risk:queue"),),
    ),
    Role.SSP_COORDINATOR: StartPage(
        _("SSP coordination"),
        _("Meetings, concerns about young people and the actions you follow up."),
        (StartTask(_("Meeting calendar"), _("Agendas, minutes and actions of your fora."), "meetings:meetings"),
         StartTask(_("Cooperation plans"), _("Focus areas, activities and indicators of the year's plan."), "plans:list"),),
    ),
    Role.PSP_COORDINATOR: StartPage(
        _("PSP coordination"),
        _("The monitoring list of vulnerable persons and the practice group's discussions."),
        (StartTask(_("PSP monitoring"), _("Persons disclosed to your practice group; select them for discussion."), "meetings:psp"),),
    ),
    Role.CASEWORKER: StartPage(
        _("Caseworker"),
        _("Reports of concern and cases shared with your municipality."),
        (StartTask(_("Case queues"), _("Your cases, soonest deadline first."), "cases:index"),),
    ),
    Role.MEDIATOR: StartPage(
        _("Mediator"),
        _("The mediations assigned to you."),
        (),
    ),
    Role.ANALYST: StartPage(
        _("Analysis"),
        _("Figures and reports for the district, pseudonymised."),
        (StartTask(_("Figures"), _("The district's figures, the annual report and the records behind each number."), "reports:dashboard"),),
    ),
    Role.DPO: StartPage(
        _("Data protection"),
        _(
            "Who looked at what, disclosures between agencies, and the integrity of the audit trail."
        ),
        (
            StartTask(
                _("Search the audit log"),
                _("Who looked at a person, what a user looked at."),
                "audit:search",
            ),
            StartTask(_("Disclosures"), _("Disclosures by forum, legal basis and period."), "meetings:disclosures"),
        ),
    ),
    Role.ADMINISTRATOR: StartPage(
        _("Administration"),
        _("Users, organisations, reference data and imports."),
        (StartTask(_("Administration"), _("Users, roles and organisations."), "admin:index"),
         StartTask(_("Possible duplicates"), _("Persons registered twice: check and merge."), "persons:duplicates"),),
    ),
    Role.ISLAND_CONSTABLE: StartPage(
        _("Island constable"),
        _("Report what happens on the island. You see only the reports you have made."),
        (StartTask(_("Report an incident"), _("When, what and where, in a few lines."), "incidents:island_report"),),
    ),
}


def start_page_for(role: str | None) -> StartPage | None:
    return START_PAGES.get(role or "")


def task_links(page: StartPage) -> list[dict[str, object]]:
    links: list[dict[str, object]] = []
    for task in page.tasks:
        try:
            links.append(
                {
                    "label": task.label,
                    "description": task.description,
                    "url": reverse(task.url_name),
                }
            )
        except NoReverseMatch:
            continue
    return links

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PREVENTION_OFFICER = "prevention_officer", _("Prevention officer")
    SOCIALSOEG_REVIEWER = "socialsoeg_reviewer", _("Socialsøg reviewer")
    SSP_COORDINATOR = "ssp_coordinator", _("SSP coordinator")
    PSP_COORDINATOR = "psp_coordinator", _("PSP coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    MEDIATOR = "mediator", _("Mediator")
    ANALYST = "analyst", _("Analyst")
    DPO = "dpo", _("Data-protection officer")
    ADMINISTRATOR = "administrator", _("Administrator")
    ISLAND_CONSTABLE = "island_constable", _("Island constable")


# The order in which a user's start page is chosen when they hold several roles.
START_PAGE_PRECEDENCE: tuple[str, ...] = (
    Role.ISLAND_CONSTABLE,
    Role.DPO,
    Role.SOCIALSOEG_REVIEWER,
    Role.PREVENTION_OFFICER,
    Role.SSP_COORDINATOR,
    Role.PSP_COORDINATOR,
    Role.CASEWORKER,
    Role.MEDIATOR,
    Role.ANALYST,
    Role.ADMINISTRATOR,
)

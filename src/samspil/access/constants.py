"""The access policy as data: purposes, which roles may read for which purpose, legal bases."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.accounts.constants import Role


class Purpose(models.TextChoices):
    CASEWORK = "casework", _("Casework")
    REGISTRATION = "registration", _("Registration of incidents")
    SCREENING = "screening", _("Socialsøg screening")
    FORUM = "forum", _("Forum under § 115")
    MONITORING = "monitoring", _("Electronic monitoring")
    STATISTICS = "statistics", _("Statistics (pseudonymised)")
    AUDIT = "audit", _("Audit of processing")
    ADMINISTRATION = "administration", _("Administration")


ROLE_PURPOSES: dict[str, frozenset[str]] = {
    Role.PREVENTION_OFFICER: frozenset(
        {Purpose.CASEWORK, Purpose.REGISTRATION, Purpose.FORUM, Purpose.MONITORING}
    ),
    Role.SOCIALSOEG_REVIEWER: frozenset({Purpose.CASEWORK, Purpose.SCREENING}),
    Role.SSP_COORDINATOR: frozenset({Purpose.CASEWORK, Purpose.FORUM}),
    Role.PSP_COORDINATOR: frozenset({Purpose.CASEWORK, Purpose.FORUM}),
    Role.CASEWORKER: frozenset({Purpose.CASEWORK, Purpose.FORUM}),
    Role.MEDIATOR: frozenset({Purpose.CASEWORK}),
    Role.ANALYST: frozenset({Purpose.STATISTICS}),
    Role.DPO: frozenset({Purpose.AUDIT}),
    Role.ADMINISTRATOR: frozenset({Purpose.ADMINISTRATION}),
    Role.ISLAND_CONSTABLE: frozenset({Purpose.REGISTRATION}),
}

# Purposes that read identifiable person data (the rest see aggregates or pseudonyms only).
IDENTIFYING_PURPOSES = frozenset(
    {
        Purpose.CASEWORK,
        Purpose.REGISTRATION,
        Purpose.SCREENING,
        Purpose.FORUM,
        Purpose.MONITORING,
        Purpose.ADMINISTRATION,
    }
)


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Normal")
    SENSITIVE = "sensitive", _("Sensitive")


# Roles that may read SENSITIVE records their organisation owns or received.
SENSITIVE_CLEARANCE = frozenset(
    {Role.PREVENTION_OFFICER, Role.SOCIALSOEG_REVIEWER, Role.CASEWORKER, Role.ADMINISTRATOR,
     Role.SSP_COORDINATOR, Role.PSP_COORDINATOR, Role.MEDIATOR}
)


class LegalBasis(models.TextChoices):
    RPL_115_1_1 = "rpl_115_1_1", _("Administration of Justice Act § 115(1)(1) (SSP)")
    RPL_115_1_2 = "rpl_115_1_2", _("Administration of Justice Act § 115(1)(2) (PSP)")
    RPL_115_1_3 = "rpl_115_1_3", _("Administration of Justice Act § 115(1)(3) (KSP)")
    RPL_115_2 = "rpl_115_2", _("Administration of Justice Act § 115(2)")
    CONSENT = "consent", _("Consent of the person")
    BARNETS_LOV_133 = "barnets_lov_133", _("Children's Act § 133 (duty to notify)")


class GrantBasis(models.TextChoices):
    RECORD = "record", _("A record of the organisation concerns the person")
    DISCLOSURE = "disclosure", _("Disclosed to the organisation")

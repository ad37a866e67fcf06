from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    POLICE = "police", _("Police")
    MUNICIPALITY = "municipality", _("Municipality")
    PSYCHIATRY = "psychiatry", _("Psychiatry")
    PRISON_PROBATION = "prison_probation", _("Prison and probation service")
    PROSECUTION = "prosecution", _("Prosecution service")
    MEDIATION = "mediation", _("Victim-offender mediation")
    VICTIM_SUPPORT = "victim_support", _("Victim support")
    HOUSING = "housing", _("Housing association")
    ISLAND_CONSTABLE = "island_constable", _("Island constable")


class StationKind(models.TextChoices):
    MAIN = "main", _("Main police station")
    LOCAL = "local", _("Local police station")
    NEAR = "near", _("Neighbourhood police station")

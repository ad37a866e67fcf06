from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CrimeClass(models.TextChoices):
    PERSONFARLIG = "personfarlig", _("Crime dangerous to persons")
    ANDEN_ALVORLIG = "anden_alvorlig", _("Other serious crime")
    ANDEN = "anden", _("Other crime")
    NONE = "none", _("Not a criminal offence")


class InvolvementRole(models.TextChoices):
    SUSPECT = "suspect", _("Suspect")
    CHARGED = "charged", _("Charged")
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    REPORTER = "reporter", _("Reporter")
    INVOLVED = "involved", _("Involved")
    CHILD_PRESENT = "child_present", _("Child present")

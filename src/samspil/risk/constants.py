"""Socialsøg vocabulary: hit statuses, run triggers, who may do what."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.accounts.constants import Role


class HitStatus(models.TextChoices):
    # The same codes as reconcile.HitStatus (the pure layer cannot import Django).
    OPEN = "open", _("Open")
    DISMISSED = "dismissed", _("No action")
    REPORTED = "reported", _("Social report sent")


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", _("Weekly schedule")
    COMMAND = "command", _("Command line")
    USER = "user", _("Started by a user")
    INCIDENT = "incident", _("New incident")


class HitPersonRole(models.TextChoices):
    CAREGIVER = "caregiver", _("Caregiver")
    CHILD = "child", _("Child")


# Only the Socialsøg reviewer (a civilian social worker in the police) reads and decides hits.
REVIEW_ROLES = frozenset({Role.SOCIALSOEG_REVIEWER})
# Backtesting shows families as person keys (pseudonyms) and counts: the analyst may use it too.
BACKTEST_ROLES = frozenset({Role.SOCIALSOEG_REVIEWER, Role.ANALYST})
# Activating a rule set changes who is flagged from the next run: a reviewer's decision.
ACTIVATE_ROLES = frozenset({Role.SOCIALSOEG_REVIEWER})

# The per-incident re-screening skips bulk imports larger than this: the weekly run covers them,
# and re-screening thousands of families inside the import's transaction would hold it open.
BULK_INCIDENT_LIMIT = 1000

"""The closed lists of the cooperation plan (samarbejdsplan) and who may edit plans."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.accounts.constants import Role


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    EVALUATED = "evaluated", _("Evaluated")


class IndicatorMode(models.TextChoices):
    # A described indicator ("traffic policies at all schools") assessed by hand.
    TEXT = "text", _("Described, assessed by hand")
    # Bound to a query over the data (plans.indicators), e.g. "fewer burglary reports".
    MEASURED = "measured", _("Measured from the data")


class TargetDirection(models.TextChoices):
    DECREASE = "decrease", _("Decrease")
    INCREASE = "increase", _("Increase")


# Who writes the plan: the police's crime-prevention staff, the SSP coordinators and the
# administrators of the district (issue 5, item 6).
PLAN_EDITOR_ROLES = frozenset({Role.PREVENTION_OFFICER, Role.SSP_COORDINATOR, Role.ADMINISTRATOR})

# The plan's fields an update may change.
PLAN_EDITABLE = ("title", "designated_by", "introduction", "municipality")
FOCUS_AREA_EDITABLE = ("title", "description", "designated_by", "position")
ACTIVITY_EDITABLE = ("activity", "action", "responsible_forum", "responsible_text", "position")
INDICATOR_EDITABLE = ("title", "mode", "kind", "parameters", "direction", "target_value",
                      "assessment", "position")

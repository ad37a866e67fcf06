"""The cooperation plan (samarbejdsplan): per year and police district or municipality, its focus
areas, the activities that support them (action and responsible forum), the indicators that
show whether they make a difference, and the Lokalråd's evaluation at the end of the year.

A plan holds no person data. A measured indicator is a query over the district's incidents or
cases declared as data (plans.indicators); only the counts it returns are ever shown or frozen.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspil.plans.constants import IndicatorMode, PlanStatus, TargetDirection


class CooperationPlan(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    district = models.ForeignKey("organisations.District", on_delete=models.PROTECT,
                                 related_name="cooperation_plans",
                                 verbose_name=_("police district"))
    # None: the plan of the whole district (the Kredsråd's); otherwise one municipality's.
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="cooperation_plans",
                                     verbose_name=_("municipality"))
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    designated_by = models.ForeignKey("meetings.Forum", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="+",
                                      verbose_name=_("designated by"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_synthetic = models.BooleanField(_("fictitious (demo or test)"), default=False)

    class Meta:
        ordering = ["-year", "district__name", "municipality__name", "pk"]
        constraints = [
            # One plan per year and place: the district's own, and one per municipality.
            models.UniqueConstraint(fields=["year", "district", "municipality"],
                                    condition=Q(municipality__isnull=False),
                                    name="plan_unique_municipality_year"),
            models.UniqueConstraint(fields=["year", "district"],
                                    condition=Q(municipality__isnull=True),
                                    name="plan_unique_district_year"),
            models.CheckConstraint(
                condition=Q(status=PlanStatus.DRAFT) | Q(adopted_at__isnull=False),
                name="plan_adopted_has_time",
            ),
        ]
        verbose_name = _("cooperation plan")
        verbose_name_plural = _("cooperation plans")

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class FocusArea(models.Model):
    """An indsatsområde, designated by the Kredsråd or by a Lokalråd."""

    plan = models.ForeignKey(CooperationPlan, on_delete=models.CASCADE,
                             related_name="focus_areas")
    position = models.PositiveSmallIntegerField(_("number"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    designated_by = models.ForeignKey("meetings.Forum", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="+",
                                      verbose_name=_("designated by"))

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    """A row of the plan's table: activity, action (handling) and who is responsible (ansvar)."""

    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE,
                                   related_name="activities")
    position = models.PositiveSmallIntegerField(_("number"), default=0)
    activity = models.CharField(_("activity"), max_length=300)
    action = models.TextField(_("action"), blank=True)
    responsible_forum = models.ForeignKey("meetings.Forum", on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+",
                                          verbose_name=_("responsible forum"))
    # The plan's own words when they name more than one forum ("Lokalråd og Lokalråd+") or a
    # body that is not a standing forum ("Koordinationsgruppe nedsat").
    responsible_text = models.CharField(_("responsible (as the plan words it)"), max_length=300,
                                        blank=True)

    class Meta:
        ordering = ["focus_area", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_forum__isnull=False) | ~Q(responsible_text=""),
                name="activity_has_responsible",
            ),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.activity

    @property
    def responsible(self) -> str:
        if self.responsible_text:
            return self.responsible_text
        return self.responsible_forum.name if self.responsible_forum else ""


class Indicator(models.Model):
    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE,
                                   related_name="indicators")
    position = models.PositiveSmallIntegerField(_("number"), default=0)
    title = models.CharField(_("indicator"), max_length=300)
    mode = models.CharField(_("kind of indicator"), max_length=10,
                            choices=IndicatorMode.choices, default=IndicatorMode.TEXT)
    # A kind of plans.indicators.INDICATOR_KINDS and its parameters, validated by that kind.
    kind = models.CharField(_("measure"), max_length=40, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    direction = models.CharField(_("target direction"), max_length=10,
                                 choices=TargetDirection.choices, blank=True)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    # The manual assessment of a described indicator (and a comment on a measured one).
    assessment = models.TextField(_("assessment"), blank=True)

    class Meta:
        ordering = ["focus_area", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mode=IndicatorMode.TEXT, kind="")
                | Q(mode=IndicatorMode.MEASURED) & ~Q(kind="") & ~Q(direction=""),
                name="indicator_measured_has_kind_and_direction",
            ),
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.title

    @property
    def is_measured(self) -> bool:
        return self.mode == IndicatorMode.MEASURED


class Evaluation(models.Model):
    """The Lokalråd's evaluation of the plan, usually at its last meeting of the year."""

    plan = models.ForeignKey(CooperationPlan, on_delete=models.CASCADE,
                             related_name="evaluations")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("meeting"))
    summary = models.TextField(_("overall assessment"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("evaluated by"))
    evaluated_at = models.DateTimeField(_("evaluated"))
    is_synthetic = models.BooleanField(_("fictitious (demo or test)"), default=False)

    class Meta:
        ordering = ["plan", "-evaluated_at", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.plan} {self.evaluated_at:%Y-%m-%d}"


class EvaluationEntry(models.Model):
    """One indicator's evaluation: the text, and the measured values frozen when recorded, so the
    evaluation stays what the forum saw even when later imports change the counts."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("evaluation"), blank=True)
    value = models.FloatField(_("value this year"), null=True, blank=True)
    comparison_value = models.FloatField(_("value last year"), null=True, blank=True)
    change = models.FloatField(_("change"), null=True, blank=True)
    on_target = models.BooleanField(_("on target"), null=True, blank=True)
    # The indicator's definition at the time (kind, parameters, direction, target).
    definition = models.JSONField(_("definition"), default=dict, blank=True)

    class Meta:
        ordering = ["evaluation", "indicator__focus_area__position", "indicator__position",
                    "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"],
                                    name="evaluation_entry_unique"),
        ]
        verbose_name = _("indicator evaluation")
        verbose_name_plural = _("indicator evaluations")

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.indicator_id}"

"""Socialsøg: versioned rule sets, screening runs, and the hits a reviewer decides.

The screening itself is pure (``engine``); these tables hold what it found and what the reviewer
did about it. A hit is a record about persons (caregivers and children), so it is an
``OwnedRecord``: owned by the district's police organisation and ``sensitive``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspil.access.models import OwnedRecord
from samspil.risk.constants import HitPersonRole, HitStatus, Trigger
from samspil.risk.rules import RuleSet


class RuleSetVersion(models.Model):
    """One published version of the rules, as data. Never edited after creation.

    ``district`` null = the national version (v1 is seeded by a migration). A district may add its
    own versions to try new weights (backtesting) and activate one for its own runs; the active
    version of a district is its own active one, else the national active one.
    """

    version = models.CharField(_("version"), max_length=40, unique=True)
    definition = models.JSONField(_("rules"))  # RuleSet.to_dict()
    description = models.TextField(_("description"), blank=True)
    district = models.ForeignKey(
        "organisations.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=False)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activated by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(is_active=True),
                name="risk_ruleset_one_active_per_district",
            ),
            # NULLs are distinct in a unique index: the national scope needs its own rule.
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True, district__isnull=True),
                name="risk_ruleset_one_active_national",
            ),
        ]
        verbose_name = _("rule set version")
        verbose_name_plural = _("rule set versions")

    def __str__(self) -> str:
        return self.version

    @property
    def rule_set(self) -> RuleSet:
        return RuleSet.from_dict(self.definition)


class ScreeningRun(models.Model):
    """One screening of a district on a date: who or what started it and what it changed."""

    as_of = models.DateField(_("screening date"))
    rule_set_version = models.ForeignKey(
        RuleSetVersion, on_delete=models.PROTECT, related_name="runs", verbose_name=_("rules")
    )
    district = models.ForeignKey(
        "organisations.District",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
    )
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    families_found = models.PositiveIntegerField(_("families meeting the rules"), default=0)
    hits_created = models.PositiveIntegerField(_("new hits"), default=0)
    hits_updated = models.PositiveIntegerField(_("updated hits"), default=0)
    hits_reopened = models.PositiveIntegerField(_("reopened hits"), default=0)
    # Every count by decision reason (reconcile.Reason) and the timings, for the run page.
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["district", "started_at"], name="risk_run_district")]
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")

    def __str__(self) -> str:
        return f"{self.district_id} {self.as_of} ({self.trigger})"


class Hit(OwnedRecord):
    """A family (its exact set of caregivers) that met the rules, and the reviewer's decision."""

    district = models.ForeignKey(
        "organisations.District",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
    )
    # The sorted caregiver ids joined by commas: the family's identity (see reconcile.py).
    family_key = models.CharField(_("family"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=HitStatus.choices, default=HitStatus.OPEN
    )
    rule_set_version = models.ForeignKey(
        RuleSetVersion, on_delete=models.PROTECT, related_name="hits", verbose_name=_("rules")
    )
    clause = models.CharField(_("clause"), max_length=1)
    score = models.PositiveIntegerField(_("score"))
    child_count = models.PositiveSmallIntegerField(_("children"), default=0)
    as_of = models.DateField(_("screened on"))  # the screening date of the last change
    explanation = models.JSONField(_("explanation"), default=dict)  # FamilyHit.to_dict()
    first_run = models.ForeignKey(
        ScreeningRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_run = models.ForeignKey(
        ScreeningRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A hit created because a family whose hit was reported gained new weight follows that one.
    follows = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="followed_by"
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    # The decision that a reopening set aside, kept for the reviewer who reads the hit next.
    previous_decision = models.JSONField(_("previous decision"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    # The social_report case sent for this hit (services.hit_send_social_report).
    social_report_case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("social report"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["district", "family_key"], name="risk_hit_family"),
            models.Index(fields=["district", "status", "created_at"], name="risk_hit_queue"),
        ]
        constraints = [
            # One open hit per family: a re-screening updates it instead of adding another.
            models.UniqueConstraint(
                fields=["district", "family_key"],
                condition=Q(status="open"),
                name="risk_hit_one_open_per_family",
            ),
            models.CheckConstraint(
                condition=Q(clause__in=["a", "b"]), name="risk_hit_clause_a_or_b"
            ),
        ]
        verbose_name = _("Socialsøg hit")
        verbose_name_plural = _("Socialsøg hits")

    def __str__(self) -> str:
        return f"{self.district_id}:{self.family_key} ({self.status})"

    @property
    def caregiver_ids(self) -> tuple[int, ...]:
        return tuple(int(x) for x in self.family_key.split(",") if x)



class HitPerson(models.Model):
    """A caregiver or child of a hit, for "which hits concern this person" queries."""

    hit = models.ForeignKey(Hit, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey("persons.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=HitPersonRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hit", "person", "role"], name="risk_hitperson_unique"
            )
        ]
        indexes = [models.Index(fields=["person"], name="risk_hitperson_person")]

    def __str__(self) -> str:
        return f"{self.hit_id}: {self.person_id} ({self.role})"


class HitIncident(models.Model):
    """An incident counted in a hit, with the weight it had under the hit's rules."""

    hit = models.ForeignKey(Hit, on_delete=models.CASCADE, related_name="incidents")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(_("weight"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hit", "incident"], name="risk_hitincident_unique")
        ]
        indexes = [models.Index(fields=["incident"], name="risk_hitincident_incident")]

    def __str__(self) -> str:
        return f"{self.hit_id}: {self.incident_id} ({self.weight})"

"""Incidents (police journal entries) and who was involved in what."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from samspil.access.models import OwnedRecord
from samspil.incidents.constants import CrimeClass, InvolvementRole
from samspil.persons.constants import RecordSource


class IncidentCategory(models.Model):
    """The taxonomy is data: administrators can add categories with their weights."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_da = models.CharField(_("Danish label"), max_length=120)
    label_en = models.CharField(_("English label"), max_length=120, blank=True)
    crime_class = models.CharField(_("crime class"), max_length=20, choices=CrimeClass.choices)
    risk_weight = models.PositiveSmallIntegerField(_("risk weight"), default=0)
    psp = models.BooleanField(_("PSP category"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["label_da"]
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "da").startswith("en") and self.label_en:
            return self.label_en
        return self.label_da


class Incident(OwnedRecord):
    journal_no = models.CharField(_("journal number"), max_length=40, unique=True)
    occurred_at = models.DateTimeField(_("occurred"))
    # The Copenhagen calendar date of occurred_at, kept for windows and yearly counts.
    occurred_on = models.DateField(_("date"), db_index=True)
    reported_at = models.DateTimeField(_("reported"))
    category = models.ForeignKey(IncidentCategory, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("category"))
    municipality = models.ForeignKey("organisations.Municipality", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("municipality"))
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    source = models.CharField(max_length=10, choices=RecordSource.choices,
                              default=RecordSource.MANUAL)
    is_synthetic = models.BooleanField(_("fictitious (demo or test)"), default=False)

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "occurred_on"]),
            models.Index(fields=["category", "occurred_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(lat__isnull=True) & models.Q(lon__isnull=True))
                | (models.Q(lat__isnull=False) & models.Q(lon__isnull=False)),
                name="incident_lat_lon_both_or_neither",
            )
        ]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.journal_no


class Involvement(models.Model):
    """A person's role in an incident. Access follows the incident (its owner and grants)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="involvements")
    person = models.ForeignKey("persons.Person", on_delete=models.PROTECT,
                               related_name="involvements")
    role = models.CharField(_("role"), max_length=20, choices=InvolvementRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "person", "role"],
                                    name="involvement_unique")
        ]
        indexes = [models.Index(fields=["person", "incident"])]
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")

    def __str__(self) -> str:
        return f"{self.person_id} {self.role} in {self.incident_id}"


class MergeDroppedInvolvement(models.Model):
    """An involvement removed by a person merge because the survivor already had the same role in
    the same incident (the unique constraint forbids two). Kept so that undoing the merge can
    recreate it with its original id; deleted again when it is recreated."""

    involvement_id = models.BigIntegerField(unique=True)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="+")
    survivor = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=InvolvementRole.choices)
    dropped_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.involvement_id} ({self.person_id} {self.role} in {self.incident_id})"

"""Geography and organisations: the ground floor every other app stands on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.organisations.constants import OrganisationKind, StationKind


class District(models.Model):
    """A police district (politikreds)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("police district")
        verbose_name_plural = _("police districts")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("municipality code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=120)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("district"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Station(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="stations")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=StationKind.choices)
    address = models.CharField(_("address"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="station_unique_name")
        ]
        verbose_name = _("police station")
        verbose_name_plural = _("police stations")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An agency taking part in the cooperation. Users belong to exactly one."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("district")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    is_synthetic = models.BooleanField(
        _("synthetic (demo or test)"),
        default=False,
        help_text=_("Fictitious organisation created for a demo or a test."),
    )

    class Meta:
        ordering = ["district__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="municipality") | models.Q(municipality__isnull=False),
                name="organisation_municipality_has_municipality",
            )
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

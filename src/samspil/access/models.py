"""Ownership, disclosures and access grants: the data behind the one access policy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.access.constants import Confidentiality, GrantBasis, LegalBasis


class OwnedRecord(models.Model):
    """Every record about a person has an owning organisation and a confidentiality level."""

    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owning organisation"),
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=10,
        choices=Confidentiality.choices,
        default=Confidentiality.NORMAL,
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
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        abstract = True


class Disclosure(models.Model):
    """A record that information about a subject left one organisation for another, and why."""

    subject_type = models.CharField(_("record type"), max_length=60)
    subject_id = models.BigIntegerField(_("record id"))
    from_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="disclosures_made",
        verbose_name=_("from"),
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="disclosures_received",
        verbose_name=_("to"),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    purpose = models.CharField(_("purpose"), max_length=300)
    shared = models.TextField(_("what was shared"))
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("disclosed by"),
    )
    disclosed_at = models.DateTimeField(_("disclosed"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # Where the disclosure happened (a meeting, a socialrapport …), as "app.model:id".
    context = models.CharField(_("context"), max_length=80, blank=True)

    class Meta:
        ordering = ["-disclosed_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} → {self.to_organisation}"


class AccessGrant(models.Model):
    """Why an organisation other than the owner may read a subject (a person, a record)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="access_grants"
    )
    subject_type = models.CharField(max_length=60)
    subject_id = models.BigIntegerField()
    basis = models.CharField(max_length=12, choices=GrantBasis.choices)
    # The record that gives the access (a case, a disclosure …), as "app.model:id".
    source = models.CharField(max_length=80)
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, null=True, blank=True, related_name="grants"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "subject_type", "subject_id", "source"],
                name="access_grant_unique_source",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.organisation_id} may read {self.subject_type}:{self.subject_id} ({self.basis})"
        )

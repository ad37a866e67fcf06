"""Cases, their append-only status history, notes and participants.

What a case type allows lives in ``workflows``; these tables only hold where each case is. Every
write goes through ``services`` (one enforcement point), and status rows are never updated or
deleted there: the history of a case is its rows in ``CaseStatusChange``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspil.access.models import OwnedRecord
from samspil.cases.workflows import CASE_TYPES, CaseTypeDefinition
from samspil.persons.constants import RecordSource

CASE_TYPE_CHOICES = [(code, definition.label) for code, definition in CASE_TYPES.items()]


class Case(OwnedRecord):
    """One case of one type. ``owner_organisation`` is the responsible organisation."""

    case_type = models.CharField(_("case type"), max_length=40, choices=CASE_TYPE_CHOICES)
    # "UKN-2025-000123" for cases opened here; imported cases keep the source's reference.
    case_ref = models.CharField(_("case reference"), max_length=64, unique=True)
    state = models.CharField(_("state"), max_length=30)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    # The main subject; only a citizen's "Bestil en betjent" request may be about no one.
    person = models.ForeignKey(
        "persons.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("person"),
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("incident"),
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    origin = models.CharField(_("origin"), max_length=40, blank=True)
    crime_class = models.CharField(_("crime class"), max_length=20, blank=True)
    # Null for case types (or variants) without a deadline; kept in step by the services.
    due_date = models.DateField(_("deadline"), null=True, blank=True)
    extension_days = models.PositiveIntegerField(_("extensions (days)"), default=0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    # Type-specific guarded fields (consent dates, mediator, release date …), see cases.fields.
    fields = models.JSONField(_("case details"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=RecordSource.choices, default=RecordSource.MANUAL
    )
    is_synthetic = models.BooleanField(_("fictitious (demo or test)"), default=False)

    class Meta:
        indexes = [
            models.Index(fields=["case_type", "state", "due_date"], name="case_type_state_due"),
            models.Index(
                fields=["owner_organisation", "state", "due_date"], name="case_owner_state_due"
            ),
            models.Index(fields=["assigned_to", "state"], name="case_assignee_state"),
            models.Index(fields=["person", "case_type"], name="case_person_type"),
            # The queues read open cases by deadline, then id: these partial indexes hold
            # exactly those rows in that order, so a page is a short index range scan.
            models.Index(
                fields=["due_date", "id"], name="case_open_due", condition=Q(closed_at__isnull=True)
            ),
            models.Index(
                fields=["case_type", "due_date", "id"],
                name="case_open_type_due",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["owner_organisation", "due_date", "id"],
                name="case_open_owner_due",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["assigned_to", "due_date", "id"],
                name="case_open_assignee_due",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(fields=["case_type", "opened_at"], name="case_type_opened"),
        ]
        constraints = [
            # The automatic rules and the importer must never open a second case of a type for
            # the same person and incident.
            models.UniqueConstraint(
                fields=["incident", "person", "case_type"],
                condition=Q(incident__isnull=False),
                name="case_unique_incident_person_type",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(case_type="officer_request"),
                name="case_person_required",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(outcome=""),
                name="case_closed_has_outcome",
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.case_ref

    @property
    def definition(self) -> CaseTypeDefinition:
        return CASE_TYPES[self.case_type]

    @property
    def is_closed(self) -> bool:
        return self.state in self.definition.closed_states

    @property
    def state_label(self) -> str:
        try:
            return str(self.definition.state(self.state).label)
        except KeyError:
            return self.state


class CaseStatusChange(models.Model):
    """One step in a case's life. Append-only: the services create these and never change them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30)
    action = models.CharField(_("action"), max_length=40)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Kept as text too: the automatic rules and imports have no user.
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_status_case_at")]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state or '-'} → {self.to_state}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.text[:40]}"


class ParticipantRole(models.TextChoices):
    PROTECTED = "protected", _("Protected person")
    RESTRAINED = "restrained", _("Restrained person")
    VICTIM = "victim", _("Victim")
    OFFENDER = "offender", _("Offender")
    GUARDIAN = "guardian", _("Guardian")
    REFERRER = "referrer", _("Referring organisation")
    PARTICIPANT = "participant", _("Participating organisation")
    RECIPIENT = "recipient", _("Recipient")


class CaseParticipant(models.Model):
    """A person with a role in the case besides its subject, or an organisation taking part."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        "persons.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_participations",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_participations",
    )
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
                name="case_participant_person_xor_organisation",
            ),
            models.UniqueConstraint(
                fields=["case", "person", "role"],
                condition=Q(person__isnull=False),
                name="case_participant_unique_person",
            ),
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=Q(organisation__isnull=False),
                name="case_participant_unique_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["person"], name="case_participant_person"),
            models.Index(fields=["organisation", "case"], name="case_participant_org"),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        who = f"person {self.person_id}" if self.person_id else f"org {self.organisation_id}"
        return f"{self.case_id}: {who} ({self.role})"


class CaseSequence(models.Model):
    """The last number handed out per reference prefix and year ("UKN", 2025 → 123)."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="case_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


# The type-specific tables (cases.types) belong to this app; importing them here registers them
# when Django loads the app's models, like any model of this module.
from samspil.cases.types.models import (  # noqa: E402, F401
    AreaBanArea,
    CaseIncidentLink,
    CasePlanItem,
    ContactAttempt,
    OfficerRequestDetails,
    PublicSubmission,
    RestrainingOrder,
    VictimSupportReferral,
)

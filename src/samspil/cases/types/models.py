"""Tables of the type-specific case data. Imported by ``cases.models`` so Django registers them
with the cases app (one migration history for the whole engine)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RequesterKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    ASSOCIATION = "association", _("Association")
    SCHOOL = "school", _("School or institution")


class OfficerRequestDetails(models.Model):
    """What a citizen told us in the "Bestil en betjent" form, and our message back.

    The request itself (type = origin, municipality, wished date, place) is on the case; the
    contact details are kept here, beside the case, so the case's own fields stay the engine's.
    The status link's token is stored only as a hash: the database alone cannot open a status page.
    """

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="officer_request"
    )
    place = models.CharField(_("place"), max_length=200)
    wished_date = models.DateField(_("wished date"))
    wished_date_alternative = models.DateField(_("alternative date"), null=True, blank=True)
    description = models.TextField(_("description"))
    requester_kind = models.CharField(
        _("requester"), max_length=20, choices=RequesterKind.choices
    )
    contact_name = models.CharField(_("contact person"), max_length=150)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    consent_to_contact = models.BooleanField(_("consents to be contacted"), default=False)
    status_token_hash = models.CharField(max_length=64)
    public_message = models.TextField(_("message to the requester"), blank=True)
    public_message_at = models.DateTimeField(_("message written"), null=True, blank=True)

    class Meta:
        verbose_name = _("officer request details")
        verbose_name_plural = _("officer request details")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.place}"


class PublicSubmission(models.Model):
    """One submission of a public form from one client address, for the rate limit.

    The address is kept only as a keyed hash (HMAC with the site's secret key), never in clear,
    and rows older than a day are deleted on the next submission. A database table rather than
    the cache: the project configures no shared cache, and a per-process memory cache would give
    every web worker its own limit.
    """

    form = models.CharField(max_length=40)
    address_hash = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["form", "address_hash", "at"], name="public_sub_addr_at")]

    def __str__(self) -> str:
        return f"{self.form} {self.at:%Y-%m-%d %H:%M}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message")
    LETTER = "letter", _("Letter or digital post")
    VISIT = "visit", _("Visit")
    IN_PERSON = "in_person", _("In person at the station")


class ContactResult(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    MESSAGE_LEFT = "message_left", _("Message left")
    DECLINED = "declined", _("Declined contact")


class ContactAttempt(models.Model):
    """One attempt to reach the person of a victim follow-up."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="contact_attempts")
    at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    result = models.CharField(_("result"), max_length=20, choices=ContactResult.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.channel} {self.result}"


class ConsentChannel(models.TextChoices):
    ORAL_PHONE = "phone", _("Orally, by phone")
    ORAL_IN_PERSON = "in_person", _("Orally, in person")
    WRITTEN = "written", _("In writing")


class VictimSupportReferral(models.Model):
    """How the victim consented to the referral to Offerrådgivningen, and from which follow-up."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="victim_support_referral"
    )
    followup = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="victim_support_referrals"
    )
    consent_at = models.DateTimeField(_("consent given"))
    consent_channel = models.CharField(
        _("consent given how"), max_length=20, choices=ConsentChannel.choices
    )

    class Meta:
        verbose_name = _("victim support referral")
        verbose_name_plural = _("victim support referrals")

    def __str__(self) -> str:
        return f"{self.case_id} ← {self.followup_id}"


class RestrainingOrder(models.Model):
    """A granted restraining order (tilhold) or area ban decided on a request."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="restraining_order"
    )
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"))
    conditions = models.TextField(_("conditions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="restraining_order_period"
            )
        ]
        verbose_name = _("restraining order")
        verbose_name_plural = _("restraining orders")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.starts_on}–{self.ends_on}"


class LinkKind(models.TextChoices):
    BREACH = "breach", _("Breach of the order")
    BASIS = "basis", _("Basis of the report")


class CaseIncidentLink(models.Model):
    """An incident that belongs to a case besides the one that started it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="incident_links")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="case_links"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "incident"], name="case_incident_link_unique")
        ]
        indexes = [models.Index(fields=["case", "kind"], name="case_incident_link_kind")]
        verbose_name = _("linked incident")
        verbose_name_plural = _("linked incidents")

    def __str__(self) -> str:
        return f"{self.case_id} ↔ {self.incident_id} ({self.kind})"


class AreaBanArea(models.Model):
    """Where an area ban applies: a point with a radius, or a drawn polygon (WGS84)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="area_ban")
    lat = models.FloatField(_("latitude of the centre"))
    lon = models.FloatField(_("longitude of the centre"))
    radius_m = models.PositiveIntegerField(_("radius in metres"))
    # A GeoJSON outer ring of [lon, lat] positions, first repeated last; empty for a circle.
    ring = models.JSONField(_("drawn area"), default=list, blank=True)
    plagued_confirmed = models.BooleanField(
        _("the area is generally plagued by insecurity"), default=False
    )
    justification = models.TextField(_("justification"))

    class Meta:
        verbose_name = _("area of an area ban")
        verbose_name_plural = _("areas of area bans")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.radius_m} m"


class PlanItemKind(models.TextChoices):
    EXIT_ELEMENT = "exit_element", _("Exit plan element")
    RELEASE_STEP = "release_step", _("Release plan step")


class PlanItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class CasePlanItem(models.Model):
    """One element of an exit plan or one step of a release plan, with its owner and status."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="plan_items")
    kind = models.CharField(max_length=20, choices=PlanItemKind.choices)
    # An exit plan element's code (housing, education, …); empty for a release step.
    element = models.CharField(_("element"), max_length=30, blank=True)
    title = models.CharField(_("step"), max_length=200, blank=True)
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanItemStatus.choices, default=PlanItemStatus.PLANNED
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "element"],
                condition=Q(kind="exit_element"),
                name="case_plan_item_unique_element",
            )
        ]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.element or self.title} ({self.status})"

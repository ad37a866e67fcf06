"""Fora, their members and meetings, agenda items, actions, and concerns shared step by step.

A concern about a person (the "four filters") keeps the person reference only until the forum
has decided on the de-identified situation; when the threshold is not met the reference is
cleared in the same transaction as the decision and a check constraint keeps it cleared (see
docs/fora-and-disclosures.md). Disclosures themselves live in access (access.Disclosure).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspil.access.constants import LegalBasis
from samspil.meetings.constants import (
    ActionStatus,
    AgeBand,
    AgendaItemKind,
    ConcernStatus,
    ForumKind,
    MeetingStatus,
    MemberRole,
    RecipientRole,
)


class Forum(models.Model):
    """A standing forum of the cooperation (Kredsråd, Lokalråd, SSP, PSP, KSP …)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ForumKind.choices)
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(
        "organisations.District", on_delete=models.PROTECT, related_name="fora",
        verbose_name=_("police district"),
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, null=True, blank=True,
        related_name="fora", verbose_name=_("municipality"),
    )
    sector = models.CharField(_("sector"), max_length=20, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    # The ground a disclosure from this forum normally rests on; offered first when disclosing.
    disclosure_basis = models.CharField(
        _("usual basis of disclosures"), max_length=20, choices=LegalBasis.choices, blank=True
    )
    purpose = models.TextField(_("purpose"), blank=True)
    plans = models.CharField(_("plans"), max_length=300, blank=True)
    interfaces = models.CharField(_("interfaces"), max_length=300, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    meetings_min = models.PositiveSmallIntegerField(_("meetings per year, at least"), default=0)
    meetings_max = models.PositiveSmallIntegerField(
        _("meetings per year, at most"), null=True, blank=True
    )
    # The forum's rule: a disclosure made through it expires after this many days (0 = the
    # forum does not discuss named persons, so nothing is disclosed through it).
    disclosure_expiry_days = models.PositiveIntegerField(_("disclosures expire after (days)"),
                                                         default=365)
    is_active = models.BooleanField(_("active"), default=True)
    is_synthetic = models.BooleanField(_("fictitious (demo or test)"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["district__name", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "municipality", "sector", "name"],
                name="forum_unique_per_place",
            ),
            models.CheckConstraint(
                condition=Q(meetings_max__isnull=True) | Q(meetings_max__gte=models.F(
                    "meetings_min")),
                name="forum_meetings_max_not_below_min",
            ),
        ]
        verbose_name = _("forum")
        verbose_name_plural = _("fora")

    def __str__(self) -> str:
        return self.name


class ForumMemberQuerySet(models.QuerySet["ForumMember"]):
    def current(self) -> ForumMemberQuerySet:
        return self.filter(left_on__isnull=True)

    def on(self, day: date) -> ForumMemberQuerySet:
        """Members on that day: those who had not left before it."""
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gte=day))


class ForumMember(models.Model):
    """A member: a Samspil user, or someone without a login (a mayor, a school head)."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="forum_memberships", verbose_name=_("user"),
    )
    external_name = models.CharField(_("name (no login)"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="forum_memberships",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices,
                            default=MemberRole.MEMBER)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # A member who leaves is kept (with the day they left), not deleted: past attendance and
    # minutes still name them, and the forum's composition on any day can be shown.
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = ForumMemberQuerySet.as_manager()

    class Meta:
        ordering = ["forum", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(external_name=""),
                name="forum_member_user_or_name",
            ),
            models.UniqueConstraint(
                fields=["forum", "user"], condition=Q(user__isnull=False, left_on__isnull=True),
                name="forum_member_unique_current_user",
            ),
        ]
        verbose_name = _("forum member")
        verbose_name_plural = _("forum members")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        user = self.user if self.user_id is not None else None
        if user is not None:
            return user.get_full_name() or user.username
        return self.external_name


class Meeting(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="meetings",
                              verbose_name=_("forum"))
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_synthetic = models.BooleanField(_("fictitious (demo or test)"), default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["forum", "starts_at"], name="meeting_forum_starts")]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.forum} {self.starts_at:%Y-%m-%d}"


class Attendance(models.Model):
    """Who was at a meeting: a member (present or absent) or a guest."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(ForumMember, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="attendance")
    guest_name = models.CharField(_("guest"), max_length=150, blank=True)
    guest_organisation = models.CharField(_("guest's organisation"), max_length=200, blank=True)
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, guest_name="")
                | Q(member__isnull=True) & ~Q(guest_name=""),
                name="attendance_member_xor_guest",
            ),
            models.UniqueConstraint(
                fields=["meeting", "member"], condition=Q(member__isnull=False),
                name="attendance_unique_member",
            ),
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.member_id or self.guest_name}"


class Concern(models.Model):
    """A concern about a person, shared with a forum in steps (the "four filters").

    Only de-identified facts live on this row (age band, home municipality, risk factors, a
    free text checked for identifying details). `person` is held until the threshold decision
    and cleared when the threshold is not met.
    """

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="concerns",
                              verbose_name=_("forum"))
    person = models.ForeignKey(
        "persons.Person", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("person"),
    )
    home_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("home agency"),
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("raised by"))
    raised_at = models.DateTimeField(_("raised"))
    reason = models.TextField(_("the home agency's reason"))
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("home municipality"),
    )
    risk_factors = models.JSONField(_("risk factors"), default=list)
    risk_text = models.TextField(_("situation (de-identified)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ConcernStatus.choices,
                              default=ConcernStatus.RAISED)
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="concerns", verbose_name=_("meeting"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices,
                                   blank=True)
    what_is_shared = models.TextField(_("what was shared"), blank=True)
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    disclosed_at = models.DateTimeField(_("disclosed"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("fictitious (demo or test)"), default=False)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            # Once the forum has said no, the concern must never point at a person again.
            models.CheckConstraint(
                condition=~Q(status=ConcernStatus.NOT_MET) | Q(person__isnull=True),
                name="concern_not_met_has_no_person",
            ),
            models.CheckConstraint(
                condition=Q(status=ConcernStatus.NOT_MET) | Q(person__isnull=False),
                name="concern_open_has_person",
            ),
        ]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"B-{self.pk}"


class ConcernRecipient(models.Model):
    """An agency named by the forum to receive the identity (lead or assisting)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=10, choices=RecipientRole.choices)
    # Null when the recipient is the home agency itself (it already knows the person).
    disclosure = models.ForeignKey("access.Disclosure", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "organisation"],
                                    name="concern_recipient_unique"),
            models.UniqueConstraint(fields=["concern"], condition=Q(role=RecipientRole.LEAD),
                                    name="concern_one_lead"),
        ]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")

    def __str__(self) -> str:
        return f"{self.concern_id} → {self.organisation_id} ({self.role})"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=AgendaItemKind.choices,
                            default=AgendaItemKind.TOPIC)
    topic = models.CharField(_("topic"), max_length=300)
    # A case on the agenda. Only the reference is shown to the forum; opening the case goes
    # through the cases app's own access check.
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="agenda_items", verbose_name=_("case"))
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="agenda_items")
    minutes = models.TextField(_("minutes"), blank=True)
    decision = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"],
                                    name="agenda_item_unique_position"),
        ]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return f"{self.position}. {self.topic}"


class Action(models.Model):
    """Something a forum agreed to do. Open actions come back on the forum's next agenda."""

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="actions", verbose_name=_("agreed at"))
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="actions")
    # An intervention planned by the lead and assisting agencies of a concern (filter 4).
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("responsible organisation"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="forum_actions", verbose_name=_("responsible person"),
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=6, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("fictitious (demo or test)"), default=False)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["forum", "status", "due_date"],
                                name="action_forum_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_organisation__isnull=False) | Q(owner_user__isnull=False),
                name="action_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(status=ActionStatus.OPEN, done_at__isnull=True)
                | Q(status=ActionStatus.DONE, done_at__isnull=False),
                name="action_done_has_time",
            ),
        ]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title

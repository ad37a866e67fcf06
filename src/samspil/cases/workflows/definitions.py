"""The twelve case types of the interchange format, declared as data.

Codes (case types, outcomes, origins) are copied exactly from docs interchange.md, a contract
with systems we do not control; test_workflows pins them. The flows follow domain.md and the two
seed documents. Labels are English source strings in gettext_lazy, as everywhere in the project;
the Danish names the users' own documents use (UKN-screening, Tryghedsopfølgning, …) live in the
Danish catalogue.

Who may take a step: ``prevention_officer`` is the police's crime-prevention staff (incl. the
Kriminalpræventivt Sekretariat that handles restraining orders and exit programmes);
``caseworker`` is a case handler in whichever organisation owns or takes part in the case (a
municipal social worker, the KSP contact in Kriminalforsorgen, the Konfliktråd coordinator).
Administrators manage users and reference data, not cases, so they are in no step: a wrong status
is corrected by a caseworker, with an audit trail of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from django.utils.translation import gettext_lazy as _

from samspil.cases.deadlines import DeadlineRule
from samspil.cases.workflows.engine import (
    CREATE,
    SYSTEM_ROLE,
    CaseTypeDefinition,
    Label,
    State,
    Transition,
)

# Values of the extra fields where the domain gives a closed list. The engine only checks that a
# required field is present; forms and the importer check values against these.
CRIME_CLASSES: tuple[str, ...] = ("personfarlig", "anden_alvorlig", "anden")
RESTRAINING_ORDER_KINDS: tuple[str, ...] = ("tilhold", "opholdsforbud", "tilhold_og_opholdsforbud")
RESTRAINING_ORDER_VARIANTS: tuple[str, ...] = ("ordinary", "immediate")
EXIT_PLAN_ELEMENTS: tuple[str, ...] = (
    "housing",
    "education",
    "employment",
    "addiction_treatment",
    "psychiatric_help",
    "debt_plan",
    "mentor",
)
# The 2025 area ban: 500 m around where the person usually is, at most 1,000 m.
AREA_BAN_DEFAULT_RADIUS_M = 500
AREA_BAN_MAX_RADIUS_M = 1000

POLICE = frozenset({"prevention_officer"})
POLICE_OR_CASEWORKER = frozenset({"prevention_officer", "caseworker"})


def _steps(
    sources: str | tuple[str | None, ...] | None,
    to_state: str,
    action: str,
    label: Label,
    roles: Iterable[str],
    *,
    fields: tuple[str, ...] = (),
    required_if: tuple[tuple[str, str], ...] = (),
    must_be_true: tuple[str, ...] = (),
    outcomes: tuple[str, ...] = (),
    extends_deadline: bool = False,
) -> tuple[Transition, ...]:
    """One ``Transition`` per source state, so that "withdraw from any early state" reads once."""
    froms = sources if isinstance(sources, tuple) else (sources,)
    return tuple(
        Transition(
            from_state=source,
            to_state=to_state,
            action=action,
            label=label,
            allowed_roles=frozenset(roles),
            required_fields=fields,
            required_if=required_if,
            must_be_true=must_be_true,
            requires_outcome=bool(outcomes),
            outcomes=outcomes,
            extends_deadline=extends_deadline,
        )
        for source in froms
    )


def _create(
    initial: str,
    roles: Iterable[str],
    *,
    fields: tuple[str, ...] = (),
    must_be_true: tuple[str, ...] = (),
) -> tuple[Transition, ...]:
    return _steps(
        None, initial, CREATE, _("Open case"), roles, fields=fields, must_be_true=must_be_true
    )


UKN_SCREENING = CaseTypeDefinition(
    code="ukn_screening",
    label=_("UKN screening"),
    states=(
        State("open", _("Awaiting screening")),
        State("screened", _("Screened"), is_closed=True),
    ),
    initial_state="open",
    transitions=(
        # The system opens most screenings from an incident with a 10–17-year-old suspect.
        *_create("open", {*POLICE_OR_CASEWORKER, SYSTEM_ROLE}),
        *_steps(
            "open",
            "screened",
            "screen",
            _("Record screening"),
            POLICE_OR_CASEWORKER,
            # The report counts screenings by crime class, so none closes without one.
            fields=("crime_class",),
            outcomes=("referred_ukn", "referred_prosecution", "referred_both", "not_relevant"),
        ),
    ),
    outcomes=("referred_ukn", "referred_prosecution", "referred_both", "not_relevant"),
    owner_kind="police",
    deadline=DeadlineRule(days=30, unit="calendar", warn_at=(7, 3)),
    confidentiality="sensitive",
    participant_kinds=("municipality", "prosecution"),
    extra_fields=("crime_class",),
)

VICTIM_FOLLOWUP = CaseTypeDefinition(
    code="victim_followup",
    label=_("Victim follow-up"),
    states=(
        State("open", _("Open")),
        State("contact_attempted", _("Contact attempted")),
        State("closed", _("Closed"), is_closed=True),
    ),
    initial_state="open",
    transitions=(
        # Systematic in domestic-violence cases, so the incident rules may open it.
        *_create("open", {*POLICE_OR_CASEWORKER, SYSTEM_ROLE}),
        *_steps(
            ("open", "contact_attempted"),
            "contact_attempted",
            "attempt_contact",
            _("Record contact attempt"),
            POLICE_OR_CASEWORKER,
        ),
        # Only after at least one attempt: "not reached" must mean someone tried.
        *_steps(
            "contact_attempted",
            "closed",
            "close",
            _("Close the follow-up"),
            POLICE_OR_CASEWORKER,
            outcomes=("contacted", "not_reached", "declined"),
        ),
    ),
    outcomes=("contacted", "not_reached", "declined"),
    owner_kind="police",
    confidentiality="sensitive",
)

VICTIM_SUPPORT_REFERRAL = CaseTypeDefinition(
    code="victim_support_referral",
    label=_("Referral to Victim Support"),
    states=(
        State("created", _("Created")),
        State("referred", _("Referred"), is_closed=True),
    ),
    initial_state="created",
    transitions=(
        # A referral passes personal data to an outside body: consent comes first, and is checked
        # again when the referral is sent in case it was withdrawn meanwhile.
        *_create("created", POLICE_OR_CASEWORKER, fields=("consent_at",)),
        *_steps(
            "created",
            "referred",
            "refer",
            _("Send the referral"),
            POLICE_OR_CASEWORKER,
            fields=("consent_at",),
            outcomes=("referred",),
        ),
    ),
    outcomes=("referred",),
    owner_kind="police",
    confidentiality="sensitive",
    # Offerrådgivningen receives the referral and nothing else.
    participant_kinds=("victim_support",),
    extra_fields=("consent_at",),
)

OFFICER_REQUEST = CaseTypeDefinition(
    code="officer_request",
    label=_("Order an officer"),
    states=(
        State("received", _("Received")),
        State("triaged", _("Assessed")),
        State("closed", _("Closed"), is_closed=True),
    ),
    initial_state="received",
    transitions=(
        # The citizen form has no login; it opens the request as the system. What was asked for
        # is the origin, and the annual report is built on it.
        *_create("received", {*POLICE, SYSTEM_ROLE}, fields=("origin",)),
        *_steps("received", "triaged", "triage", _("Assess"), POLICE),
        *_steps(
            "triaged",
            "closed",
            "accommodate",
            _("Accommodate"),
            POLICE,
            outcomes=("accommodated",),
        ),
        *_steps(
            ("received", "triaged"),
            "closed",
            "decline",
            _("Decline"),
            POLICE,
            outcomes=("declined",),
        ),
        *_steps(
            ("received", "triaged"),
            "closed",
            "withdraw",
            _("Withdrawn by the citizen"),
            POLICE,
            outcomes=("withdrawn",),
        ),
    ),
    outcomes=("accommodated", "declined", "withdrawn"),
    origins=(
        "traffic_control",
        "talk_burglary",
        "talk_it_crime",
        "event_presence",
        "mopeds",
        "other",
    ),
    owner_kind="police",
    confidentiality="normal",
    extra_fields=("requested_date", "location"),
)

RESTRAINING_ORDER_REQUEST = CaseTypeDefinition(
    code="restraining_order_request",
    label=_("Request for a restraining order or area ban"),
    states=(
        State("received", _("Received")),
        State("visitation", _("Awaiting assessment")),
        State("decided", _("Decided"), is_closed=True),
        State("withdrawn", _("Withdrawn"), is_closed=True),
    ),
    initial_state="received",
    transitions=(
        # The variant decides the deadline, so it must be known from the start rather than
        # default to "no deadline" by omission.
        *_create("received", POLICE_OR_CASEWORKER, fields=("variant",)),
        *_steps(
            "received", "visitation", "visitate", _("Send for assessment"), POLICE_OR_CASEWORKER
        ),
        *_steps(
            "visitation",
            "decided",
            "decide",
            _("Make a decision"),
            POLICE_OR_CASEWORKER,
            fields=("order_kind",),
            outcomes=("granted", "refused"),
        ),
        *_steps(
            ("received", "visitation"),
            "withdrawn",
            "withdraw",
            _("Withdraw the request"),
            POLICE_OR_CASEWORKER,
            outcomes=("withdrawn",),
        ),
    ),
    outcomes=("granted", "refused", "withdrawn"),
    owner_kind="police",
    # An ordinary request has no statutory deadline; a strakstilhold must be finally decided
    # within 60 days.
    deadline=None,
    variant_field="variant",
    variant_deadlines=(("immediate", DeadlineRule(days=60, unit="calendar", warn_at=(14, 7))),),
    confidentiality="sensitive",
    participant_kinds=("prosecution",),
    extra_fields=("variant", "order_kind"),
)

AREA_BAN = CaseTypeDefinition(
    code="area_ban",
    label=_("Area ban (behaviour causing insecurity)"),
    states=(
        State("active", _("Active")),
        State("extended", _("Extended")),
        State("closed", _("Ended"), is_closed=True),
    ),
    initial_state="active",
    transitions=(
        *_create("active", POLICE, fields=("area", "radius_m")),
        # 30 days at a time; every extension, also one after a breach, counts towards the
        # six-month cap, which the engine enforces from opened_at and the extensions so far.
        *_steps(
            ("active", "extended"),
            "extended",
            "extend",
            _("Extend by 30 days"),
            POLICE,
            fields=("opened_at", "extensions_days", "extension_reason"),
            extends_deadline=True,
        ),
        # The nightly job closes bans whose period has run out.
        *_steps(
            ("active", "extended"),
            "closed",
            "expire",
            _("Expired"),
            {*POLICE, SYSTEM_ROLE},
            outcomes=("expired",),
        ),
        *_steps(
            ("active", "extended"),
            "closed",
            "revoke",
            _("Revoke the ban"),
            POLICE,
            outcomes=("revoked",),
        ),
        *_steps(
            ("active", "extended"),
            "closed",
            "close_breached",
            _("Close after a breach"),
            POLICE,
            outcomes=("breached",),
        ),
    ),
    outcomes=("expired", "revoked", "breached"),
    owner_kind="police",
    deadline=DeadlineRule(
        days=30, unit="calendar", warn_at=(7,), extension_days=30, max_total_months=6
    ),
    # Officers on patrol must recognise a banned person in the area, so the ban is not kept to
    # a need-to-know circle.
    confidentiality="normal",
    extra_fields=("area", "radius_m", "extension_reason"),
)

_MEDIATION_EARLY = ("referred", "visitation", "consent", "mediator_assigned")

CONFLICT_MEDIATION = CaseTypeDefinition(
    code="conflict_mediation",
    label=_("Victim-offender mediation"),
    states=(
        State("referred", _("Referred")),
        State("visitation", _("Under assessment")),
        State("consent", _("Consent given")),
        State("mediator_assigned", _("Mediator assigned")),
        State("meeting_held", _("Meeting held")),
        State("closed", _("Closed"), is_closed=True),
    ),
    initial_state="referred",
    transitions=(
        *_create("referred", POLICE_OR_CASEWORKER),
        *_steps("referred", "visitation", "visitate", _("Start the assessment"), {"caseworker"}),
        # Both parties consent, a guardian too for a party under 18, and the offender has in
        # essence admitted the offence: mediation is not a way to settle guilt. Whether a party is
        # a minor is required (False is an answer), so forgetting it cannot skip the guardian.
        *_steps(
            "visitation",
            "consent",
            "record_consent",
            _("Record consent"),
            {"caseworker"},
            fields=(
                "victim_consent_at",
                "offender_consent_at",
                "victim_is_minor",
                "offender_is_minor",
            ),
            required_if=(
                ("victim_is_minor", "victim_guardian_consent_at"),
                ("offender_is_minor", "offender_guardian_consent_at"),
            ),
            must_be_true=("offender_admits_offence",),
        ),
        *_steps(
            "consent",
            "mediator_assigned",
            "assign_mediator",
            _("Assign a mediator"),
            {"caseworker"},
            fields=("mediator",),
        ),
        *_steps(
            "mediator_assigned",
            "meeting_held",
            "hold_meeting",
            _("Record the mediation meeting"),
            {"mediator", "caseworker"},
            fields=("meeting_date",),
        ),
        *_steps(
            "meeting_held",
            "closed",
            "close_mediated",
            _("Close as mediated"),
            {"mediator", "caseworker"},
            outcomes=("mediated",),
        ),
        # A party may say no at any time before the meeting; consent is voluntary throughout.
        *_steps(
            ("visitation", "consent", "mediator_assigned"),
            "closed",
            "party_declines",
            _("A party has declined"),
            {"mediator", "caseworker"},
            outcomes=("declined_by_party",),
        ),
        # Suitability is the coordinator's visitation decision, so only before consent is sought.
        *_steps(
            ("referred", "visitation"),
            "closed",
            "not_suitable",
            _("Not suitable for mediation"),
            {"caseworker"},
            outcomes=("not_suitable",),
        ),
        # The referring officer may withdraw too, e.g. when the criminal case takes another turn.
        *_steps(
            _MEDIATION_EARLY,
            "closed",
            "withdraw",
            _("Withdraw the referral"),
            POLICE_OR_CASEWORKER,
            outcomes=("withdrawn",),
        ),
    ),
    outcomes=("mediated", "declined_by_party", "not_suitable", "withdrawn"),
    owner_kind="mediation",
    confidentiality="sensitive",
    participant_kinds=("police",),
    extra_fields=(
        "victim_consent_at",
        "offender_consent_at",
        "victim_is_minor",
        "offender_is_minor",
        "victim_guardian_consent_at",
        "offender_guardian_consent_at",
        "offender_admits_offence",
        "mediator",
        "meeting_date",
        "agreement",
    ),
)

EXIT_PROGRAMME = CaseTypeDefinition(
    code="exit_programme",
    label=_("Exit programme"),
    states=(
        State("consent", _("Consent")),
        State("plan", _("Action plan")),
        State("active", _("Programme active")),
        State("closed", _("Closed"), is_closed=True),
    ),
    initial_state="consent",
    transitions=(
        # The programme is for adults only.
        *_create("consent", POLICE_OR_CASEWORKER, must_be_true=("subject_is_adult",)),
        # Nothing is shared with the municipality before the person has consented to it.
        *_steps(
            "consent",
            "plan",
            "make_plan",
            _("Draw up an action plan"),
            POLICE_OR_CASEWORKER,
            fields=("consent_at",),
        ),
        *_steps(
            "plan",
            "active",
            "start",
            _("Start the programme"),
            POLICE_OR_CASEWORKER,
            fields=("plan_elements",),
        ),
        *_steps(
            "active",
            "closed",
            "complete",
            _("Close as completed"),
            POLICE_OR_CASEWORKER,
            outcomes=("completed",),
        ),
        # Voluntary: the person may leave at any step.
        *_steps(
            ("consent", "plan", "active"),
            "closed",
            "drop_out",
            _("Dropped out"),
            POLICE_OR_CASEWORKER,
            outcomes=("dropped_out",),
        ),
    ),
    outcomes=("completed", "dropped_out"),
    owner_kind="police",
    # About six months is usual, twelve the limit.
    deadline=DeadlineRule(days=365, unit="calendar", warn_at=(60, 30)),
    confidentiality="sensitive",
    participant_kinds=("municipality",),
    extra_fields=("subject_is_adult", "consent_at", "plan_elements"),
)

RELEASE_COORDINATION = CaseTypeDefinition(
    code="release_coordination",
    label=_("KSP / Good release"),
    states=(
        State("planned", _("Planned")),
        State("closed", _("Closed"), is_closed=True),
    ),
    initial_state="planned",
    transitions=(
        *_create("planned", POLICE_OR_CASEWORKER, fields=("release_date",)),
        *_steps(
            "planned",
            "closed",
            "complete",
            _("Release completed"),
            POLICE_OR_CASEWORKER,
            outcomes=("completed",),
        ),
        *_steps(
            "planned",
            "closed",
            "cancel",
            _("Cancelled"),
            POLICE_OR_CASEWORKER,
            outcomes=("cancelled",),
        ),
    ),
    outcomes=("completed", "cancelled"),
    owner_kind="prison_probation",
    confidentiality="sensitive",
    participant_kinds=("police", "municipality"),
    extra_fields=("release_date", "institution"),
)

SOCIAL_REPORT = CaseTypeDefinition(
    code="social_report",
    label=_("Social report"),
    states=(
        State("drafted", _("Draft")),
        # Sending is what fulfils the duty to notify (Barnets lov § 133), so the police's case is
        # closed then; the municipality's receipt is recorded after, without a new outcome.
        State("sent", _("Sent"), is_closed=True),
        State("acknowledged", _("Receipt acknowledged"), is_closed=True),
    ),
    initial_state="drafted",
    transitions=(
        *_create("drafted", {"socialsoeg_reviewer", "prevention_officer"}, fields=("origin",)),
        *_steps(
            "drafted",
            "sent",
            "send",
            _("Send to the municipality"),
            {"socialsoeg_reviewer", "prevention_officer"},
            fields=("recipient_municipality_code",),
            outcomes=("sent",),
        ),
        *_steps("sent", "acknowledged", "acknowledge", _("Acknowledge receipt"), {"caseworker"}),
    ),
    outcomes=("sent",),
    origins=("socialsoeg", "patrol", "other"),
    owner_kind="police",
    confidentiality="sensitive",
    participant_kinds=("municipality",),
    extra_fields=("recipient_municipality_code",),
)

PSP_DISCUSSION = CaseTypeDefinition(
    code="psp_discussion",
    label=_("PSP discussion"),
    states=(
        State("open", _("Selected for discussion")),
        State("closed", _("Closed"), is_closed=True),
    ),
    initial_state="open",
    transitions=(
        *_create("open", {"psp_coordinator", "caseworker", "prevention_officer"}),
        *_steps(
            "open",
            "closed",
            "close",
            _("Close the case"),
            {"psp_coordinator", "caseworker", "prevention_officer"},
            outcomes=("discussed", "not_discussed"),
        ),
    ),
    outcomes=("discussed", "not_discussed"),
    # The practice groups sit in each municipality, with a municipal PSP coordinator.
    owner_kind="municipality",
    confidentiality="sensitive",
    participant_kinds=("police", "psychiatry", "prison_probation"),
)

CONCERN_CONVERSATION = CaseTypeDefinition(
    code="concern_conversation",
    label=_("Concern conversation / crime-prevention conversation"),
    states=(
        State("open", _("Planned")),
        State("closed", _("Closed"), is_closed=True),
    ),
    initial_state="open",
    transitions=(
        *_create("open", {"prevention_officer", "ssp_coordinator"}),
        *_steps(
            "open",
            "closed",
            "close",
            _("Close the case"),
            {"prevention_officer", "ssp_coordinator"},
            outcomes=("held", "declined"),
        ),
    ),
    outcomes=("held", "declined"),
    owner_kind="police",
    confidentiality="sensitive",
    participant_kinds=("municipality",),
)

CASE_TYPES: Mapping[str, CaseTypeDefinition] = MappingProxyType(
    {
        definition.code: definition
        for definition in (
            UKN_SCREENING,
            VICTIM_FOLLOWUP,
            VICTIM_SUPPORT_REFERRAL,
            OFFICER_REQUEST,
            RESTRAINING_ORDER_REQUEST,
            AREA_BAN,
            CONFLICT_MEDIATION,
            EXIT_PROGRAMME,
            RELEASE_COORDINATION,
            SOCIAL_REPORT,
            PSP_DISCUSSION,
            CONCERN_CONVERSATION,
        )
    }
)

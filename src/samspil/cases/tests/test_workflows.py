"""The case types as declared, and the refusals of ``check_transition``."""

from __future__ import annotations

from collections import deque
from datetime import date

import pytest
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samspil.cases.deadlines import DeadlineRule
from samspil.cases.workflows import (
    CASE_TYPES,
    CREATE,
    NON_ACTING_ROLES,
    ORGANISATION_KINDS,
    ROLE_CODES,
    SYSTEM_ROLE,
    CaseTypeDefinition,
    State,
    Transition,
    TransitionError,
    allowed_actions,
    check_transition,
    is_blank,
)

# Copied from the case-type table of interchange.md: a contract, so a change here must be a
# deliberate change of that document first.
INTERCHANGE_CASE_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ukn_screening": (
        ("referred_ukn", "referred_prosecution", "referred_both", "not_relevant"),
        (),
    ),
    "victim_followup": (("contacted", "not_reached", "declined"), ()),
    "victim_support_referral": (("referred",), ()),
    "officer_request": (
        ("accommodated", "declined", "withdrawn"),
        ("traffic_control", "talk_burglary", "talk_it_crime", "event_presence", "mopeds", "other"),
    ),
    "restraining_order_request": (("granted", "refused", "withdrawn"), ()),
    "area_ban": (("expired", "revoked", "breached"), ()),
    "conflict_mediation": (("mediated", "declined_by_party", "not_suitable", "withdrawn"), ()),
    "exit_programme": (("completed", "dropped_out"), ()),
    "release_coordination": (("completed", "cancelled"), ()),
    "social_report": (("sent",), ("socialsoeg", "patrol", "other")),
    "psp_discussion": (("discussed", "not_discussed"), ()),
    "concern_conversation": (("held", "declined"), ()),
}
# The English source labels of the case types; the Danish names of interchange.md's table
# (UKN-screening, Tryghedsopfølgning, …) are their translations in the Danish catalogue.
ENGLISH_LABELS = {
    "ukn_screening": "UKN screening",
    "victim_followup": "Victim follow-up",
    "victim_support_referral": "Referral to Victim Support",
    "officer_request": "Order an officer",
    "restraining_order_request": "Request for a restraining order or area ban",
    "area_ban": "Area ban (behaviour causing insecurity)",
    "conflict_mediation": "Victim-offender mediation",
    "exit_programme": "Exit programme",
    "release_coordination": "KSP / Good release",
    "social_report": "Social report",
    "psp_discussion": "PSP discussion",
    "concern_conversation": "Concern conversation / crime-prevention conversation",
}

ALL_TYPES = sorted(CASE_TYPES)


def closing_paths(definition: CaseTypeDefinition) -> dict[str, list[str]]:
    """Shortest action path from creation to each closed state, by a BFS of the test's own."""
    start = next(t for t in definition.transitions if t.from_state is None).to_state
    paths: dict[str, list[str]] = {start: [CREATE]}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for t in definition.transitions:
            if t.from_state == state and t.to_state not in paths:
                paths[t.to_state] = [*paths[state], t.action]
                queue.append(t.to_state)
    return {code: path for code, path in paths.items() if code in definition.closed_states}


class TestDeclarations:
    def test_the_case_types_are_exactly_those_of_the_interchange_format(self) -> None:
        assert set(CASE_TYPES) == set(INTERCHANGE_CASE_TYPES)

    @pytest.mark.parametrize("code", ALL_TYPES)
    def test_outcomes_and_origins_match_the_interchange_format(self, code: str) -> None:
        outcomes, origins = INTERCHANGE_CASE_TYPES[code]
        assert CASE_TYPES[code].code == code
        assert CASE_TYPES[code].outcomes == outcomes
        assert CASE_TYPES[code].origins == origins

    @pytest.mark.parametrize("code", ALL_TYPES)
    def test_labels_are_lazy_english_source_strings(self, code: str) -> None:
        definition = CASE_TYPES[code]
        assert isinstance(definition.label, Promise)
        with translation.override("en"):
            assert str(definition.label) == ENGLISH_LABELS[code]
            for state in definition.states:
                assert isinstance(state.label, Promise)
                assert str(state.label).isascii()
            for transition in definition.transitions:
                assert isinstance(transition.label, Promise)
                assert str(transition.label).isascii()

    @pytest.mark.parametrize("code", ALL_TYPES)
    def test_every_case_type_can_be_opened_and_closed(self, code: str) -> None:
        paths = closing_paths(CASE_TYPES[code])
        assert paths, f"{code} has no path from creation to a closed state"

    @pytest.mark.parametrize("code", ALL_TYPES)
    def test_every_closed_state_is_reachable(self, code: str) -> None:
        assert set(closing_paths(CASE_TYPES[code])) == CASE_TYPES[code].closed_states

    @pytest.mark.parametrize("code", ALL_TYPES)
    def test_readers_administrators_and_island_constables_never_move_a_case(
        self, code: str
    ) -> None:
        for t in CASE_TYPES[code].transitions:
            assert not t.allowed_roles & NON_ACTING_ROLES
            assert "administrator" not in t.allowed_roles
            assert t.allowed_roles <= ROLE_CODES | {SYSTEM_ROLE}

    def test_deadlines(self) -> None:
        assert CASE_TYPES["ukn_screening"].deadline == DeadlineRule(30, "calendar", (7, 3))
        exit_rule = CASE_TYPES["exit_programme"].deadline
        assert exit_rule is not None
        assert (exit_rule.days, exit_rule.unit) == (365, "calendar")
        area_ban = CASE_TYPES["area_ban"].deadline
        assert area_ban is not None
        assert (area_ban.days, area_ban.extension_days, area_ban.max_total_months) == (30, 30, 6)
        assert CASE_TYPES["victim_followup"].deadline is None

    def test_only_a_strakstilhold_has_a_deadline(self) -> None:
        definition = CASE_TYPES["restraining_order_request"]
        immediate = definition.deadline_rule({"variant": "immediate"})
        assert immediate is not None
        assert (immediate.days, immediate.unit) == (60, "calendar")
        assert definition.deadline_rule({"variant": "ordinary"}) is None
        assert definition.deadline_rule() is None

    def test_the_ukn_screening_needs_a_crime_class(self) -> None:
        assert CASE_TYPES["ukn_screening"].extra_fields == ("crime_class",)

    def test_owners(self) -> None:
        owners = {code: d.owner_kind for code, d in CASE_TYPES.items()}
        assert owners["conflict_mediation"] == "mediation"
        assert owners["release_coordination"] == "prison_probation"
        assert owners["psp_discussion"] == "municipality"
        assert owners["ukn_screening"] == "police"
        assert "victim_support" in CASE_TYPES["victim_support_referral"].participant_kinds

    def test_role_and_organisation_codes_are_those_of_the_project(self) -> None:
        from samspil.accounts.constants import Role
        from samspil.organisations.constants import OrganisationKind

        assert set(Role.values) == ROLE_CODES
        assert set(OrganisationKind.values) == ORGANISATION_KINDS
        assert SYSTEM_ROLE not in Role.values

    def test_the_registry_is_read_only(self) -> None:
        with pytest.raises(TypeError):
            CASE_TYPES["x"] = CASE_TYPES["area_ban"]  # type: ignore[index]


class TestContradictoryDeclarationsAreRefused:
    states = (State("open", "Open"), State("closed", "Closed", is_closed=True))

    def make(self, *transitions: Transition) -> CaseTypeDefinition:
        return CaseTypeDefinition(
            code="test",
            label="Test",
            states=self.states,
            initial_state="open",
            transitions=transitions,
            outcomes=("done",),
            owner_kind="police",
        )

    def create(self) -> Transition:
        return Transition(None, "open", CREATE, "Create", frozenset({"caseworker"}))

    def test_a_valid_minimal_definition(self) -> None:
        close = Transition(
            "open",
            "closed",
            "close",
            "Close",
            frozenset({"caseworker"}),
            requires_outcome=True,
            outcomes=("done",),
        )
        assert self.make(self.create(), close).closed_states == {"closed"}

    def test_closing_without_an_outcome(self) -> None:
        close = Transition("open", "closed", "close", "Close", frozenset({"caseworker"}))
        with pytest.raises(ValueError, match="outcome"):
            self.make(self.create(), close)

    def test_a_reader_in_a_step(self) -> None:
        close = Transition(
            "open",
            "closed",
            "close",
            "Close",
            frozenset({"analyst"}),
            requires_outcome=True,
            outcomes=("done",),
        )
        with pytest.raises(ValueError, match="never move"):
            self.make(self.create(), close)

    def test_a_dead_end(self) -> None:
        with pytest.raises(ValueError):
            self.make(self.create())

    def test_an_undeclared_guard_field(self) -> None:
        close = Transition(
            "open",
            "closed",
            "close",
            "Close",
            frozenset({"caseworker"}),
            required_fields=("typo",),
            requires_outcome=True,
            outcomes=("done",),
        )
        with pytest.raises(ValueError, match="undeclared"):
            self.make(self.create(), close)


def check(
    code: str,
    from_state: str | None,
    action: str,
    roles: set[str],
    fields: dict[str, object] | None = None,
    outcome: str | None = None,
) -> Transition:
    return check_transition(
        CASE_TYPES[code],
        from_state=from_state,
        action=action,
        actor_roles=roles,
        fields=fields or {},
        outcome=outcome,
    )


def refusal(excinfo: pytest.ExceptionInfo[TransitionError]) -> str:
    return excinfo.value.code


OFFICER = {"prevention_officer"}
CASEWORKER = {"caseworker"}


class TestCheckTransition:
    def test_it_allows_a_ukn_screening_with_crime_class_and_outcome(self) -> None:
        step = check(
            "ukn_screening",
            "open",
            "screen",
            OFFICER,
            {"crime_class": "personfarlig"},
            "referred_both",
        )
        assert step.to_state == "screened"

    def test_it_refuses_an_unknown_action(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("ukn_screening", "open", "launch", OFFICER)
        assert refusal(excinfo) == "unknown_action"
        assert "launch" in str(excinfo.value)

    def test_it_refuses_an_unknown_state(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("ukn_screening", "limbo", "screen", OFFICER)
        assert refusal(excinfo) == "unknown_state"

    def test_it_refuses_an_action_from_the_wrong_state(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("officer_request", "received", "accommodate", OFFICER, outcome="accommodated")
        assert refusal(excinfo) == "action_not_allowed"

    def test_it_refuses_a_step_out_of_a_closed_case(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("ukn_screening", "screened", "screen", OFFICER, {"crime_class": "anden"}, "x")
        assert refusal(excinfo) == "action_not_allowed"

    @pytest.mark.parametrize("role", ["analyst", "dpo", "island_constable", "administrator"])
    def test_it_refuses_roles_that_do_not_move_cases(self, role: str) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check(
                "ukn_screening", "open", "screen", {role}, {"crime_class": "anden"}, "not_relevant"
            )
        assert refusal(excinfo) == "role_not_allowed"

    def test_it_refuses_a_mediator_on_a_police_case(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("area_ban", "active", "revoke", {"mediator"}, outcome="revoked")
        assert refusal(excinfo) == "role_not_allowed"

    def test_one_matching_role_is_enough(self) -> None:
        check("area_ban", "active", "revoke", {"analyst", "prevention_officer"}, outcome="revoked")

    @pytest.mark.parametrize("blank", [None, "", "   ", [], {}])
    def test_it_refuses_a_missing_required_field(self, blank: object) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check(
                "ukn_screening", "open", "screen", OFFICER, {"crime_class": blank}, "not_relevant"
            )
        assert refusal(excinfo) == "field_required"
        assert excinfo.value.field == "crime_class"
        assert "crime_class" in str(excinfo.value)

    def test_it_refuses_a_missing_outcome(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("ukn_screening", "open", "screen", OFFICER, {"crime_class": "anden"})
        assert refusal(excinfo) == "outcome_required"

    def test_it_refuses_an_outcome_of_another_case_type(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("ukn_screening", "open", "screen", OFFICER, {"crime_class": "anden"}, "granted")
        assert refusal(excinfo) == "invalid_outcome"

    def test_it_refuses_an_outcome_that_belongs_to_another_step(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("officer_request", "triaged", "accommodate", OFFICER, outcome="declined")
        assert refusal(excinfo) == "invalid_outcome"

    def test_it_refuses_an_outcome_on_a_step_that_does_not_close(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("officer_request", "received", "triage", OFFICER, outcome="accommodated")
        assert refusal(excinfo) == "outcome_not_expected"

    def test_opening_an_officer_request_needs_a_known_origin(self) -> None:
        step = check("officer_request", None, CREATE, {SYSTEM_ROLE}, {"origin": "mopeds"})
        assert step.to_state == "received"
        with pytest.raises(TransitionError) as excinfo:
            check("officer_request", None, CREATE, {SYSTEM_ROLE}, {})
        assert refusal(excinfo) == "field_required"
        with pytest.raises(TransitionError) as excinfo:
            check("officer_request", None, CREATE, OFFICER, {"origin": "socialsoeg"})
        assert refusal(excinfo) == "invalid_origin"

    def test_an_origin_on_a_case_type_without_origins_is_refused(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("area_ban", "active", "revoke", OFFICER, {"origin": "patrol"}, "revoked")
        assert refusal(excinfo) == "invalid_origin"

    def test_an_exit_programme_is_for_adults_only(self) -> None:
        check("exit_programme", None, CREATE, OFFICER, {"subject_is_adult": True})
        for value in (False, None, "yes"):
            with pytest.raises(TransitionError) as excinfo:
                check("exit_programme", None, CREATE, OFFICER, {"subject_is_adult": value})
            assert refusal(excinfo) == "condition_not_met"

    def test_a_victim_support_referral_needs_consent(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("victim_support_referral", "created", "refer", OFFICER, {}, "referred")
        assert refusal(excinfo) == "field_required"
        check(
            "victim_support_referral",
            "created",
            "refer",
            OFFICER,
            {"consent_at": date(2025, 3, 1)},
            "referred",
        )

    def test_mediation_with_a_minor_needs_the_guardians_consent(self) -> None:
        fields: dict[str, object] = {
            "victim_consent_at": date(2025, 3, 1),
            "offender_consent_at": date(2025, 3, 2),
            "victim_is_minor": False,
            "offender_is_minor": True,
            "offender_admits_offence": True,
        }
        with pytest.raises(TransitionError) as excinfo:
            check("conflict_mediation", "visitation", "record_consent", CASEWORKER, fields)
        assert refusal(excinfo) == "field_required"
        assert excinfo.value.field == "offender_guardian_consent_at"
        fields["offender_guardian_consent_at"] = date(2025, 3, 3)
        step = check("conflict_mediation", "visitation", "record_consent", CASEWORKER, fields)
        assert step.to_state == "consent"

    def test_whether_a_party_is_a_minor_must_be_stated(self) -> None:
        fields: dict[str, object] = {
            "victim_consent_at": date(2025, 3, 1),
            "offender_consent_at": date(2025, 3, 2),
            "offender_is_minor": False,
            "offender_admits_offence": True,
        }
        with pytest.raises(TransitionError) as excinfo:
            check("conflict_mediation", "visitation", "record_consent", CASEWORKER, fields)
        assert excinfo.value.field == "victim_is_minor"

    def test_an_area_ban_is_extended_at_most_to_six_months(self) -> None:
        fields: dict[str, object] = {
            "opened_at": date(2025, 1, 1),
            "extension_reason": "breach",
        }
        state = "active"
        for extensions in (0, 30, 60, 90, 120):
            fields["extensions_days"] = extensions
            state = check("area_ban", state, "extend", OFFICER, fields).to_state
        assert state == "extended"
        fields["extensions_days"] = 150
        with pytest.raises(TransitionError) as excinfo:
            check("area_ban", state, "extend", OFFICER, fields)
        assert refusal(excinfo) == "extension_limit"

    def test_the_system_may_expire_an_area_ban(self) -> None:
        assert check("area_ban", "extended", "expire", {SYSTEM_ROLE}, outcome="expired").to_state
        with pytest.raises(TransitionError):
            check("area_ban", "extended", "revoke", {SYSTEM_ROLE}, outcome="revoked")

    def test_a_sent_social_report_is_acknowledged_by_the_municipality(self) -> None:
        send = check(
            "social_report",
            "drafted",
            "send",
            {"socialsoeg_reviewer"},
            {"origin": "socialsoeg", "recipient_municipality_code": "265"},
            "sent",
        )
        assert send.to_state == "sent"
        assert "sent" in CASE_TYPES["social_report"].closed_states
        ack = check("social_report", "sent", "acknowledge", CASEWORKER, {"origin": "socialsoeg"})
        assert ack.to_state == "acknowledged"

    def test_victim_followup_contact_attempts_repeat(self) -> None:
        state = check("victim_followup", "open", "attempt_contact", OFFICER).to_state
        state = check("victim_followup", state, "attempt_contact", OFFICER).to_state
        closed = check("victim_followup", state, "close", OFFICER, outcome="not_reached")
        assert closed.to_state == "closed"
        with pytest.raises(TransitionError) as excinfo:
            check("victim_followup", "open", "close", OFFICER, outcome="not_reached")
        assert refusal(excinfo) == "action_not_allowed"

    def test_error_messages_are_lazy_and_translatable(self) -> None:
        with pytest.raises(TransitionError) as excinfo:
            check("ukn_screening", "open", "screen", {"dpo"})
        assert isinstance(excinfo.value.message, Promise)
        assert str(excinfo.value) == str(_("Your role does not allow this step on this case type."))


class TestAllowedActions:
    def test_an_officer_on_a_new_officer_request(self) -> None:
        actions = [
            t.action for t in allowed_actions(CASE_TYPES["officer_request"], "received", OFFICER)
        ]
        assert actions == ["triage", "decline", "withdraw"]

    def test_readers_get_nothing_anywhere(self) -> None:
        for definition in CASE_TYPES.values():
            for state in (None, *definition.state_codes):
                assert allowed_actions(definition, state, {"analyst", "dpo"}) == []

    def test_opening_is_listed_from_no_state(self) -> None:
        steps = allowed_actions(CASE_TYPES["social_report"], None, {"socialsoeg_reviewer"})
        assert [t.action for t in steps] == [CREATE]

    def test_the_municipality_acknowledges(self) -> None:
        steps = allowed_actions(CASE_TYPES["social_report"], "sent", CASEWORKER)
        assert [t.action for t in steps] == ["acknowledge"]


@pytest.mark.parametrize(
    ("value", "blank"),
    [(None, True), ("", True), (" ", True), ([], True), (False, False), (0, False), ("x", False)],
)
def test_what_counts_as_blank(value: object, blank: bool) -> None:
    assert is_blank(value) is blank

"""The workflow engine: what a case type is, and the one function that enforces it.

Case types are data (``definitions.py``); this module holds the shapes of that data and
``check_transition``, the single place where "may this person do this to this case now?" is
answered. The service that writes a status change calls it inside its transaction and records the
returned ``Transition``; nothing else decides.

No ORM here. Translations are lazy, so importing this module needs no settings; turning a label or
an error message into text does.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samspil.cases.deadlines import DeadlineRule, extension_allowed

# A label is either plain text or a lazy translation.
Label = str | Promise

# The user roles of the platform: accounts.constants.Role as plain codes, so that the engine needs
# no model import (a test pins the two together). The organisation a role is held in (a caseworker
# in a municipality, in Kriminalforsorgen or in the Konfliktråd) is the access layer's business;
# the engine only asks whether the role may take a step at all.
ROLE_CODES: frozenset[str] = frozenset(
    {
        "prevention_officer",
        "socialsoeg_reviewer",
        "ssp_coordinator",
        "psp_coordinator",
        "caseworker",
        "mediator",
        "analyst",
        "dpo",
        "administrator",
        "island_constable",
    }
)
# Roles that read (analyst, dpo) or only report incidents (island_constable): they never move a
# case. The definitions are checked against this at import time.
NON_ACTING_ROLES: frozenset[str] = frozenset({"analyst", "dpo", "island_constable"})
# Not a user role and never held by a user: the actor of automatic steps (a new UKN screening
# from an incident, the citizen "Bestil en betjent" form, a ban expiring). A service passes it
# explicitly, so an automatic step is still checked against the case type's table.
SYSTEM_ROLE = "system"

# organisations.constants.OrganisationKind, likewise pinned by a test.
ORGANISATION_KINDS: frozenset[str] = frozenset(
    {
        "police",
        "municipality",
        "psychiatry",
        "prison_probation",
        "prosecution",
        "mediation",
        "victim_support",
        "housing",
        "island_constable",
    }
)
OwnerKind = Literal["police", "municipality", "mediation", "victim_support", "prison_probation"]
OWNER_KINDS: frozenset[str] = frozenset(
    {"police", "municipality", "mediation", "victim_support", "prison_probation"}
)
Confidentiality = Literal["normal", "sensitive"]
CONFIDENTIALITY_LEVELS: frozenset[str] = frozenset({"normal", "sensitive"})

# The action that brings a case into existence. Modelling creation as a transition from "no
# state" (None) lets the same table say who may open a case and what must be known at once.
CREATE = "create"

# Attributes every case has, which guards may read without a case type declaring them.
CORE_FIELDS: frozenset[str] = frozenset({"origin", "opened_at", "extensions_days"})


@dataclass(frozen=True)
class State:
    code: str
    label: Label
    is_closed: bool = False


@dataclass(frozen=True)
class Transition:
    """One allowed step: from a state (None = creation) to a state, by an action.

    ``required_fields`` must be non-blank (see ``is_blank``); ``required_if`` pairs say "when the
    first field is truthy the second is required" (guardian consent for a minor);
    ``must_be_true`` fields must be exactly True (the subject is an adult). ``outcomes`` are the
    outcome codes this step accepts; a step that closes a case always requires one.
    ``extends_deadline`` adds one extension of the case type's deadline rule, refused past its cap.
    """

    from_state: str | None
    to_state: str
    action: str
    label: Label
    allowed_roles: frozenset[str]
    required_fields: tuple[str, ...] = ()
    required_if: tuple[tuple[str, str], ...] = ()
    must_be_true: tuple[str, ...] = ()
    requires_outcome: bool = False
    outcomes: tuple[str, ...] = ()
    extends_deadline: bool = False

    @property
    def is_creation(self) -> bool:
        return self.from_state is None


class TransitionError(Exception):
    """A refused step. ``code`` is stable for programs; ``message`` is for people."""

    def __init__(self, code: str, message: Label, *, field: str | None = None) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        # Lets a form put the error next to the field that is missing.
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class CaseTypeDefinition:
    """Everything the platform knows about one case type, validated when it is declared."""

    code: str
    label: Label
    states: tuple[State, ...]
    initial_state: str
    transitions: tuple[Transition, ...]
    outcomes: tuple[str, ...]
    owner_kind: OwnerKind
    origins: tuple[str, ...] = ()
    deadline: DeadlineRule | None = None
    # A field whose value picks another deadline rule (a strakstilhold has 60 days, an ordinary
    # request none). Pairs rather than a dict keep the definition hashable and immutable.
    variant_field: str | None = None
    variant_deadlines: tuple[tuple[str, DeadlineRule], ...] = ()
    confidentiality: Confidentiality = "normal"
    # Organisation kinds that take part besides the owner (they receive the referral, acknowledge
    # the report, sit in the forum). What each may see is decided by the access layer.
    participant_kinds: tuple[str, ...] = ()
    extra_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _validate(self)

    def state(self, code: str) -> State:
        for state in self.states:
            if state.code == code:
                return state
        raise KeyError(code)

    @property
    def state_codes(self) -> frozenset[str]:
        return frozenset(state.code for state in self.states)

    @property
    def closed_states(self) -> frozenset[str]:
        return frozenset(state.code for state in self.states if state.is_closed)

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(transition.action for transition in self.transitions)

    def transitions_from(self, state: str | None) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if t.from_state == state)

    def deadline_rule(self, fields: Mapping[str, object] | None = None) -> DeadlineRule | None:
        """The rule for a case with these field values (its variant's rule, if it has one)."""
        if self.variant_field is not None and fields is not None:
            variant = fields.get(self.variant_field)
            for value, rule in self.variant_deadlines:
                if value == variant:
                    return rule
        return self.deadline


def is_blank(value: object) -> bool:
    """Missing for a guard: None, whitespace-only text or an empty collection.

    False and 0 are answers, not gaps ("the victim is not a minor", "no extensions yet"), so they
    count as present; a consent is recorded as a date, never as a boolean, for the same reason.
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset | dict):
        return len(value) == 0
    return False


def reachable_states(definition: CaseTypeDefinition, start: str | None = None) -> frozenset[str]:
    """States reachable from ``start`` (default: the initial state), ``start`` included."""
    origin = definition.initial_state if start is None else start
    seen = {origin}
    queue = deque([origin])
    while queue:
        current = queue.popleft()
        for transition in definition.transitions_from(current):
            if transition.to_state not in seen:
                seen.add(transition.to_state)
                queue.append(transition.to_state)
    return frozenset(seen)


def allowed_actions(
    definition: CaseTypeDefinition, state: str | None, actor_roles: Iterable[str]
) -> list[Transition]:
    """The steps these roles may try from ``state`` (None = opening a case), in declared order.

    Field and outcome guards are not applied: the UI shows the button and the form asks for what
    is missing. ``check_transition`` is still the gate.
    """
    roles = frozenset(actor_roles)
    return [t for t in definition.transitions_from(state) if roles & t.allowed_roles]


def check_transition(
    definition: CaseTypeDefinition,
    *,
    from_state: str | None,
    action: str,
    actor_roles: Iterable[str],
    fields: Mapping[str, object],
    outcome: str | None,
) -> Transition:
    """Return the step if it is allowed, else raise ``TransitionError``.

    ``fields`` are the case's values as they will be after the step (including ``opened_at`` and
    ``extensions_days`` where a guard needs them); ``from_state`` None means opening a new case.
    Error codes: unknown_state, unknown_action, action_not_allowed, role_not_allowed,
    field_required, condition_not_met, invalid_origin, outcome_required, invalid_outcome,
    outcome_not_expected, extension_limit.
    """
    if from_state is not None and from_state not in definition.state_codes:
        raise TransitionError(
            "unknown_state",
            format_lazy(_("Unknown state {state} for this case type."), state=from_state),
        )
    if action not in definition.actions:
        raise TransitionError(
            "unknown_action",
            format_lazy(_("Unknown action {action} for this case type."), action=action),
        )
    transition = next(
        (t for t in definition.transitions_from(from_state) if t.action == action), None
    )
    if transition is None:
        raise TransitionError(
            "action_not_allowed",
            format_lazy(
                _("The action {action} is not possible in the case's current state."),
                action=action,
            ),
        )
    if not frozenset(actor_roles) & transition.allowed_roles:
        raise TransitionError(
            "role_not_allowed", _("Your role does not allow this step on this case type.")
        )
    _check_fields(definition, transition, fields)
    _check_outcome(transition, outcome)
    if transition.extends_deadline:
        _check_extension(definition, fields)
    return transition


def _field_required(name: str) -> TransitionError:
    return TransitionError(
        "field_required",
        format_lazy(_("The field {field} is required for this step."), field=name),
        field=name,
    )


def _check_fields(
    definition: CaseTypeDefinition, transition: Transition, fields: Mapping[str, object]
) -> None:
    for name in transition.required_fields:
        if is_blank(fields.get(name)):
            raise _field_required(name)
    for condition, name in transition.required_if:
        if fields.get(condition) and is_blank(fields.get(name)):
            raise _field_required(name)
    for name in transition.must_be_true:
        if fields.get(name) is not True:
            raise TransitionError(
                "condition_not_met",
                format_lazy(_("The condition {field} must be met for this step."), field=name),
                field=name,
            )
    origin = fields.get("origin")
    if not is_blank(origin) and origin not in definition.origins:
        raise TransitionError(
            "invalid_origin",
            format_lazy(_("{origin} is not a valid origin for this case type."), origin=origin),
            field="origin",
        )


def _check_outcome(transition: Transition, outcome: str | None) -> None:
    if not transition.requires_outcome:
        # An outcome on a step that does not close the case would be recorded nowhere or,
        # worse, overwrite the outcome a case already closed with.
        if outcome is not None:
            raise TransitionError("outcome_not_expected", _("This step does not take an outcome."))
        return
    if is_blank(outcome):
        raise TransitionError("outcome_required", _("Choose an outcome to close the case."))
    if outcome not in transition.outcomes:
        raise TransitionError(
            "invalid_outcome",
            format_lazy(_("{outcome} is not a valid outcome for this step."), outcome=outcome),
        )


def _check_extension(definition: CaseTypeDefinition, fields: Mapping[str, object]) -> None:
    rule = definition.deadline_rule(fields)
    opened = fields.get("opened_at")
    extensions = fields.get("extensions_days")
    # The declaration guarantees both are required fields, so reaching here with other types is a
    # programming error in the caller rather than a user's mistake.
    if not isinstance(opened, date) or not isinstance(extensions, int):
        raise TypeError("opened_at must be a date or datetime and extensions_days an int")
    if rule is None or not extension_allowed(rule, opened, extensions):
        raise TransitionError(
            "extension_limit", _("The deadline cannot be extended beyond its maximum period.")
        )


def _validate(definition: CaseTypeDefinition) -> None:
    """Refuse a contradictory declaration at import time, not when a user meets it."""
    code = definition.code

    def fail(message: str) -> None:
        raise ValueError(f"case type {code}: {message}")

    codes = [state.code for state in definition.states]
    if len(codes) != len(set(codes)):
        fail("duplicate state codes")
    states = {state.code: state for state in definition.states}
    closed = {c for c, s in states.items() if s.is_closed}
    if definition.initial_state not in states or definition.initial_state in closed:
        fail("the initial state must be a declared open state")
    if not closed:
        fail("no closed state")
    if len(set(definition.outcomes)) != len(definition.outcomes) or not definition.outcomes:
        fail("outcomes must be non-empty and unique")
    if definition.owner_kind not in OWNER_KINDS:
        fail(f"unknown owner kind {definition.owner_kind}")
    if not set(definition.participant_kinds) <= ORGANISATION_KINDS:
        fail("unknown participant kind")
    if definition.confidentiality not in CONFIDENTIALITY_LEVELS:
        fail("unknown confidentiality")
    if definition.variant_field is not None and definition.variant_field not in (
        definition.extra_fields
    ):
        fail("the variant field must be one of the extra fields")
    known_fields = set(definition.extra_fields) | CORE_FIELDS

    keys: set[tuple[str | None, str]] = set()
    used_outcomes: set[str] = set()
    for t in definition.transitions:
        where = f"{t.from_state}-{t.action}->{t.to_state}"
        if (t.from_state, t.action) in keys:
            fail(f"{where}: action declared twice from the same state")
        keys.add((t.from_state, t.action))
        if t.from_state is not None and t.from_state not in states:
            fail(f"{where}: unknown from_state")
        if t.to_state not in states:
            fail(f"{where}: unknown to_state")
        if t.is_creation and (t.action != CREATE or t.to_state != definition.initial_state):
            fail(f"{where}: creation must be '{CREATE}' into the initial state")
        if not t.is_creation and t.action == CREATE:
            fail(f"{where}: '{CREATE}' is reserved for opening a case")
        if not t.allowed_roles or not t.allowed_roles <= ROLE_CODES | {SYSTEM_ROLE}:
            fail(f"{where}: roles must be non-empty known role codes")
        if t.allowed_roles & NON_ACTING_ROLES:
            fail(f"{where}: {sorted(t.allowed_roles & NON_ACTING_ROLES)} never move a case")
        guarded = {
            *t.required_fields,
            *t.must_be_true,
            *(n for pair in t.required_if for n in pair),
        }
        if not guarded <= known_fields:
            fail(f"{where}: guard names undeclared fields {sorted(guarded - known_fields)}")
        from_closed = t.from_state in closed
        to_closed = t.to_state in closed
        if from_closed and not to_closed:
            fail(f"{where}: reopening a closed case is not a declared flow")
        # Closing is the moment an outcome is recorded, and only then: a closed case always has
        # exactly the outcome it was closed with.
        closing = to_closed and not from_closed
        if t.requires_outcome != closing or bool(t.outcomes) != closing:
            fail(f"{where}: a step requires an outcome exactly when it closes the case")
        if not set(t.outcomes) <= set(definition.outcomes):
            fail(f"{where}: outcome not in the case type's list")
        used_outcomes.update(t.outcomes)
        if t.extends_deadline:
            rule = definition.deadline
            if rule is None or rule.extension_days <= 0:
                fail(f"{where}: extends a deadline that cannot be extended")
            if not {"opened_at", "extensions_days"} <= set(t.required_fields):
                fail(f"{where}: an extension needs opened_at and extensions_days")
    if not any(t.is_creation for t in definition.transitions):
        fail("no creation step")
    if used_outcomes != set(definition.outcomes):
        fail(f"outcomes no step can record: {sorted(set(definition.outcomes) - used_outcomes)}")
    reachable = reachable_states(definition)
    if reachable != set(states):
        fail(f"unreachable states: {sorted(set(states) - reachable)}")
    for state in reachable - closed:
        if not reachable_states(definition, state) & closed:
            fail(f"no way to close a case from {state}")

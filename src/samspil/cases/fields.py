"""The type-specific fields of a case (``Case.fields``): their kinds, labels and how to clean them.

The workflow definitions name the fields a step needs; this module says what a value of each one
looks like, so that a form, the API and the importer all turn "2025-03-01", "true" or "500" into
the same stored JSON value before ``check_transition`` judges it. Pure: no ORM.

Stored values are JSON-friendly: dates as ISO strings, booleans as ``True``/``False``, whole
numbers as ``int``, multiple choices as a list of codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samspil.cases.workflows import (
    AREA_BAN_MAX_RADIUS_M,
    CRIME_CLASSES,
    EXIT_PLAN_ELEMENTS,
    RESTRAINING_ORDER_KINDS,
    RESTRAINING_ORDER_VARIANTS,
    CaseTypeDefinition,
    Label,
    Transition,
)

FieldKind = Literal["date", "bool", "int", "choice", "multichoice", "text"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Label
    kind: FieldKind
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 500


FIELD_SPECS: Mapping[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("crime_class", _("Crime class"), "choice", CRIME_CLASSES),
        FieldSpec("consent_at", _("Consent given on"), "date"),
        FieldSpec("requested_date", _("Requested date"), "date"),
        FieldSpec("location", _("Location"), "text"),
        FieldSpec("variant", _("Variant"), "choice", RESTRAINING_ORDER_VARIANTS),
        FieldSpec("order_kind", _("Kind of order"), "choice", RESTRAINING_ORDER_KINDS),
        FieldSpec("area", _("Area"), "text"),
        FieldSpec(
            "radius_m", _("Radius in metres"), "int", minimum=1, maximum=AREA_BAN_MAX_RADIUS_M
        ),
        FieldSpec("extension_reason", _("Reason for the extension"), "text"),
        FieldSpec("victim_consent_at", _("Victim's consent given on"), "date"),
        FieldSpec("offender_consent_at", _("Offender's consent given on"), "date"),
        FieldSpec("victim_is_minor", _("The victim is under 18"), "bool"),
        FieldSpec("offender_is_minor", _("The offender is under 18"), "bool"),
        FieldSpec("victim_guardian_consent_at", _("Victim's guardian consented on"), "date"),
        FieldSpec("offender_guardian_consent_at", _("Offender's guardian consented on"), "date"),
        FieldSpec(
            "offender_admits_offence", _("The offender has in essence admitted the offence"), "bool"
        ),
        FieldSpec("mediator", _("Mediator"), "text", max_length=150),
        FieldSpec("meeting_date", _("Date of the meeting"), "date"),
        FieldSpec("agreement", _("Written agreement"), "text", max_length=4000),
        FieldSpec("subject_is_adult", _("The person is 18 or older"), "bool"),
        FieldSpec("plan_elements", _("Plan elements"), "multichoice", EXIT_PLAN_ELEMENTS),
        FieldSpec("release_date", _("Release date"), "date"),
        FieldSpec("institution", _("Institution"), "text", max_length=200),
        FieldSpec(
            "recipient_municipality_code", _("Receiving municipality (code)"), "text", max_length=3
        ),
    )
}

# Labels of the closed lists' codes, for select boxes.
CHOICE_LABELS: Mapping[str, Label] = {
    "personfarlig": _("Crime dangerous to persons"),
    "anden_alvorlig": _("Other serious crime"),
    "anden": _("Other crime"),
    "ordinary": _("Ordinary"),
    "immediate": _("Immediate (strakstilhold)"),
    "tilhold": _("Restraining order"),
    "opholdsforbud": _("Area ban"),
    "tilhold_og_opholdsforbud": _("Restraining order and area ban"),
    "housing": _("Housing"),
    "education": _("Education"),
    "employment": _("Employment"),
    "addiction_treatment": _("Addiction treatment"),
    "psychiatric_help": _("Psychiatric help"),
    "debt_plan": _("Debt plan"),
    "mentor": _("Mentor"),
}

# Outcome and origin codes of interchange.md, with labels for people.
OUTCOME_LABELS: Mapping[str, Label] = {
    "referred_ukn": _("Referred to the youth crime board"),
    "referred_prosecution": _("Referred to the prosecution"),
    "referred_both": _("Referred to the board and the prosecution"),
    "not_relevant": _("Not relevant"),
    "contacted": _("Contacted"),
    "not_reached": _("Not reached"),
    "declined": _("Declined"),
    "referred": _("Referred"),
    "accommodated": _("Accommodated"),
    "withdrawn": _("Withdrawn"),
    "granted": _("Granted"),
    "refused": _("Refused"),
    "expired": _("Expired"),
    "revoked": _("Revoked"),
    "breached": _("Breached"),
    "mediated": _("Mediated"),
    "declined_by_party": _("Declined by a party"),
    "not_suitable": _("Not suitable"),
    "completed": _("Completed"),
    "dropped_out": _("Dropped out"),
    "cancelled": _("Cancelled"),
    "sent": _("Sent"),
    "discussed": _("Discussed"),
    "not_discussed": _("Not discussed"),
    "held": _("Held"),
}
ORIGIN_LABELS: Mapping[str, Label] = {
    "traffic_control": _("Traffic control"),
    "talk_burglary": _("Talk on burglary"),
    "talk_it_crime": _("Talk on IT crime"),
    "event_presence": _("Presence at a local event"),
    "mopeds": _("Nuisance mopeds"),
    "other": _("Other"),
    "socialsoeg": _("Socialsøg"),
    "patrol": _("Patrol"),
}

_TRUE = frozenset({"true", "1", "yes", "on", "ja"})
_FALSE = frozenset({"false", "0", "no", "off", "nej"})


def spec_of(name: str) -> FieldSpec:
    return FIELD_SPECS.get(name) or FieldSpec(name, name, "text")


def fields_for_step(transition: Transition) -> tuple[str, ...]:
    """The type-specific fields a user fills in for this step, in a stable order.

    ``opened_at`` and ``extensions_days`` are the case's own columns, never typed in.
    """
    names: list[str] = []
    for name in (
        *transition.required_fields,
        *(pair[0] for pair in transition.required_if),
        *(pair[1] for pair in transition.required_if),
        *transition.must_be_true,
    ):
        if name not in names and name not in {"opened_at", "extensions_days", "origin"}:
            names.append(name)
    return tuple(names)


def clean_value(name: str, value: Any) -> Any:
    """The stored form of one value, or ValidationError naming the field. Blank → None."""
    spec = spec_of(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        # Unanswered is not "no": a guard that needs the answer must still see it missing.
        return None
    try:
        return _clean(spec, value)
    except (TypeError, ValueError):
        raise ValidationError(
            {name: [format_lazy(_("{label}: the value is not valid."), label=spec.label)]}
        ) from None


def _clean(spec: FieldSpec, value: Any) -> Any:
    if spec.kind == "date":
        if isinstance(value, date):
            return value.isoformat()
        return date.fromisoformat(str(value).strip()[:10]).isoformat()
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(value)
    if spec.kind == "int":
        if isinstance(value, bool):
            raise ValueError(value)
        number = int(str(value).strip())
        if (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum
        ):
            raise ValueError(value)
        return number
    if spec.kind == "choice":
        text = str(value).strip()
        if text not in spec.choices:
            raise ValueError(value)
        return text
    if spec.kind == "multichoice":
        items = [value] if isinstance(value, str) else list(value)
        cleaned = [str(item).strip() for item in items if str(item).strip()]
        if any(item not in spec.choices for item in cleaned):
            raise ValueError(value)
        return sorted(set(cleaned), key=spec.choices.index)
    text = str(value).strip()
    if len(text) > spec.max_length:
        raise ValueError(value)
    return text


def clean_fields(definition: CaseTypeDefinition, values: Mapping[str, Any]) -> dict[str, Any]:
    """Clean every given value; unknown names are an error (a typo must not drop data)."""
    known = set(definition.extra_fields)
    errors: dict[str, list[Any]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name not in known:
            errors.setdefault(name, []).append(
                format_lazy(_("{field} is not a field of this case type."), field=name)
            )
            continue
        try:
            cleaned[name] = clean_value(name, value)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned

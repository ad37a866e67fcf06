"""Forms of the case pages. They only shape input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.cases.fields import CHOICE_LABELS, ORIGIN_LABELS, OUTCOME_LABELS, spec_of
from samspil.cases.workflows import CASE_TYPES, CaseTypeDefinition, Transition
from samspil.core.widgets import Select
from samspil.organisations.models import Municipality

BLANK = [("", "—")]


def _state_choices() -> list[tuple[str, Any]]:
    seen: dict[str, Any] = {}
    for definition in CASE_TYPES.values():
        for state in definition.states:
            seen.setdefault(state.code, state.label)
    return BLANK + sorted(seen.items(), key=lambda item: str(item[1]))


class _FetchedChoices(forms.models.ModelChoiceIterator):
    """Choices from one plain query. Django's default iterates with ``.iterator()``, which on
    PostgreSQL opens a server-side cursor: three round trips for a list of a dozen rows, on a
    page (the queue) that is asked for many times a second."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class _FetchedModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    iterator = _FetchedChoices


class QueueFilterForm(forms.Form):
    # Python-rendered selects: the queue page is the busiest page, and these lists are long.
    case_type = forms.ChoiceField(label=_("Case type"), required=False, widget=Select)
    state = forms.ChoiceField(label=_("State"), required=False, widget=Select)
    municipality = _FetchedModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False,
        empty_label="—", widget=Select,
    )

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["case_type"]).choices = BLANK + [
            (code, d.label) for code, d in CASE_TYPES.items()
        ]
        cast(forms.ChoiceField, self.fields["state"]).choices = _state_choices()
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]


class BulkAssignForm(forms.Form):
    assigned_to: forms.ModelChoiceField[Any] = _FetchedModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), required=False,
        empty_label=_("Nobody (unassign)"), widget=Select,
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = users  # type: ignore[attr-defined]
        self.fields["assigned_to"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.username
        )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=10_000)


def detail_field(name: str, initial: Any = None, *, required: bool = False) -> forms.Field:
    """A form field for one type-specific case field (see cases.fields)."""
    spec = spec_of(name)
    label = cast(str, spec.label)
    field: forms.Field
    if spec.kind == "date":
        field = forms.DateField(label=label, required=required,
                                widget=forms.DateInput(attrs={"type": "date"}))
    elif spec.kind == "bool":
        # A select rather than a checkbox: "no" is an answer, and leaving it out must not be.
        field = forms.ChoiceField(
            label=label, required=required,
            choices=[*BLANK, ("true", _("Yes")), ("false", _("No"))],
        )
        if isinstance(initial, bool):
            initial = "true" if initial else "false"
    elif spec.kind == "int":
        field = forms.IntegerField(label=label, required=required,
                                   min_value=spec.minimum, max_value=spec.maximum)
    elif spec.kind == "choice":
        field = forms.ChoiceField(
            label=label, required=required,
            choices=[*BLANK, *((c, CHOICE_LABELS.get(c, c)) for c in spec.choices)],
        )
    elif spec.kind == "multichoice":
        field = forms.MultipleChoiceField(
            label=label, required=required, widget=forms.CheckboxSelectMultiple,
            choices=[(c, CHOICE_LABELS.get(c, c)) for c in spec.choices],
        )
    else:
        field = forms.CharField(label=label, required=required, max_length=spec.max_length)
    field.initial = initial
    return field


class TransitionForm(forms.Form):
    """The inputs one step needs: its guarded fields, the outcome when it closes, a note."""

    def __init__(
        self, *args: Any, transition: Transition, detail_names: tuple[str, ...],
        values: dict[str, Any], **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", f"step-{transition.action}")
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.detail_names = detail_names
        required = set(transition.required_fields)
        for name in detail_names:
            self.fields[name] = detail_field(name, values.get(name), required=name in required)
        if transition.requires_outcome:
            self.fields["outcome"] = forms.ChoiceField(
                label=_("Outcome"),
                choices=[*BLANK, *((o, OUTCOME_LABELS.get(o, o)) for o in transition.outcomes)],
            )
        self.fields["note"] = forms.CharField(
            label=_("Note (optional)"), required=False, max_length=4000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def detail_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.detail_names}


class OpenCaseForm(forms.Form):
    """Opening a case of one type by hand: who, where, and what its creation step needs."""

    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), empty_label="—"
    )
    person = forms.CharField(
        label=_("Person (person key)"), required=False, max_length=64,
        help_text=_("The person key shown on the person's page."),
    )
    journal_no = forms.CharField(label=_("Incident (journal number)"), required=False,
                                 max_length=40)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: Any, definition: CaseTypeDefinition, transition: Transition,
        detail_names: tuple[str, ...], municipalities: Any, **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.detail_names = detail_names
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        if definition.code != "officer_request":
            self.fields["person"].required = True
        if definition.origins:
            self.fields["origin"] = forms.ChoiceField(
                label=_("Origin"),
                required="origin" in transition.required_fields,
                choices=[*BLANK, *((o, ORIGIN_LABELS.get(o, o)) for o in definition.origins)],
            )
        required = set(transition.required_fields)
        for name in detail_names:
            self.fields[name] = detail_field(name, required=name in required)
        if "crime_class" in definition.extra_fields and "crime_class" not in self.fields:
            self.fields["crime_class"] = detail_field("crime_class")

    def detail_values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data.get(name) for name in self.detail_names}
        if "crime_class" in self.fields and "crime_class" not in values:
            values["crime_class"] = self.cleaned_data.get("crime_class")
        return {k: v for k, v in values.items() if v not in (None, "", [])}

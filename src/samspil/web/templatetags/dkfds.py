"""Template filters that render Django form widgets and paginators the DKFDS way.

Django 5.2 already sets ``required``, ``aria-invalid`` and ``aria-describedby`` (pointing at
``<id>_helptext`` and ``<id>_error``) on a bound field's widget; the templates in
``web/form_field.html`` give the hint and error those ids. What Django cannot know is the
design system's CSS class for each kind of control, which is what these filters add.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import template
from django.contrib.messages.storage.base import Message
from django.core.paginator import Page
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.safestring import SafeString

register = template.Library()

# Django's ``BoundField.widget_type`` (the widget class name without "Widget"/"Input",
# lower-cased) mapped to the DKFDS class for the control. Anything not listed is a text-like
# input and gets ``form-input``.
_WIDGET_CLASSES: dict[str, str] = {
    "checkbox": "form-checkbox",
    "select": "form-select",
    "selectmultiple": "form-select",
    "nullbooleanselect": "form-select",
    "radioselect": "form-radio",
    "checkboxselectmultiple": "form-checkbox",
    # DKFDS styles file inputs through a button wrapper we do not use; leave them native.
    "file": "",
    "clearablefile": "",
}


def _dkfds_class(field: BoundField) -> str:
    return _WIDGET_CLASSES.get(field.widget_type, "form-input")


def _merge_class(existing: str | None, extra: str) -> str:
    return " ".join(part for part in (existing or "", extra) if part)


@register.filter
def dkfds_widget(field: BoundField) -> SafeString:
    """Render the field's widget with its DKFDS class added to any class it already has."""
    css_class = _dkfds_class(field)
    if not css_class:
        return field.as_widget()
    return field.as_widget(
        attrs={"class": _merge_class(field.field.widget.attrs.get("class"), css_class)}
    )


@register.filter
def dkfds_choices(field: BoundField) -> list[BoundWidget]:
    """The radio buttons or checkboxes of a choice field, each carrying its DKFDS class.

    DKFDS wants ``<input>`` and ``<label>`` as siblings, not Django's label-wrapped inputs, so
    the template renders each option itself from ``choice.tag`` and ``choice.choice_label``.
    """
    css_class = _dkfds_class(field)
    choices = field.subwidgets
    for choice in choices:
        attrs = choice.data.get("attrs") or {}
        choice.data["attrs"] = {**attrs, "class": _merge_class(attrs.get("class"), css_class)}
    return choices


@register.filter
def dkfds_anchor(field: BoundField) -> str:
    """The id an error-summary link should point at: the control that gets focus.

    Radio buttons and checkbox lists have no single control (``id_for_label`` is empty), so the
    link goes to the first option, whose label DKFDS scrolls into view.
    """
    if field.id_for_label:
        return field.id_for_label
    for choice in field.subwidgets:
        if choice.id_for_label:
            return choice.id_for_label
    return field.auto_id or field.html_name


# Django's message level tags mapped to the four DKFDS alert variants (icons share the names).
_ALERT_VARIANTS = frozenset({"success", "warning", "error"})


@register.filter
def dkfds_alert_variant(message: Message) -> str:
    """The DKFDS alert variant for a Django message; debug, info and custom levels are info."""
    return message.level_tag if message.level_tag in _ALERT_VARIANTS else "info"


@register.filter
def elided_page_range(page: Page[Any]) -> Iterator[int | None]:
    """Page numbers around the current page, with ``None`` where pages are left out."""
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        # The paginator marks a gap with its (translatable) ELLIPSIS string.
        yield number if isinstance(number, int) else None

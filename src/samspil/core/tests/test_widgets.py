"""The Python-rendered select gives the same markup as Django's template-rendered one."""

from __future__ import annotations

import re

from django import forms

from samspil.core.widgets import Select


def _normalised(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "Ærø & <Ø>"), ("b", 'Say "hi"'),
                                       ("Grupper", [("c", "C"), ("d", "D")])],
                              required=False)


def test_the_fast_select_renders_like_djangos_select_with_escaping_and_selection() -> None:
    for value in ("", "b", "d", "<script>"):
        django_html = _Form({"plain": value})["plain"].as_widget(
            attrs={"class": "form-select"})
        fast_field = _Form({"plain": value})["plain"]
        fast_field.field.widget = Select(choices=fast_field.field.choices)
        fast_html = fast_field.as_widget(attrs={"class": "form-select"})
        assert _normalised(fast_html) == _normalised(django_html)
    assert "&lt;Ø&gt;" in fast_html and "&amp;" in fast_html


def test_the_fast_select_keeps_the_widget_type_the_templates_style() -> None:
    field = _Form()["plain"]
    field.field.widget = Select(choices=field.field.choices)
    assert field.widget_type == "select"

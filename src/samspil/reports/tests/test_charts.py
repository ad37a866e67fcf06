from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from samspil.reports.charts import Series, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output, not untrusted input)


def _chart(**kwargs):
    values = {
        "chart_id": "c1", "title": "Tryghed & <tal>", "description": "2024 beside 2025",
        "categories": ["Tryghedsopfølgninger", "Konfliktråd"],
        "series": [Series("2024", [10, None], "#6f8fae"), Series("2025", [20, 5], "#1a5a96")],
    }
    values.update(kwargs)
    return bar_chart(**values)


def test_it_is_well_formed_svg_with_an_accessible_name():
    root = _parse(_chart())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Tryghed & <tal>"  # escaped, then parsed back


def test_bars_are_proportional_and_the_largest_fills_the_plot():
    root = _parse(_chart())
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "16"]
    widths = sorted(float(r.get("width")) for r in bars)
    assert widths == [pytest.approx(360 / 4), pytest.approx(360 / 2), pytest.approx(360)]


def test_a_missing_value_draws_no_bar_and_shows_a_dash():
    root = _parse(_chart())
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "–" in texts
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("height") == "16"]) == 3


def test_it_uses_presentation_attributes_never_styles():
    svg = _chart()
    assert "style" not in svg
    assert 'fill="#1a5a96"' in svg


def test_all_zero_values_give_an_empty_plot_without_dividing_by_zero():
    svg = _chart(series=[Series("2025", [0, 0], "#1a5a96")])
    assert _parse(svg) is not None


def test_the_same_figures_give_the_same_bytes():
    assert _chart() == _chart()


def test_each_series_needs_a_value_per_category():
    with pytest.raises(ValueError):
        _chart(series=[Series("2025", [1], "#1a5a96")])


def test_a_long_label_wraps_onto_lines_inside_the_label_column():
    root = _parse(_chart(categories=["Behandlet inden for 30 dage, oprettet og afsluttet i "
                                     "perioden", "Kort"]))
    label = next(t for t in root.iter(f"{SVG}text") if t.find(f"{SVG}tspan") is not None)
    lines = [span.text for span in label.iter(f"{SVG}tspan")]
    assert len(lines) == 3 and all(len(line) <= 30 for line in lines)
    assert " ".join(lines) == "Behandlet inden for 30 dage, oprettet og afsluttet i perioden"

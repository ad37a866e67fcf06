"""The report's formats: byte-identical JSON, a PDF that renders and holds the key figures, the
CSV of every table's counts, and a standalone HTML file."""

from __future__ import annotations

import csv
import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def _run(tmp_path, fmt: str, name: str = "out"):
    target = tmp_path / f"{name}.{fmt}"
    call_command("report", district="midt-vestsjaelland", year=2025, output_format=fmt,
                 out=target)
    return target


def test_the_json_is_byte_identical_for_the_same_data(annual_bundle, tmp_path):
    first = _run(tmp_path, "json", "first").read_bytes()
    second = _run(tmp_path, "json", "second").read_bytes()
    assert first == second
    assert first.startswith(b'{\n  "area_bans": 1,\n')  # sorted keys, fixed indent
    assert first.endswith(b"}\n")


def test_the_json_goes_to_standard_output_without_out(annual_bundle):
    out = io.StringIO()
    call_command("report", district="midt-vestsjaelland", year=2025, output_format="json",
                 stdout=out)
    assert '"schema": "samspil.annual-report/1"' in out.getvalue()


def test_an_unknown_district_is_an_error_naming_the_known_ones(reference):
    with pytest.raises(CommandError, match="midt-vestsjaelland"):
        call_command("report", district="atlantis", year=2025)


def test_the_pdf_renders_its_first_page_and_holds_the_years_key_figures(annual_bundle,
                                                                       tmp_path):
    pdf = _run(tmp_path, "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, capture_output=True)
    assert list(tmp_path.glob("page*.png"))
    # A chart page renders too (the SVG assets are found and drawn).
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "3", "-l", "3", str(pdf),
                    str(tmp_path / "chart")], check=True, capture_output=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "2025" in text and "Midt- og Vestsjællands Politi" in text
    assert "Tryghedsopfølgninger" in text
    assert "Unge under 15 fra egne kommuner" in text and "Roskilde" in text
    assert "Unge over 15 fra andre kommuner" in text and "Vejen" in text
    for line, figure in (("UKN-screeninger", "8"), ("Behandlet inden for 30 dage, 15–17 år", "60 %"),
                         ("Behandlet inden for 30 dage, 10–14 år", "100 %"),
                         ("Andel på baggrund af Socialsøg", "25 %")):
        found = [row for row in text.splitlines() if row.strip().startswith(line)]
        assert found and re.search(rf"\s{re.escape(figure)}(\s|$)", found[0]), (line, found)


def test_the_pdf_is_the_same_bytes_for_the_same_data(annual_bundle, tmp_path):
    assert _run(tmp_path, "pdf", "a").read_bytes() == _run(tmp_path, "pdf", "b").read_bytes()


def test_the_csv_holds_the_counts_behind_every_table_for_both_years(annual_bundle, tmp_path):
    rows = list(csv.DictReader(io.StringIO(_run(tmp_path, "csv").read_text(encoding="utf-8"))))
    values = {(r["year"], r["key"]): r["value"] for r in rows}
    assert rows[0].keys() == {"table", "key", "year", "value"}
    assert values[("2025", "victim_followups")] == "2"
    assert values[("2025", "ukn_screening.within_deadline.15_17")] == "0.600000"
    assert values[("2024", "social_reports.socialsoeg_share")] == ""
    assert values[("2025", "ukn_screening.by_municipality.575.age_15_17.cases")] == "1"
    tables = {(r["key"], r["table"]) for r in rows if r["year"] == "2025"}
    assert ("ukn_screening.by_municipality.575.age_15_17.cases", "ukn_other_15_17") in tables
    assert ("ukn_screening.by_municipality.265.under_15.referred", "ukn_own_under_15") in tables
    assert ("psp.monitored_incidents", "saarbare_borgergrupper") in tables


def test_the_html_file_has_every_section_and_accessible_charts(annual_bundle, tmp_path):
    html = _run(tmp_path, "html").read_text(encoding="utf-8")
    for heading in ("Lokalpolitiet", "Børn og unge", "Nære relationer", "Sårbare borgergrupper",
                    "Tryghedsskabende indsatser"):
        assert f"<h2>{heading}</h2>" in html
    assert 'role="img"' in html and "<title id=" in html
    assert "style=" not in html and "<style" not in html and "<script" not in html

"""Compare an annual report (JSON, interchange.md) with the published figures of
../shared/spec/seed-figures.json.

The seed file names figures by dotted paths into the report ("psp.monitored_incidents"); a name
ending in ``_percent`` is a share compared as a whole percentage, ``round(100 * share)`` exactly
as the seed file says. The calibrated demo's test calls ``compare`` and fails on any difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PERCENT_SUFFIX = "_percent"
_MISSING = object()


def _lookup(report: Mapping[str, Any], path: str) -> Any:
    value: Any = report
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _figures_for(report: Mapping[str, Any], seed_figures: Mapping[str, Any]) -> tuple[
        Mapping[str, Any], list[str]]:
    """The seed's figures for the report's year: seed_figures is the whole file (years as keys)
    or one year's figures already."""
    problems: list[str] = []
    year = str(report.get("year", ""))
    if year and isinstance(seed_figures.get(year), Mapping):
        expected_district = seed_figures.get("district")
        if expected_district and expected_district != report.get("district"):
            problems.append(f"district: expected {expected_district}, got {report.get('district')}")
        return seed_figures[year], problems
    if any(key.isdigit() for key in seed_figures):
        problems.append(f"year: the seed figures have no year {year or '(none in the report)'}")
        return {}, problems
    return seed_figures, problems


def compare(report_json: Mapping[str, Any], seed_figures: Mapping[str, Any]) -> list[str]:
    """Every difference between the report and the seed figures, one line each, in the seed's
    order; an empty list when the report reproduces them all."""
    figures, problems = _figures_for(report_json, seed_figures)
    for name, expected in figures.items():
        path = name.removesuffix(PERCENT_SUFFIX)
        got = _lookup(report_json, path)
        if got is _MISSING:
            problems.append(f"{name}: missing from the report (expected {expected})")
            continue
        if name.endswith(PERCENT_SUFFIX):
            if got is None or isinstance(got, bool) or not isinstance(got, int | float):
                problems.append(f"{name}: expected {expected} %, got {got!r} (not a share)")
                continue
            percent = round(100 * got)
            if percent != expected:
                problems.append(f"{name}: expected {expected} %, got {percent} % ({got})")
            continue
        if isinstance(got, bool) or not isinstance(got, int) or got != expected:
            problems.append(f"{name}: expected {expected}, got {got!r}")
    return problems

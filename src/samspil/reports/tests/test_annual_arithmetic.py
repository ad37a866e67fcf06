"""The report's calendar arithmetic and JSON formatting, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from samspil.reports.annual import age_group, age_on, dumps, local_date, share


@pytest.mark.parametrize(("born", "day", "age"), [
    (date(2010, 7, 15), date(2025, 7, 14), 14),
    (date(2010, 7, 15), date(2025, 7, 15), 15),
    (date(2008, 2, 29), date(2023, 2, 28), 14),  # the birthday is 1 March in other years
    (date(2008, 2, 29), date(2023, 3, 1), 15),
    (date(2008, 2, 29), date(2024, 2, 29), 16),
    (None, date(2025, 1, 1), None),
])
def test_the_age_is_whole_years_on_the_day(born, day, age):
    assert age_on(born, day) == age


@pytest.mark.parametrize(("age", "group"), [
    (10, "under_15"), (14, "under_15"), (15, "age_15_17"), (17, "age_15_17"), (18, None),
    (None, None),
])
def test_the_ukn_age_groups(age, group):
    assert age_group(age) == group


def test_dates_are_copenhagen_dates():
    assert local_date(datetime(2024, 12, 31, 23, 30, tzinfo=UTC)) == date(2025, 1, 1)
    assert local_date(datetime(2025, 6, 30, 22, 30, tzinfo=UTC)) == date(2025, 7, 1)  # summer


def test_a_share_without_denominator_is_none_and_otherwise_six_decimals():
    assert share(0, 0) is None
    assert share(5, 7) == 0.714286
    assert share(3, 3) == 1.0


def test_the_json_sorts_keys_and_writes_floats_with_six_decimals():
    assert dumps({"b": 1.0, "a": [None, True, 0.5, "ø"], "c": {}}) == (
        '{\n  "a": [\n    null,\n    true,\n    0.500000,\n    "ø"\n  ],\n  "b": 1.000000,\n'
        '  "c": {}\n}\n')

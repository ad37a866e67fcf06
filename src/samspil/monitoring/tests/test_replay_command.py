"""`samspil monitoring replay`: the contract's JSON on stdout; bad input → a line per problem, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from samspil.monitoring.tests.support import place
from samspil.monitoring.tests.test_replay import HEADER, SPEC_EXAMPLE, an_order, orders_file, row


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        call_command("monitoring", "--language", "en", "replay", *args)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_contracts_example_replays_to_the_contracts_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = tmp_path / "orders.json"
    orders.write_text(SPEC_EXAMPLE, encoding="utf-8")
    # In the polygon "centre" (a triangle north-east of 12.08, 55.64), then in the circle.
    positions = tmp_path / "positions.csv"
    positions.write_text(
        HEADER
        + "TAG-0001,2026-02-03T21:14:05+01:00,55.642,12.085,5,0.5,0\n"
        + "TAG-0001,2026-02-03T21:00:00+01:00,55.70,12.30,5,,\n"
        + "TAG-0001,2026-02-03T21:20:00+01:00,55.70,12.30,5,0.1,1\n",
        encoding="utf-8",
    )

    code, out, err = run(capsys, "--orders", str(orders), "--positions", str(positions),
                         "--format", "json")

    assert (code, err) == (0, "")
    assert json.loads(out) == {"alerts": [
        {"time": "2026-02-03T21:10:00+01:00", "order_id": "T-2026-0001", "type": "lost_contact",
         "device_id": "TAG-0001"},
        {"time": "2026-02-03T21:14:05+01:00", "order_id": "T-2026-0001", "type": "zone_enter",
         "zone_id": "centre", "device_id": "TAG-0001"},
        {"time": "2026-02-03T21:14:05+01:00", "order_id": "T-2026-0001", "type": "zone_enter",
         "zone_id": "home", "device_id": "TAG-0001"},
        {"time": "2026-02-03T21:20:00+01:00", "order_id": "T-2026-0001", "type": "battery_low",
         "device_id": "TAG-0001"},
        {"time": "2026-02-03T21:20:00+01:00", "order_id": "T-2026-0001", "type": "tamper",
         "device_id": "TAG-0001"},
        {"time": "2026-02-03T21:20:00+01:00", "order_id": "T-2026-0001", "type": "zone_exit",
         "zone_id": "centre", "device_id": "TAG-0001"},
        {"time": "2026-02-03T21:20:00+01:00", "order_id": "T-2026-0001", "type": "zone_exit",
         "zone_id": "home", "device_id": "TAG-0001"},
    ]}


def test_every_problem_gets_one_line_naming_file_line_and_column_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = orders_file(tmp_path, an_order(), an_order(order_id="T-2", buffer_m=-1))
    lat, lon = place(0, 0)
    positions = tmp_path / "positions.csv"
    positions.write_text(
        HEADER
        + row("TAG-0001", "2026-02-03T21:00:00+01:00", 0)
        + f"TAG-0001,21:00,{lat},{lon},,,\n"
        + f"TAG-0001,2026-02-03T21:01:00+01:00,{lat},{lon},,2,\n",
        encoding="utf-8",
    )

    code, out, err = run(capsys, "--orders", str(orders), "--positions", str(positions))

    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"{orders}, orders[1].buffer_m: must not be negative.",
        f"{positions}, line 3, column time: must be an ISO 8601 time with an offset, not 21:00.",
        f"{positions}, line 4, column battery: must be between 0 and 1, not 2.",
    ]


def test_an_unreadable_file_is_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "--orders", str(tmp_path / "missing.json"),
                          "--positions", str(tmp_path / "missing.csv"))

    assert code == 2
    assert len(err.splitlines()) == 2
    assert "missing.json: cannot read the file" in err


def test_the_replay_touches_no_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No django_db mark: any query would fail the test.
    orders = orders_file(tmp_path, an_order())
    positions = tmp_path / "positions.csv"
    positions.write_text(HEADER + row("TAG-0001", "2026-02-03T21:00:00+01:00", 0),
                         encoding="utf-8")

    code, out, _err = run(capsys, "--orders", str(orders), "--positions", str(positions))

    assert code == 0
    assert json.loads(out)["alerts"][0]["type"] == "zone_enter"

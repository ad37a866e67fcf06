from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from samspil.monitoring.core import Zone
from samspil.monitoring.replay import (
    MESSAGES,
    ReplayInputError,
    alerts_to_json,
    load_orders,
    load_positions,
    replay,
)
from samspil.monitoring.tests.support import CET, ORIGIN_LAT, ORIGIN_LON, place

HEADER = "device_id,time,lat,lon,accuracy_m,battery,tamper\n"

# The example of the contract, verbatim but for its comments.
SPEC_EXAMPLE = """{"orders": [
  {"order_id": "T-2026-0001",
   "kind": "restraining_order",
   "tag": "TAG-0001",
   "valid_from": "2026-01-01T00:00:00+01:00",
   "valid_to":   "2026-07-01T00:00:00+02:00",
   "zones": [
     {"zone_id": "home",   "type": "circle",  "lat": 55.6415, "lon": 12.0803, "radius_m": 500},
     {"zone_id": "centre", "type": "polygon", "coordinates": [[12.08, 55.64], [12.09, 55.64], [12.09, 55.65], [12.08, 55.64]]}
   ],
   "buffer_m": 50,
   "protected_device": "VIC-0001",
   "proximity_m": 1000,
   "lost_contact_minutes": 10,
   "battery_threshold": 0.15}
]}"""


def an_order(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "order_id": "T-2026-0001",
        "kind": "restraining_order",
        "tag": "TAG-0001",
        "valid_from": "2026-01-01T00:00:00+01:00",
        "valid_to": "2026-07-01T00:00:00+02:00",
        "zones": [
            {
                "zone_id": "home",
                "type": "circle",
                "lat": ORIGIN_LAT,
                "lon": ORIGIN_LON,
                "radius_m": 500,
            }
        ],
        "buffer_m": 50,
        "protected_device": "VIC-0001",
        "proximity_m": 1000,
        "lost_contact_minutes": 10,
        "battery_threshold": 0.15,
    }
    fields.update(overrides)
    return fields


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def orders_file(tmp_path: Path, *orders: dict[str, Any]) -> Path:
    return write(tmp_path, "orders.json", json.dumps({"orders": list(orders)}, indent=1))


def row(device: str, time: str, east_m: float, battery: str = "", tamper: str = "") -> str:
    lat, lon = place(east_m, 0)
    return f"{device},{time},{lat!r},{lon!r},5,{battery},{tamper}\n"


def test_it_reads_the_example_of_the_contract(tmp_path: Path) -> None:
    [order] = load_orders(write(tmp_path, "orders.json", SPEC_EXAMPLE))

    assert order.order_id == "T-2026-0001"
    assert order.kind == "restraining_order"
    assert order.valid_to == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    assert order.zones[0] == Zone.circle("home", lat=55.6415, lon=12.0803, radius_m=500)
    assert order.zones[1].coordinates == (
        (12.08, 55.64),
        (12.09, 55.64),
        (12.09, 55.65),
        (12.08, 55.64),
    )
    assert (order.buffer_m, order.protected_device, order.proximity_m) == (50, "VIC-0001", 1000)
    assert (order.lost_contact_minutes, order.battery_threshold) == (10, 0.15)


def test_a_night_replays_to_exactly_the_contracts_json(tmp_path: Path) -> None:
    orders = load_orders(orders_file(tmp_path, an_order()))
    csv_text = HEADER + "".join(
        [
            row("TAG-0001", "2026-02-03T21:30:00+01:00", 3000, battery="0.1", tamper="1"),
            row("TAG-0001", "2026-02-03T21:02:00+01:00", 400),
            row("VIC-0001", "2026-02-03T20:31:00+00:00", 0),
            row("TAG-0001", "2026-02-03T20:02:00Z", 3000),  # the 21:02 fix again: ignored
            row("TAG-0001", "2026-02-03T21:00:00+01:00", 3000, battery="0.5", tamper="0"),
            row("VIC-0001", "2026-02-03T20:00:30+00:00", 0),
            row("SOMEONE-ELSE", "2026-02-03T21:01:00+01:00", 0),
        ]
    )
    positions = load_positions(write(tmp_path, "positions.csv", csv_text))

    result = alerts_to_json(replay(orders, positions))

    def alert(time: str, type_: str, device: str = "TAG-0001", **zone: str) -> dict[str, str]:
        return {"time": time, "order_id": "T-2026-0001", "type": type_, **zone, "device_id": device}

    assert result == {
        "alerts": [
            alert("2026-02-03T21:02:00+01:00", "proximity"),
            alert("2026-02-03T21:02:00+01:00", "zone_enter", zone_id="home"),
            alert("2026-02-03T21:12:00+01:00", "lost_contact"),
            alert("2026-02-03T21:30:00+01:00", "battery_low"),
            alert("2026-02-03T21:30:00+01:00", "tamper"),
            alert("2026-02-03T21:30:00+01:00", "zone_exit", zone_id="home"),
            alert("2026-02-03T20:31:00+00:00", "proximity_end", device="VIC-0001"),
        ]
    }
    assert list(result["alerts"][1]) == ["time", "order_id", "type", "zone_id", "device_id"]
    assert json.loads(json.dumps(result)) == result


def test_a_repeated_device_and_instant_keeps_the_first_row_whatever_the_offset(
    tmp_path: Path,
) -> None:
    csv_text = HEADER + "".join(
        [
            row("TAG-0001", "2026-02-03T22:00:00+02:00", 100),
            row("TAG-0001", "2026-02-03T20:00:00+00:00", 200),
            row("TAG-0001", "2026-02-03T21:00:00+01:00", 300),
            row("VIC-0001", "2026-02-03T21:00:00+01:00", 400),
        ]
    )

    positions = load_positions(write(tmp_path, "positions.csv", csv_text))

    assert [(p.device_id, p.time.isoformat(), (p.lat, p.lon)) for p in positions] == [
        ("TAG-0001", "2026-02-03T22:00:00+02:00", place(100, 0)),
        ("VIC-0001", "2026-02-03T21:00:00+01:00", place(400, 0)),
    ]


def test_positions_come_back_in_time_order_with_ties_by_device(tmp_path: Path) -> None:
    csv_text = HEADER + "".join(
        [
            row("B", "2026-02-03T21:05:00+01:00", 0),
            row("B", "2026-02-03T20:01:00+00:00", 0),
            row("A", "2026-02-03T22:01:00+02:00", 0),
            row("A", "2026-02-03T21:00:00+01:00", 0),
        ]
    )

    positions = load_positions(write(tmp_path, "positions.csv", csv_text))

    assert [(p.device_id, p.time.isoformat()) for p in positions] == [
        ("A", "2026-02-03T21:00:00+01:00"),
        ("A", "2026-02-03T22:01:00+02:00"),
        ("B", "2026-02-03T20:01:00+00:00"),
        ("B", "2026-02-03T21:05:00+01:00"),
    ]


def test_replay_sorts_positions_itself(tmp_path: Path) -> None:
    orders = load_orders(orders_file(tmp_path, an_order()))
    csv_text = HEADER + "".join(
        [
            row("TAG-0001", "2026-02-03T21:01:00+01:00", 3000),
            row("TAG-0001", "2026-02-03T21:00:00+01:00", 0),
        ]
    )
    positions = load_positions(write(tmp_path, "positions.csv", csv_text))

    in_file_order = replay(orders, reversed(positions))

    assert [alert.type.value for alert in in_file_order] == ["zone_enter", "zone_exit"]


def test_empty_cells_are_unknown(tmp_path: Path) -> None:
    lat, lon = place(0, 0)
    csv_text = HEADER + f"TAG-0001,2026-02-03T21:00:00+01:00,{lat},{lon},,,\n\n"

    [position] = load_positions(write(tmp_path, "positions.csv", csv_text))

    assert (position.accuracy_m, position.battery, position.tamper) == (None, None, None)


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "positions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER.encode())

    assert load_positions(path) == []


@pytest.mark.parametrize(
    ("cells", "code", "column"),
    [
        (",2026-02-03T21:00:00+01:00,55.6,12.0,,,", "cell_missing", "device_id"),
        ("TAG,2026-02-03T21:00:00,55.6,12.0,,,", "cell_not_time", "time"),
        ("TAG,03/02/2026 21:00,55.6,12.0,,,", "cell_not_time", "time"),
        ("TAG,2026-02-03T21:00:00+01:00,,12.0,,,", "cell_missing", "lat"),
        ("TAG,2026-02-03T21:00:00+01:00,north,12.0,,,", "cell_not_number", "lat"),
        ("TAG,2026-02-03T21:00:00+01:00,95,12.0,,,", "cell_not_latitude", "lat"),
        ("TAG,2026-02-03T21:00:00+01:00,55.6,nan,,,", "cell_not_number", "lon"),
        ("TAG,2026-02-03T21:00:00+01:00,55.6,200,,,", "cell_not_longitude", "lon"),
        ("TAG,2026-02-03T21:00:00+01:00,55.6,12.0,-1,,", "cell_negative", "accuracy_m"),
        ("TAG,2026-02-03T21:00:00+01:00,55.6,12.0,,15,", "cell_not_fraction", "battery"),
        ("TAG,2026-02-03T21:00:00+01:00,55.6,12.0,,,yes", "cell_not_tamper", "tamper"),
    ],
)
def test_a_bad_cell_is_reported_with_file_line_and_column(
    tmp_path: Path, cells: str, code: str, column: str
) -> None:
    good = "TAG,2026-02-03T20:00:00+01:00,55.6,12.0,,,\n"
    path = write(tmp_path, "positions.csv", HEADER + good + "\n" + cells + "\n")

    with pytest.raises(ReplayInputError) as raised:
        load_positions(path)

    error = raised.value
    assert (error.code, error.params["line"], error.params["column"]) == (code, 4, column)
    assert str(error).startswith(f"{path}, line 4, column {column}: ")
    assert str(error) == MESSAGES[code] % error.params == error.template % error.params


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("", "csv_empty", None),
        ("device,time,lat,lon\n", "csv_header", 1),
        (HEADER + "TAG,2026-02-03T21:00:00+01:00,55.6,12.0\n", "csv_field_count", 2),
        (HEADER + 'TAG,"2026-02-03T21:00:00+01:00"x,55.6,12.0,,,\n', "csv_syntax", 2),
    ],
)
def test_a_malformed_csv_is_reported_with_its_line(
    tmp_path: Path, text: str, code: str, line: int | None
) -> None:
    with pytest.raises(ReplayInputError) as raised:
        load_positions(write(tmp_path, "positions.csv", text))

    assert (raised.value.code, raised.value.params.get("line")) == (code, line)


def test_a_file_that_is_not_utf8_or_missing_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "positions.csv"
    path.write_bytes(HEADER.encode() + "TAG-Ø,2026".encode("latin-1") + b"\n")

    with pytest.raises(ReplayInputError, match="not UTF-8"):
        load_positions(path)
    with pytest.raises(ReplayInputError) as raised:
        load_orders(tmp_path / "missing.json")
    assert raised.value.code == "unreadable"


def test_a_json_syntax_error_is_reported_with_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "orders.json", '{"orders": [\n  {"order_id": "T-1",}\n]}')

    with pytest.raises(ReplayInputError) as raised:
        load_orders(path)

    assert raised.value.code == "json_syntax"
    assert (raised.value.params["line"], raised.value.params["column"]) == (2, 22)
    assert str(raised.value).startswith(f"{path}, line 2, column 22: not valid JSON")


def _circle(**overrides: Any) -> dict[str, Any]:
    return {
        "zone_id": "home",
        "type": "circle",
        "lat": 55.64,
        "lon": 12.08,
        "radius_m": 500,
    } | overrides


def _polygon(ring: list[list[float]]) -> dict[str, Any]:
    return {"zone_id": "centre", "type": "polygon", "coordinates": ring}


@pytest.mark.parametrize(
    ("order", "code", "path"),
    [
        ({k: v for k, v in an_order().items() if k != "tag"}, "missing", "orders[0].tag"),
        (an_order(buffer=50), "unknown_field", "orders[0].buffer"),
        (an_order(kind="curfew"), "not_choice", "orders[0].kind"),
        (an_order(order_id=""), "not_text", "orders[0].order_id"),
        (an_order(valid_from="2026-01-01T00:00:00"), "not_time", "orders[0].valid_from"),
        (an_order(valid_to="2025-12-31T23:00:00+00:00"), "empty_window", "orders[0].valid_to"),
        (an_order(buffer_m=-1), "negative", "orders[0].buffer_m"),
        (an_order(buffer_m=True), "not_number", "orders[0].buffer_m"),
        (an_order(buffer_m="50"), "not_number", "orders[0].buffer_m"),
        (an_order(lost_contact_minutes=0), "not_positive", "orders[0].lost_contact_minutes"),
        (an_order(battery_threshold=15), "not_fraction", "orders[0].battery_threshold"),
        (
            {k: v for k, v in an_order().items() if k != "proximity_m"},
            "missing",
            "orders[0].proximity_m",
        ),
        (
            an_order(protected_device="TAG-0001"),
            "tag_protects_itself",
            "orders[0].protected_device",
        ),
        (an_order(zones={}), "not_list", "orders[0].zones"),
        (an_order(zones=[_circle(radius_m=0)]), "not_positive", "orders[0].zones[0].radius_m"),
        (an_order(zones=[_circle(lat=91)]), "not_latitude", "orders[0].zones[0].lat"),
        (an_order(zones=[_circle(), _circle()]), "duplicate_zone", "orders[0].zones[1].zone_id"),
        (an_order(zones=[_circle(type="square")]), "not_choice", "orders[0].zones[0].type"),
        (
            an_order(zones=[_circle(coordinates=[])]),
            "unknown_field",
            "orders[0].zones[0].coordinates",
        ),
        (
            an_order(zones=[_polygon([[12.08, 55.64], [12.09, 55.64], [12.09, 55.65]])]),
            "bad_polygon",
            "orders[0].zones[0].coordinates",
        ),
        (
            an_order(
                zones=[
                    _polygon(
                        [
                            [12.08, 55.64],
                            [12.09, 55.64],
                            [12.08, 55.65],
                            [12.09, 55.65],
                            [12.08, 55.64],
                        ]
                    )
                ]
            ),
            "bad_polygon",
            "orders[0].zones[0].coordinates",
        ),
        (
            an_order(
                zones=[
                    _polygon([[12.08, 55.64, 3], [12.09, 55.64], [12.09, 55.65], [12.08, 55.64]])
                ]
            ),
            "bad_polygon",
            "orders[0].zones[0].coordinates[0]",
        ),
        (
            an_order(
                zones=[_polygon([[200, 55.64], [12.09, 55.64], [12.09, 55.65], [200, 55.64]])]
            ),
            "not_longitude",
            "orders[0].zones[0].coordinates[0][0]",
        ),
    ],
)
def test_a_bad_order_is_reported_with_the_path_of_the_value(
    tmp_path: Path, order: dict[str, Any], code: str, path: str
) -> None:
    file = orders_file(tmp_path, order)

    with pytest.raises(ReplayInputError) as raised:
        load_orders(file)

    assert (raised.value.code, raised.value.params["path"]) == (code, path)
    assert str(raised.value).startswith(f"{file}, {path}: ")


def test_an_order_given_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReplayInputError) as raised:
        load_orders(orders_file(tmp_path, an_order(), an_order()))

    assert (raised.value.code, raised.value.params["path"]) == (
        "duplicate_order",
        "orders[1].order_id",
    )


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    text = json.dumps({"orders": [an_order()]}).replace(
        '"buffer_m": 50', '"buffer_m": 50, "buffer_m": 0'
    )

    with pytest.raises(ReplayInputError, match="buffer_m appears twice"):
        load_orders(write(tmp_path, "orders.json", text))


@pytest.mark.parametrize("document", ["[]", '{"orders": {}}', '{"orders": [], "version": 1}'])
def test_the_document_must_be_an_object_with_a_list_of_orders(
    tmp_path: Path, document: str
) -> None:
    with pytest.raises(ReplayInputError):
        load_orders(write(tmp_path, "orders.json", document))


def test_without_a_protected_device_proximity_m_is_ignored(tmp_path: Path) -> None:
    unwatched = an_order(protected_device=None, proximity_m="anything")
    del unwatched["protected_device"]

    [order] = load_orders(orders_file(tmp_path, unwatched))

    assert (order.protected_device, order.proximity_m) == (None, None)


def test_every_message_names_its_parameters_consistently() -> None:
    # A template with a typo in a placeholder would fail only when the error is finally raised.
    params: dict[str, Any] = dict.fromkeys(
        ["file", "path", "column", "value", "choices", "reason", "key", "expected", "found"], "x"
    ) | {"line": 1}
    for code, template in MESSAGES.items():
        if "%(expected)d" in template:
            template % (params | {"expected": 7, "found": 4})
        elif "%(column)d" in template:
            template % (params | {"column": 3})
        else:
            assert template % params, code


def test_times_keep_their_offsets_but_compare_as_instants(tmp_path: Path) -> None:
    csv_text = HEADER + row("TAG-0001", "2026-02-03T20:00:00Z", 0)

    [position] = load_positions(write(tmp_path, "positions.csv", csv_text))

    assert position.time == datetime(2026, 2, 3, 21, 0, tzinfo=CET)
    assert position.time.utcoffset() == timedelta(0)

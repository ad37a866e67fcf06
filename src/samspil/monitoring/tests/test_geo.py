from __future__ import annotations

import math

import pytest

from samspil.monitoring import geo
from samspil.monitoring.tests.support import ORIGIN_X, ORIGIN_Y, place


def test_roskilde_projects_to_utm_zone_32_metres() -> None:
    x, y = geo.project(55.64, 12.08)

    # Roskilde lies just east of zone 32's 12° E edge; Denmark uses 25832 nationally regardless.
    assert (round(x, 2), round(y, 2)) == (693840.78, 6170316.39)


def test_a_projected_offset_survives_the_round_trip_to_wgs84() -> None:
    lat, lon = place(1234.5, -987.25)

    x, y = geo.project(lat, lon)

    assert math.isclose(x - ORIGIN_X, 1234.5, abs_tol=1e-6)
    assert math.isclose(y - ORIGIN_Y, -987.25, abs_tol=1e-6)


def test_a_polygon_is_built_from_a_lon_lat_ring() -> None:
    ring = [(12.08, 55.64), (12.09, 55.64), (12.09, 55.65), (12.08, 55.64)]

    polygon = geo.polygon_from_ring(ring)

    # Roughly half of 0.01° × 0.01° at 55.6° N: 630 m × 1113 m / 2.
    assert 340_000 < polygon.area < 360_000
    assert polygon.exterior.coords[0] == pytest.approx(geo.project(55.64, 12.08))


@pytest.mark.parametrize(
    ("ring", "reason"),
    [
        ([(12.08, 55.64), (12.09, 55.64), (12.08, 55.64)], "at least four"),
        ([(12.08, 55.64), (12.09, 55.64), (12.09, 55.65), (12.08, 55.65)], "closed"),
        (
            [(12.08, 55.64), (12.09, 55.64), (12.08, 55.65), (12.09, 55.65), (12.08, 55.64)],
            "not valid",
        ),
        # Out and back along one edge: closed, four positions, no inside.
        ([(12.08, 55.64), (12.09, 55.64), (12.09, 55.64), (12.08, 55.64)], "not valid"),
    ],
)
def test_an_unusable_ring_is_refused(ring: list[tuple[float, float]], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        geo.polygon_from_ring(ring)

"""Planar geometry for electronic monitoring: WGS84 in, EPSG:25832 (ETRS89 / UTM 32N) metres out.

The replay contract says every distance is computed in EPSG:25832 from WGS84 input, so the live
monitor and the replay must both measure here and nowhere else. No Django here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Point, Polygon

if TYPE_CHECKING:
    from numpy.typing import NDArray

PROJECTED_CRS = 25832


@cache
def _transformer() -> Transformer:
    # Built once per process: creating a Transformer costs milliseconds, using one microseconds.
    # always_xy pins the axis order to (lon, lat) whatever the EPSG definition says; pyproj's
    # Transformer has been thread-safe since 3.1, so one shared instance serves every thread.
    return Transformer.from_crs(4326, PROJECTED_CRS, always_xy=True)


def project(lat: float, lon: float) -> tuple[float, float]:
    """Return the EPSG:25832 (x, y) in metres of a WGS84 latitude and longitude."""
    x, y = _transformer().transform(lon, lat, errcheck=True)
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"cannot project lat={lat}, lon={lon} to EPSG:{PROJECTED_CRS}")
    return float(x), float(y)


def project_arrays(
    lats: Sequence[float], lons: Sequence[float]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``project`` for many points in one vectorised call: x and y arrays, NaN/inf where a point
    cannot be projected (the caller decides what that means)."""
    if not len(lats):
        return np.empty(0), np.empty(0)
    xs, ys = _transformer().transform(
        np.asarray(lons, dtype=float), np.asarray(lats, dtype=float), errcheck=False
    )
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def unproject(x: float, y: float) -> tuple[float, float]:
    """Return the WGS84 (lat, lon) of an EPSG:25832 point; tests use it to place fixes in metres."""
    lon, lat = _transformer().transform(x, y, direction="INVERSE", errcheck=True)
    return float(lat), float(lon)


def circle_centre(lat: float, lon: float) -> Point:
    """The projected centre of a circle zone; the radius stays a number (see ``core``).

    A circle is deliberately not turned into a buffered polygon: a buffer is a polygon with a
    finite number of sides, so "distance to the centre ≤ radius" would become approximately true.
    """
    return Point(project(lat, lon))


def polygon_from_ring(ring: Sequence[Sequence[float]]) -> Polygon:
    """Build the projected polygon of a GeoJSON outer ring given as (lon, lat) pairs.

    Raises ``ValueError`` for a ring that is not closed, has fewer than four positions, or is not
    a valid simple polygon (for example one that crosses itself), because containment and distance
    are undefined or misleading on such shapes.
    """
    if len(ring) < 4:
        raise ValueError("a polygon ring needs at least four positions (the first repeated last)")
    if tuple(ring[0]) != tuple(ring[-1]):
        raise ValueError("a polygon ring must be closed: the last position must equal the first")
    lons = [float(position[0]) for position in ring]
    lats = [float(position[1]) for position in ring]
    xs, ys = _transformer().transform(lons, lats, errcheck=True)
    polygon = Polygon(zip(xs, ys, strict=True))
    if not polygon.is_valid:
        raise ValueError(f"the polygon is not valid: {shapely.is_valid_reason(polygon)}")
    if polygon.area <= 0:
        raise ValueError("the polygon has no area")
    return polygon

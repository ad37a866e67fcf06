"""Every zone of every order in flat arrays, to test a whole batch of fixes against them at once.

The evaluator (``core``) walks positions one by one because its state (inside/outside, near/apart,
last battery, …) depends on the order of the fixes. The geometry does not: whether a fix lies in a
zone, or beyond the zone's hysteresis band, is a property of the fix and the zone alone. So the
evaluator asks this table once per batch, and its sequential walk only looks up booleans.

Zones are grouped by tag (a fix only ever concerns its own tag's zones) and stored contiguously
per tag, so that "all zones of this fix's tag" is a slice. A fix is paired with a zone only when
it lies in the zone's envelope grown by the order's buffer: outside that box a fix is certainly
outside the zone *and* beyond its band, which is all the walk needs to know about the other
zones. Most fixes are far from every zone of their tag, so most of a batch ends here, in numpy.
A tag with more zones than ``scan_limit`` gets an R-tree (shapely ``STRtree``) instead of the
pairing with each of its zones. No Django here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely import STRtree

from samspil.monitoring import geo

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from samspil.monitoring.core import Zone

# The screening boxes are grown by this much beyond radius + buffer, so that floating-point
# rounding in the box arithmetic can never drop a fix that the exact test would count. The box is
# only a filter: growing it changes no result, it only lets a few more pairs through.
_SLACK_M = 0.01


@dataclass(frozen=True, slots=True)
class Screened:
    """The (fix, zone) pairs that need looking at, sorted by fix then zone, and the two tests.

    ``inside``: within the circle's radius or in the polygon (boundary included), for
    ``zone_enter``. ``beyond``: farther than radius + buffer (polygon: more than buffer outside),
    for ``zone_exit``. Every pair *not* listed is outside and beyond.
    """

    fix: list[int]
    zone: list[int]
    inside: list[bool]
    beyond: list[bool]


class ZoneTable:
    """Zones in metres (EPSG:25832), one contiguous run per tag, for batch screening."""

    def __init__(self, groups: Sequence[Sequence[tuple[Zone, float]]], *, scan_limit: int) -> None:
        """``groups[code]`` is tag ``code``'s zones, each with its order's buffer_m.

        Zone ``starts[code] + i`` is ``groups[code][i]``: the evaluator numbers its entries the
        same way.
        """
        centre_x: list[float] = []
        centre_y: list[float] = []
        radius: list[float] = []
        buffer: list[float] = []
        bounds: list[tuple[float, float, float, float]] = []
        polygons: list[object] = []
        starts: list[int] = []
        scan_counts: list[int] = []
        trees: dict[int, STRtree] = {}
        for code, group in enumerate(groups):
            starts.append(len(radius))
            for zone, buffer_m in group:
                if zone.type == "circle":
                    assert zone.lat is not None and zone.lon is not None
                    assert zone.radius_m is not None
                    x, y = geo.project(zone.lat, zone.lon)
                    r = float(zone.radius_m)
                    box = (x - r, y - r, x + r, y + r)
                    polygons.append(None)
                else:
                    assert zone.coordinates is not None
                    polygon = geo.polygon_from_ring(zone.coordinates)
                    shapely.prepare(polygon)
                    x = y = r = 0.0
                    box = polygon.bounds
                    polygons.append(polygon)
                reach = float(buffer_m) + _SLACK_M
                bounds.append((box[0] - reach, box[1] - reach, box[2] + reach, box[3] + reach))
                centre_x.append(x)
                centre_y.append(y)
                radius.append(r)
                buffer.append(float(buffer_m))
            if len(group) > scan_limit:
                first = starts[-1]
                trees[code] = STRtree(shapely.box(*np.array(bounds[first:], dtype=float).T))
                scan_counts.append(0)
            else:
                scan_counts.append(len(group))
        self.size = len(radius)
        self._starts = np.array(starts, dtype=np.intp)
        self._scan_counts = np.array(scan_counts, dtype=np.intp)
        self._trees = trees
        self._tree_codes = np.array(sorted(trees), dtype=np.intp)
        self._cx = np.array(centre_x, dtype=float)
        self._cy = np.array(centre_y, dtype=float)
        self._radius = np.array(radius, dtype=float)
        self._buffer = np.array(buffer, dtype=float)
        box_array = np.array(bounds, dtype=float).reshape(-1, 4)
        self._minx, self._miny, self._maxx, self._maxy = box_array.T.copy()
        self._polygons = np.empty(len(polygons), dtype=object)
        self._polygons[:] = polygons
        self._is_circle = np.array([polygon is None for polygon in polygons], dtype=bool)

    def screen(
        self, codes: NDArray[np.intp], xs: NDArray[np.float64], ys: NDArray[np.float64]
    ) -> Screened:
        """Pair each fix (tag ``codes[i]`` at ``xs[i], ys[i]``) with the zones it may concern."""
        fix_parts: list[NDArray[np.intp]] = []
        zone_parts: list[NDArray[np.intp]] = []
        counts = self._scan_counts[codes]
        total = int(counts.sum())
        if total:
            fixes = np.repeat(np.arange(len(codes), dtype=np.intp), counts)
            # Pair p of fix i is zone starts[i] + (p - pairs before fix i).
            offset = self._starts[codes] - (np.cumsum(counts) - counts)
            zones = np.repeat(offset, counts) + np.arange(total, dtype=np.intp)
            px, py = xs[fixes], ys[fixes]
            keep = (
                (self._minx[zones] <= px)
                & (px <= self._maxx[zones])
                & (self._miny[zones] <= py)
                & (py <= self._maxy[zones])
            )
            fix_parts.append(fixes[keep])
            zone_parts.append(zones[keep])
        if self._trees:
            for code in np.intersect1d(codes, self._tree_codes).tolist():
                mine = np.flatnonzero(codes == code)
                found = self._trees[code].query(shapely.points(xs[mine], ys[mine]))
                fix_parts.append(mine[found[0]])
                zone_parts.append(self._starts[code] + found[1])
        if not fix_parts:
            return Screened([], [], [], [])
        fixes = np.concatenate(fix_parts)
        zones = np.concatenate(zone_parts)
        if not len(fixes):
            return Screened([], [], [], [])
        order = np.lexsort((zones, fixes))
        fixes, zones = fixes[order], zones[order]
        inside, beyond = self._tests(fixes, zones, xs[fixes], ys[fixes])
        return Screened(fixes.tolist(), zones.tolist(), inside.tolist(), beyond.tolist())

    def _tests(
        self,
        fixes: NDArray[np.intp],
        zones: NDArray[np.intp],
        px: NDArray[np.float64],
        py: NDArray[np.float64],
    ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        inside = np.zeros(len(fixes), dtype=bool)
        beyond = np.zeros(len(fixes), dtype=bool)
        circle = self._is_circle[zones]
        if circle.any():
            cz = zones[circle]
            distance = np.hypot(px[circle] - self._cx[cz], py[circle] - self._cy[cz])
            inside[circle] = distance <= self._radius[cz]
            beyond[circle] = distance > self._radius[cz] + self._buffer[cz]
        polygon = ~circle
        if polygon.any():
            pz = zones[polygon]
            shapes = self._polygons[pz]
            inside[polygon] = shapely.intersects_xy(shapes, px[polygon], py[polygon])
            # Distance to a polygon is 0 inside it and the distance to its boundary outside it.
            distance = shapely.distance(shapes, shapely.points(px[polygon], py[polygon]))
            beyond[polygon] = distance > self._buffer[pz]
        return inside, beyond

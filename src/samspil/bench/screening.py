"""The Socialsøg screening against a bare aggregation (samspil.risk.bench), as a benchmark."""

from __future__ import annotations

import argparse
from typing import Any


def run(args: argparse.Namespace) -> dict[str, Any]:
    from samspil.risk.bench import bench_screen

    return bench_screen(max(1000, round(1_000_000 * args.scale)), repeat=3 if args.scale < 1 else 5)

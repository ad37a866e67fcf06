"""Samspil's benchmarks: `python -m samspil.bench [NAME …] [--scale S]` (`make bench` runs all).

A benchmark is a module with `run(args: argparse.Namespace) -> dict` (args.scale is the size
relative to the full run: 0.01 for a CI smoke run) registered in BENCHMARKS below. The harness
runs each, and writes var/bench/<name>.json with the result, the exact command that produced it,
the machine, and a timestamp. Adding one: write the module, add a line here.
"""

from __future__ import annotations

BENCHMARKS: dict[str, str] = {
    "import": "samspil.bench.interchange_import",
    "screening": "samspil.bench.screening",
    "annual_report": "samspil.bench.annual_report",
    "monitoring": "samspil.bench.monitoring",
    "socialsoeg": "samspil.bench.socialsoeg",
    "ukn_queue": "samspil.bench.ukn_queue",
    "load": "samspil.bench.load",
}

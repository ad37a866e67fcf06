"""Run benchmarks and record their results as JSON under var/bench/ (see __init__.py)."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from samspil.bench import BENCHMARKS

BASE_DIR = Path(__file__).resolve().parents[3]


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        # Other work on the machine slows a run down: worth knowing when comparing runs.
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024**2, 1)
                break
    except OSError:  # not Linux: the platform string has to do
        pass
    return info


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m samspil.bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size relative to the full run, e.g. 0.01 for a smoke run")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the synthetic data")
    parser.add_argument("--users", type=int, default=32,
                        help="concurrent users of the load benchmark (default 32)")
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="how long the load benchmark runs (default 10)")
    parser.add_argument("--output", type=Path,
                        default=Path(os.environ.get("SAMSPIL_VAR_DIR", BASE_DIR / "var")) / "bench",
                        help="folder for the JSON results (default: var/bench)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    if not 0 < args.scale <= 10:
        parser.error("--scale must be above 0 and at most 10")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    command = shlex.join(getattr(sys, "orig_argv", [sys.executable, *sys.argv]))
    args.output.mkdir(parents=True, exist_ok=True)
    for name in args.names or list(BENCHMARKS):
        module = importlib.import_module(BENCHMARKS[name])
        print(f"== {name} (scale {args.scale})", flush=True)
        started = datetime.now(UTC)
        clock = time.perf_counter()
        result = module.run(args)
        record = {
            "benchmark": name,
            "command": command,
            "cwd": os.getcwd(),
            "timestamp": started.isoformat(timespec="seconds"),
            "wall_seconds": round(time.perf_counter() - clock, 2),
            "scale": args.scale,
            "seed": args.seed,
            "machine": machine_info(),
            "result": result,
        }
        target = args.output / f"{name}.json"
        target.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(json.dumps(result, indent=2, ensure_ascii=False))
        print(f"   written to {target}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

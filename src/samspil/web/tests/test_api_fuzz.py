"""The API under fuzzing (schemathesis, docs/SECURITY.md "API fuzzing"): no server error and no
response outside docs/openapi.yaml, as each of six roles, with valid and invalid input.

In the suite it runs derandomised (the same cases every time) at a size CI affords;
`make fuzz` runs it with more examples and a random seed, and writes the counts to
var/bench/fuzz.json.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from samspil.web.tests.fuzzing import fuzz
from samspil.web.tests.fuzzworld import ROLES, world_build

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SAMSPIL_FUZZ_EXAMPLES", "2"))
SEED = os.environ.get("SAMSPIL_FUZZ_SEED")  # unset: derandomised
RESULT = os.environ.get("SAMSPIL_FUZZ_RESULT")  # where `make fuzz` wants the JSON summary


def test_the_api_keeps_its_contract_under_fuzzing_as_every_role() -> None:
    started = time.monotonic()
    world = world_build()
    # Every kind of record a path names exists, so real ids are plugged in.
    assert all(world.ids.values()), {prefix: len(ids) for prefix, ids in world.ids.items()}

    result = fuzz(world=world, examples=EXAMPLES, random_seed=int(SEED) if SEED else None)
    seconds = round(time.monotonic() - started, 1)
    print(
        f"\nAPI fuzzing: {result.total} requests in {seconds} s, {EXAMPLES} examples per "
        f"operation and role, seed {SEED or 'derandomised'}; by role {dict(result.requests)}; "
        f"by status {dict(sorted(result.statuses.items()))}; "
        f"writes accepted {result.writes_accepted}"
    )
    if RESULT:
        _write_result(Path(RESULT), result.summary(), seconds)

    assert not result.failures, "\n\n".join(result.failures)
    # It really ran: (almost) every operation got its examples as every role. Hypothesis stops
    # early only where an operation has fewer distinct inputs than examples asked for.
    assert set(result.requests) == set(ROLES)
    assert result.total >= 0.9 * len(ROLES) * result.operations * EXAMPLES
    # Real ids reached real records: reads answered 200 and writes 2xx, not only errors.
    assert result.statuses[200] and result.writes_accepted


def _write_result(path: Path, summary: dict[str, object], seconds: float) -> None:
    from samspil.bench.__main__ import machine_info

    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "benchmark": "fuzz",
        # What repeats the run; the seed alone fixes the generated cases.
        "command": f"FUZZ_EXAMPLES={EXAMPLES} FUZZ_SEED={SEED} make fuzz",
        "pytest": shlex.join(getattr(sys, "orig_argv", sys.argv)),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_seconds": seconds,
        "examples": EXAMPLES,
        "seed": int(SEED) if SEED else None,
        "machine": machine_info(),
        "result": summary,
    }
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

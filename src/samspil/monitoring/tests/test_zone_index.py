"""The R-tree and the scan of a tag's few zones find the same zones."""

from __future__ import annotations

import random

import pytest

from samspil.monitoring import core
from samspil.monitoring.core import Evaluator
from samspil.monitoring.tests.support import fix, home, order, square


def track(seed: int) -> list[core.Position]:
    rng = random.Random(seed)
    return [fix(minute, rng.uniform(-3000, 3000), rng.uniform(-3000, 3000))
            for minute in range(300)]


def orders() -> list[core.Order]:
    zones = [home(400)] + [
        square(f"sq{number}", -2500 + 250 * number, -2500 + 240 * number, 300)
        for number in range(20)
    ]
    return [order(zones=tuple(zones)), order(order_id="T-2", zones=(home(900),), buffer_m=10)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_tree_and_the_scan_raise_the_same_alerts(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    def run() -> list[core.Alert]:
        evaluator = Evaluator(orders())
        return [alert for position in track(seed) for alert in evaluator.feed(position)]

    with_tree = run()
    monkeypatch.setattr(core, "_SCAN_LIMIT", 10_000)
    with_scan = run()

    assert with_tree == with_scan
    assert any(alert.zone_id and alert.zone_id.startswith("sq") for alert in with_tree)

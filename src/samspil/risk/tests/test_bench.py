from __future__ import annotations

from samspil.risk.bench import bench_screen, bench_touched


def test_the_benchmark_runs_and_reports_a_ratio() -> None:
    result = bench_screen(5_000, repeat=1)
    assert result["n_involvements"] == 5_000
    assert result["ratio"] > 0
    assert result["hits"] >= 0


def test_the_touched_benchmark_runs() -> None:
    result = bench_touched(repeat=3)
    assert result["hits"] == 2  # the household and the former partner's family
    assert result["median_ms"] > 0

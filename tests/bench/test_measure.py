"""The benchmarks' measuring helpers."""

import math

from bench.measure import machine_speed, quantiles


def test_machine_speed_gives_two_finite_positive_timings():
    speed = machine_speed(repeats=2)
    assert set(speed) == {"python_loop_ms", "numpy_pass_ms"}
    assert all(math.isfinite(v) and v > 0 for v in speed.values())


def test_quantiles_are_nearest_ranks():
    assert quantiles([float(i) for i in range(1, 101)]) == (50.5, 95.0, 99.0)
    assert all(math.isnan(v) for v in quantiles([]))

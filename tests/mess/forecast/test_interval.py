"""PRODUCT 7.5: forecast points keep low <= expected <= high, and each slot's method is chosen by its
rolling-origin backtest, never worse there than "same weekday last week"."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mess.forecast.model import ModelSettings, Observation, backtest, forecast, slot_methods

START = date(2026, 1, 5)


def _history(values: list[float], slot: str = "lunch") -> list[Observation]:
    return [Observation(START + timedelta(days=k), slot, v) for k, v in enumerate(values)]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=500, allow_nan=False), min_size=28, max_size=70))
def test_every_point_lies_inside_its_interval(values):
    model_settings = ModelSettings(backtest_weeks=4)
    for point in forecast(_history(values), settings=model_settings, days=7):
        assert point.low <= point.expected <= point.high
        assert point.method in ("model", "naive")


def test_a_strict_weekly_pattern_chooses_naive_when_the_model_loses_there():
    # Exactly repeating weeks with a spike the log-linear weekday terms smooth: last week's value is exact.
    week = [100.0, 180.0, 90.0, 170.0, 95.0, 30.0, 160.0]
    history = _history(week * 10)
    tested = backtest(history, settings=ModelSettings())
    chosen = slot_methods(tested, ["lunch"], 0.8)["lunch"]
    assert chosen.mape_naive == 0.0 and chosen.mape is not None and chosen.mape <= chosen.mape_naive
    points = forecast(history, tested=tested)
    assert {p.method for p in points} == {chosen.method}
    assert chosen.method == "naive"
    assert [round(p.expected, 6) for p in points] == [round(v, 6) for v in week[:7]]


def test_the_chosen_method_is_never_worse_than_naive_in_its_backtest():
    import random

    rng = random.Random(7)
    values = [120 + 30 * (k % 7 == 5) - 40 * (k % 7 == 6) + rng.gauss(0, 12) + k * 0.3 for k in range(120)]
    tested = backtest(_history(values))
    chosen = slot_methods(tested, ["lunch"], 0.8)["lunch"]
    assert chosen.mape is not None and chosen.mape_naive is not None
    assert chosen.mape <= chosen.mape_naive

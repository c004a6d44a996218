"""The forecast model on data with a known truth: it must beat "same weekday last week" by 30% MAPE."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mess.forecast.model import ModelSettings, Observation, SlotModel, backtest, forecast, mape
from mess.forecast.synthetic import (
    academic_calendar,
    as_observations,
    attendance_rate,
    generate_attendance,
    no_show_rate,
)

START, END = date(2025, 4, 1), date(2026, 3, 31)


@pytest.mark.parametrize("residents", [400, 5000])
def test_model_cuts_naive_mape_by_at_least_30_percent(residents):
    meals = generate_attendance(START, END, residents, seed=7)
    result = backtest(as_observations(meals), academic_calendar(START, END), weeks=12)
    assert len(result.points) == 12 * 7 * 4
    assert result.mape_model is not None and result.mape_naive is not None
    # Deterministic data (fixed seed): a property of the model, not of the machine.
    assert result.mape_model <= 0.7 * result.mape_naive, (result.mape_model, result.mape_naive)
    assert result.improvement is not None and result.improvement >= 0.3


def test_model_tracks_the_truth_closer_than_the_noise():
    meals = generate_attendance(START, END, 400, seed=11)
    truth = {(m.day, m.slot): m.expected for m in meals}
    result = backtest(as_observations(meals), academic_calendar(START, END), weeks=8)
    noise_floor = mape([p.actual for p in result.points], [truth[p.day, p.slot] for p in result.points])
    versus_truth = mape([truth[p.day, p.slot] for p in result.points], [p.model for p in result.points])
    assert noise_floor is not None and versus_truth is not None
    assert versus_truth < noise_floor


def test_recovers_weekday_and_event_factors_of_clean_data():
    # No noise at all: the fitted model must give back the generator's numbers closely.
    history = []
    calendar = {date(2026, 1, 26): "holiday", date(2026, 2, 9): "holiday"}
    day = date(2025, 12, 1)
    while day <= date(2026, 2, 28):
        rate = attendance_rate(day, "lunch", calendar.get(day))
        history.append(Observation(day, "lunch", 1000 * rate))
        day += timedelta(days=1)
    model = SlotModel({o.day: o.value for o in history}, calendar, ModelSettings(robust_passes=0))
    sunday, monday = date(2026, 3, 8), date(2026, 3, 9)
    assert model.predict(sunday) / model.predict(monday) == pytest.approx(0.86, rel=0.03)
    assert model.predict(monday, "holiday") / model.predict(monday) == pytest.approx(0.5, rel=0.1)


def test_forecast_gives_seven_days_per_slot_with_intervals_around_the_point():
    meals = generate_attendance(date(2025, 10, 1), date(2026, 3, 1), 300, seed=3, slots=("lunch", "dinner"))
    calendar = {date(2026, 3, 4): "holiday"}
    points = forecast(as_observations(meals), calendar)
    assert [(p.day, p.slot) for p in points[:2]] == [(date(2026, 3, 2), "dinner"), (date(2026, 3, 2), "lunch")]
    assert len(points) == 14
    assert {p.day for p in points} == {date(2026, 3, 2) + timedelta(days=k) for k in range(7)}
    for p in points:
        assert 0 <= p.low <= p.expected <= p.high
    holiday = next(p for p in points if p.day == date(2026, 3, 4) and p.slot == "lunch")
    ordinary = next(p for p in points if p.day == date(2026, 3, 3) and p.slot == "lunch")
    assert holiday.event == "holiday"
    assert holiday.expected < 0.7 * ordinary.expected


def test_intervals_cover_about_80_percent_of_future_meals():
    meals = generate_attendance(date(2025, 1, 1), END, 400, seed=5)
    calendar = academic_calendar(date(2025, 1, 1), END)
    inside = total = 0
    for week in range(1, 13):
        cut = END - timedelta(days=7 * week)
        future = {(m.day, m.slot): m.served for m in meals if cut < m.day <= cut + timedelta(days=7)}
        for p in forecast(as_observations([m for m in meals if m.day <= cut]), calendar):
            inside += p.low <= future[p.day, p.slot] <= p.high
            total += 1
    assert total == 12 * 7 * 4
    assert 0.65 <= inside / total <= 0.95


def test_short_or_empty_history():
    assert forecast([]) == []
    assert backtest([]).mape_model is None
    few = [Observation(date(2026, 1, 1) + timedelta(days=k), "lunch", 100.0) for k in range(10)]
    assert forecast(few) == []  # too little history to fit: nothing rather than a guess
    with pytest.raises(ValueError, match="days"):
        forecast(few, days=0)


def test_mape_skips_zero_actuals():
    assert mape([0, 100, 200], [5, 110, 180]) == pytest.approx(10.0)
    assert mape([0], [1]) is None


def test_synthetic_generator_is_reproducible_and_follows_its_calendar():
    a = generate_attendance(START, START + timedelta(days=30), 200, seed=1)
    b = generate_attendance(START, START + timedelta(days=30), 200, seed=1)
    assert a == b
    calendar = academic_calendar(date(2026, 1, 1), date(2026, 12, 31))
    assert calendar[date(2026, 1, 26)] == "holiday"
    assert calendar[date(2026, 2, 23)] == "exam"
    assert date(2026, 2, 10) not in calendar
    monday = date(2026, 3, 2)
    assert attendance_rate(monday, "lunch", "holiday") < attendance_rate(monday, "lunch")
    assert attendance_rate(monday + timedelta(days=6), "breakfast") < attendance_rate(monday, "breakfast")
    assert 0 < no_show_rate("breakfast") < 1
    with pytest.raises(ValueError, match="slot"):
        attendance_rate(monday, "brunch")
    with pytest.raises(ValueError):
        generate_attendance(END, START, 10)

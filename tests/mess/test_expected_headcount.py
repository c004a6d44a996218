"""The one expected-headcount function (mess.headcount.expected): hand-computed figures, its bounds, and its
backtest against "same weekday last week"."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mess.headcount.expected import PastMeal, backtest, estimate, learned

TUESDAY = date(2026, 3, 10)


def test_hand_computed_rates_and_parts():
    history = [
        # Two Tuesdays: 80 of 100 and 90 of 100 came, 4 and 6 walk-ins.
        PastMeal(
            TUESDAY - timedelta(days=14),
            100,
            0,
            80,
            4,
        ),
        PastMeal(TUESDAY - timedelta(days=7), 100, 0, 90, 6),
        # A Wednesday: 50 of 100 came, no walk-ins.
        PastMeal(TUESDAY - timedelta(days=6), 100, 5, 50, 0),
    ]
    rates = learned(history, TUESDAY.weekday())
    # Slot: 220 / 300 came; prior = 2 meals x 100 booked on average = 200 bookings at that rate (146.67 shows).
    # Tuesday: (170 + 200 x 220/300) / (200 + 200) = (170 + 146.666...) / 400 = 0.791666...
    assert round(rates.show_rate, 6) == round((170 + 200 * 220 / 300) / 400, 6)
    # Walk-ins: slot mean 10/3; Tuesday (10 + 2 x 10/3) / (2 + 2) = 4.1666...
    assert round(rates.walk_ins, 6) == round((10 + 2 * 10 / 3) / 4, 6)
    out = estimate(120, 3, TUESDAY, history)
    assert out.method == "bookings" and out.booked == 120 and out.guests == 3
    assert out.shows == round(120 * rates.show_rate, 2)
    # 120 x 0.791666 = 95.0 + 4.1666 + 3 = 102.1666 -> 102
    assert out.expected == 102
    assert out.low <= out.expected <= out.high
    assert out.meals == 3


def test_no_history_expects_everyone_booked():
    out = estimate(40, 2, TUESDAY, [])
    assert (out.show_rate, out.walk_ins, out.expected, out.low, out.high) == (1.0, 0.0, 42, 42, 42)
    assert out.mape is None and out.method == "bookings"


def test_future_meals_never_teach_the_past():
    later = [PastMeal(TUESDAY + timedelta(days=1), 100, 0, 10, 0)]
    assert estimate(50, 0, TUESDAY, later).expected == 50


def test_naive_replaces_bookings_when_last_week_was_closer():
    # Bookings say nothing: 100 booked every day, but the plates follow a strict weekday pattern.
    start = TUESDAY - timedelta(days=42)
    pattern = [90, 20, 90, 20, 90, 20, 90]
    history = [PastMeal(start + timedelta(days=k), 100, 0, pattern[k % 7], 0) for k in range(42)]
    tested = backtest(history)
    assert tested.mape_naive == 0.0 and tested.mape is not None and tested.mape > 0
    out = estimate(100, 0, TUESDAY, history)
    assert out.method == "naive" and out.expected == history[-7].plates
    assert out.low <= out.expected <= out.high


meal = st.tuples(
    st.integers(min_value=0, max_value=300),  # booked
    st.integers(min_value=0, max_value=20),  # guests
    st.floats(min_value=0, max_value=1.2),  # share who came
    st.integers(min_value=0, max_value=15),  # walk-ins
)


@settings(max_examples=60, deadline=None)
@given(st.lists(meal, max_size=40), st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=30))
def test_low_le_expected_le_high(meals, booked, guests):
    start = TUESDAY - timedelta(days=len(meals))
    history = [
        PastMeal(start + timedelta(days=k), b, g, min(round(b * share), b), w)
        for k, (b, g, share, w) in enumerate(meals)
    ]
    out = estimate(booked, guests, TUESDAY, history)
    assert 0 <= out.low <= out.expected <= out.high

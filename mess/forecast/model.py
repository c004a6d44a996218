"""Headcount forecast: per slot, a weighted robust log-linear regression on weekday, local trend and known
calendar events (holidays, exams); 80% intervals from the quantiles of rolling-origin backtest errors.

Pure: plain values in, plain values out, no database. numpy does the least squares."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

EVENT_KINDS = ("holiday", "exam")
# Used only when the forecast meets an event kind the history never showed: a guess, not a fit.
DEFAULT_EVENT_FACTORS = {"holiday": 0.5, "exam": 1.0}


@dataclass(frozen=True, slots=True)
class Observation:
    """What was eaten at one meal: people served at (day, slot)."""

    day: date
    slot: str
    value: float


@dataclass(frozen=True, slots=True)
class ModelSettings:
    half_life_days: float = 35.0  # a week 5 weeks old counts half: the level moves through a term
    window_days: int = 196  # 28 weeks of history at most
    min_history_days: int = 28
    ridge: float = 0.002  # shrinks trend, weekday and event terms a hair: keeps the solve stable, not biased
    robust_passes: int = 2  # unknown dips (an unlisted holiday) are down-weighted, not learned
    interval: float = 0.8
    backtest_weeks: int = 8


@dataclass(frozen=True, slots=True)
class ForecastPoint:
    day: date
    slot: str
    expected: float
    low: float
    high: float
    event: str | None
    method: str = "model"  # "model" or "naive" (same weekday last week): the slot's backtest winner


@dataclass(frozen=True, slots=True)
class SlotMethod:
    """A slot's method as chosen by its backtest; errors are MAPE (%) of the bias-corrected predictions."""

    slot: str
    method: str
    mape: float | None  # the chosen method's, as forecast (plain naive's when that is what is used)
    mape_model: float | None
    mape_naive_corrected: float | None
    mape_naive: float | None  # the plain baseline, uncorrected
    bias: float  # added to log1p(prediction): the median backtest error of the chosen method
    low_q: float  # interval quantiles of the chosen method's log errors, never above/below the bias
    high_q: float


@dataclass(frozen=True, slots=True)
class BacktestPoint:
    origin: date
    day: date
    slot: str
    horizon: int
    actual: float
    model: float
    naive: float


@dataclass(frozen=True, slots=True)
class BacktestResult:
    points: list[BacktestPoint]
    mape_model: float | None
    mape_naive: float | None
    origins: list[date] = field(default_factory=list)

    @property
    def improvement(self) -> float | None:
        """The share of the naive baseline's MAPE the model removes (0.3 = 30% lower)."""
        if self.mape_model is None or not self.mape_naive:
            return None
        return 1.0 - self.mape_model / self.mape_naive


def mape(actual: Sequence[float], predicted: Sequence[float]) -> float | None:
    """Mean absolute percentage error in percent, over points with a positive actual (None if there are none)."""
    pairs = [(a, p) for a, p in zip(actual, predicted, strict=True) if a > 0]
    if not pairs:
        return None
    return 100.0 * sum(abs(a - p) / a for a, p in pairs) / len(pairs)


class SlotModel:
    """One slot's fitted regression: log1p(served) ~ level + trend + weekday + event kinds."""

    def __init__(
        self, series: Mapping[date, float], events: Mapping[date, str], settings: ModelSettings | None = None
    ) -> None:
        self.settings = settings or ModelSettings()
        if not series:
            raise ValueError("a slot model needs at least one observation")
        self.last_day = max(series)
        first_day = self.last_day - timedelta(days=self.settings.window_days - 1)
        days = sorted(d for d in series if d >= first_day)
        self.kinds = sorted({events[d] for d in days if d in events and events[d] in EVENT_KINDS})
        x = np.array([self._features(d, events.get(d)) for d in days], dtype=float)
        y = np.log1p(np.array([max(series[d], 0.0) for d in days], dtype=float))
        age = np.array([(self.last_day - d).days for d in days], dtype=float)
        weights = 0.5 ** (age / self.settings.half_life_days)
        penalty = np.full(x.shape[1], self.settings.ridge)
        penalty[0] = 0.0  # the level is not shrunk
        coef = _weighted_ridge(x, y, weights, penalty)
        for _ in range(self.settings.robust_passes):
            residual = y - x @ coef
            scale = 1.4826 * float(np.median(np.abs(residual - np.median(residual)))) or 1e-6
            # Huber weights: an outlier beyond 2 robust sigmas pulls with a bounded force.
            robust = np.minimum(1.0, 2.0 * scale / np.maximum(np.abs(residual), 1e-12))
            coef = _weighted_ridge(x, y, weights * robust, penalty)
        self.coef = coef

    def _features(self, day: date, event: str | None) -> list[float]:
        weeks = (day - self.last_day).days / 7.0
        weekday = [1.0 if day.weekday() == k else 0.0 for k in range(1, 7)]
        kinds = [1.0 if event == kind else 0.0 for kind in self.kinds]
        return [1.0, weeks, *weekday, *kinds]

    def predict(self, day: date, event: str | None = None) -> float:
        known = event if event in self.kinds else None
        value = math.expm1(float(np.dot(self._features(day, known), self.coef)))
        if event is not None and event not in self.kinds:
            value *= DEFAULT_EVENT_FACTORS.get(event, 1.0)
        return max(value, 0.0)


def _weighted_ridge(x: np.ndarray, y: np.ndarray, weights: np.ndarray, penalty: np.ndarray) -> np.ndarray:
    xw = x * weights[:, None]
    gram = x.T @ xw + np.diag(penalty * float(weights.sum()))
    return np.linalg.solve(gram, xw.T @ y)


def _by_slot(history: Iterable[Observation]) -> dict[str, dict[date, float]]:
    series: dict[str, dict[date, float]] = {}
    for obs in history:
        series.setdefault(obs.slot, {})[obs.day] = float(obs.value)
    return series


def backtest(
    history: Sequence[Observation],
    events: Mapping[date, str] | None = None,
    *,
    weeks: int | None = None,
    horizon: int = 7,
    settings: ModelSettings | None = None,
) -> BacktestResult:
    """Rolling origin: at the end of each of the last `weeks` weeks, fit on what was known then and forecast
    the next `horizon` days; compare with what happened and with "same weekday last week" (naive)."""
    settings = settings or ModelSettings()
    events = events or {}
    weeks = settings.backtest_weeks if weeks is None else weeks
    series = _by_slot(history)
    if not series:
        return BacktestResult([], None, None)
    first = min(min(s) for s in series.values())
    last = max(max(s) for s in series.values())
    origins = [last - timedelta(days=horizon * k) for k in range(weeks, 0, -1)]
    origins = [o for o in origins if (o - first).days + 1 >= settings.min_history_days]
    points: list[BacktestPoint] = []
    for origin in origins:
        for slot, values in sorted(series.items()):
            known = {d: v for d, v in values.items() if d <= origin}
            if len(known) < settings.min_history_days:
                continue
            model = SlotModel(known, events, settings)
            for step in range(1, horizon + 1):
                day = origin + timedelta(days=step)
                if day not in values or day - timedelta(days=7) not in values:
                    continue
                points.append(
                    BacktestPoint(
                        origin=origin,
                        day=day,
                        slot=slot,
                        horizon=step,
                        actual=values[day],
                        model=model.predict(day, events.get(day)),
                        naive=values[day - timedelta(days=7)],
                    )
                )
    return BacktestResult(
        points=points,
        mape_model=mape([p.actual for p in points], [p.model for p in points]),
        mape_naive=mape([p.actual for p in points], [p.naive for p in points]),
        origins=origins,
    )


def _log_errors(points: Sequence[BacktestPoint], predicted: str) -> np.ndarray:
    return np.array([math.log1p(p.actual) - math.log1p(getattr(p, predicted)) for p in points], dtype=float)


def _corrected(value: float, bias: float) -> float:
    return max(math.expm1(math.log1p(max(value, 0.0)) + bias), 0.0)


def choose_method(
    slot: str, points: Sequence[BacktestPoint], pooled: Sequence[BacktestPoint], level: float
) -> SlotMethod:
    """The slot's method: the bias-corrected model or naive, whichever has the lower backtest MAPE, and never
    worse than the plain naive baseline (if both corrections lose to it, plain naive is used: bias 0)."""
    tested = points if len(points) >= 20 else pooled  # too few points of its own: the mess's errors
    if not tested:
        return SlotMethod(slot, "model", None, None, None, None, 0.0, 0.0, 0.0)
    actual = [p.actual for p in points]
    plain = mape(actual, [p.naive for p in points])
    candidates: list[tuple[str, float, float | None, np.ndarray]] = []
    for method, predicted in (("model", "model"), ("naive", "naive")):
        errors = _log_errors(tested, predicted)
        bias = float(np.median(errors))
        error = mape(actual, [_corrected(getattr(p, predicted), bias) for p in points])
        candidates.append((method, bias, error, errors))
    (_, _, model_mape, _), (_, _, naive_mape, _) = candidates
    ranked = sorted(candidates, key=lambda c: (math.inf if c[2] is None else c[2], c[0] != "model"))
    method, bias, error, errors = ranked[0]
    if error is not None and plain is not None and error > plain:
        method, bias, error, errors = "naive", 0.0, plain, _log_errors(tested, "naive")
    tail = (1.0 - level) / 2.0
    low_q, high_q = float(np.quantile(errors, tail)), float(np.quantile(errors, 1.0 - tail))
    return SlotMethod(slot, method, error, model_mape, naive_mape, plain, bias, min(low_q, bias), max(high_q, bias))


def slot_methods(tested: BacktestResult, slots: Iterable[str], level: float) -> dict[str, SlotMethod]:
    return {
        slot: choose_method(slot, [p for p in tested.points if p.slot == slot], tested.points, level) for slot in slots
    }


def _same_weekday_before(values: Mapping[date, float], day: date) -> float | None:
    """The latest observation on the same weekday before `day` (last week's, or the week before when missing)."""
    known = [d for d in values if d < day and (day - d).days % 7 == 0]
    return values[max(known)] if known else None


def forecast(
    history: Sequence[Observation],
    events: Mapping[date, str] | None = None,
    *,
    start: date | None = None,
    days: int = 7,
    settings: ModelSettings | None = None,
    tested: BacktestResult | None = None,
) -> list[ForecastPoint]:
    """Expected people served per (day, slot) for `days` days from `start` (default: the day after the last
    observation), with an interval covering `settings.interval` of the backtest's errors per slot."""
    settings = settings or ModelSettings()
    events = events or {}
    if days < 1:
        raise ValueError("days must be at least 1")
    series = _by_slot(history)
    if not series:
        return []
    tested = tested if tested is not None else backtest(history, events, settings=settings)
    start = start or max(max(s) for s in series.values()) + timedelta(days=1)
    out: list[ForecastPoint] = []
    methods = slot_methods(tested, series, settings.interval)
    for slot, values in sorted(series.items()):
        if len(values) < settings.min_history_days:
            continue
        model = SlotModel(values, events, settings)
        chosen = methods[slot]
        for step in range(days):
            day = start + timedelta(days=step)
            naive = _same_weekday_before(values, day) if chosen.method == "naive" else None
            raw = model.predict(day, events.get(day)) if naive is None else naive
            # One shift (the median error) for the point and its bounds: low <= expected <= high by monotonicity.
            out.append(
                ForecastPoint(
                    day=day,
                    slot=slot,
                    expected=_corrected(raw, chosen.bias),
                    low=_corrected(raw, chosen.low_q),
                    high=_corrected(raw, chosen.high_q),
                    event=events.get(day),
                    method=chosen.method if naive is not None or chosen.method == "model" else "model",
                )
            )
    out.sort(key=lambda p: (p.day, p.slot))
    return out

"""Forecast: the next 7 days' expected plates per meal with 80% intervals, the method each meal uses and its
backtest error next to "same weekday last week" and the bookings'."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import streamlit as st

from analytics.frame import chart, in_words, number, open_page, rows, table
from mess.reports.forecast import BacktestRow, ForecastRow, MethodRow, forecast_report, parse_events


def _dates(text: str) -> list[date]:
    out = []
    for part in text.replace(",", " ").split():
        try:
            out.append(date.fromisoformat(part))
        except ValueError:
            st.error(f"{part!r} is not a date (use YYYY-MM-DD)")
            st.stop()
    return out


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


page = open_page("Forecast", date_range=False)
with st.sidebar.expander("Known calendar"):
    holidays = _dates(st.text_area("Holidays (YYYY-MM-DD, one or more)", key="holidays"))
    exams = _dates(st.text_area("Exam days (YYYY-MM-DD, one or more)", key="exams"))
events = parse_events(holidays, exams)
report = page.report(lambda session, actor, params, now: forecast_report(session, actor, params, now, events))

points = rows(report.points, ForecastRow)
if not len(points):
    st.info("Not enough history yet: the forecast needs at least 28 days of rollups per meal.")
else:
    slots = list(dict.fromkeys(points["slot"]))
    slot = st.radio("Meal", slots, horizontal=True, key="forecast_slot")
    part = points[points["slot"] == slot]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(x=part["date"], y=part["high"], mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip")
    )
    figure.add_trace(
        go.Scatter(
            x=part["date"],
            y=part["low"],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(31, 119, 180, 0.2)",
            name="80% of days within",
            hoverinfo="skip",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=part["date"],
            y=part["expected"],
            mode="lines+markers",
            name="Expected plates",
            customdata=part[["low", "high"]],
            hovertemplate="%{x|%a %d %b}: %{y:.0f} plates "
            "(%{customdata[0]:.0f} to %{customdata[1]:.0f})<extra></extra>",
        )
    )
    figure.update_layout(
        title=f"{slot.title()}: expected plates, next 7 days", yaxis_title="Plates", yaxis_rangemode="tozero"
    )
    chart(figure, "forecast", dates=True)

columns = st.columns(3)
columns[0].metric("Model MAPE", _percent(report.mape_model))
columns[1].metric("Naive MAPE (same weekday last week)", _percent(report.mape_naive))
used = [m.mape for m in report.methods if m.mape is not None]
columns[2].metric("Error of the methods used", _percent(sum(used) / len(used) if used else None))
st.markdown(
    f"Learned from {report.history_days} days of plates served; backtest: rolling origin over the last 8 weeks, "
    "7 days ahead each time. Meals whose cutoff has passed use their bookings (the counter's expected figure)."
)

table(
    in_words(rows(report.methods, MethodRow), "method", "known_method"),
    "forecast_methods",
    caption="Per meal, the method its backtest chose (never worse than same weekday last week) and its error; once "
    "bookings are known, the bookings' error on the last 56 days' meals next to same weekday last week's.",
)
table(in_words(points, "method"), "forecast_next_7_days")

tested = rows(report.backtest, BacktestRow)
if len(tested):
    slot = st.selectbox("Backtest meal", list(dict.fromkeys(tested["slot"])), key="backtest_slot")
    part = tested[tested["slot"] == slot]
    figure = go.Figure()
    for column, name in (("actual", "Actual"), ("model", "Model"), ("naive", "Same weekday last week")):
        figure.add_trace(go.Scatter(x=part["date"], y=part[column], name=name, mode="lines+markers"))
    figure.update_layout(title=f"Backtest: {slot}", yaxis_title="Plates")
    chart(figure, "backtest", dates=True)
table(tested, "forecast_backtest")
st.markdown(f"Points tested: {number(len(tested))}")

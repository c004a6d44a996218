"""Forecast: the next 7 days per slot with 80% intervals, the backtest, and the model's error next to the
"same weekday last week" baseline."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import streamlit as st

from analytics.frame import number, open_page, percent, rows, table
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


page = open_page("Forecast", date_range=False)
with st.sidebar.expander("Known calendar"):
    holidays = _dates(st.text_area("Holidays (YYYY-MM-DD, one or more)", key="holidays"))
    exams = _dates(st.text_area("Exam days (YYYY-MM-DD, one or more)", key="exams"))
events = parse_events(holidays, exams)
report = page.report(lambda session, actor, params, now: forecast_report(session, actor, params, now, events))

columns = st.columns(3)
columns[0].metric("Model MAPE", "—" if report.mape_model is None else f"{report.mape_model:.2f}%")
columns[1].metric(
    "Naive MAPE (same weekday last week)", "—" if report.mape_naive is None else f"{report.mape_naive:.2f}%"
)
columns[2].metric("Error removed vs naive", percent(report.improvement))
st.caption(
    f"Learned from {report.history_days} days of history; backtest: rolling origin over the last 8 weeks, "
    "7 days ahead each time."
)

table(
    rows(report.methods, MethodRow),
    "forecast_methods",
    caption="Per slot, the method its backtest chose (never worse than same weekday last week) and its MAPE (%).",
)

points = rows(report.points, ForecastRow)
if not len(points):
    st.info("Not enough history yet: the forecast needs at least 28 days of rollups per slot.")
else:
    chart = go.Figure()
    for slot, part in points.groupby("slot", sort=False):
        chart.add_trace(
            go.Scatter(
                x=part["date"],
                y=part["expected"],
                name=str(slot),
                mode="lines+markers",
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": part["high"] - part["expected"],
                    "arrayminus": part["expected"] - part["low"],
                },
            )
        )
    chart.update_layout(title="Next 7 days: expected people served (80% interval)")
    st.plotly_chart(chart, key="forecast")
table(points, "forecast_next_7_days")

tested = rows(report.backtest, BacktestRow)
if len(tested):
    slot = st.selectbox("Backtest slot", sorted(tested["slot"].unique()), key="backtest_slot")
    part = tested[tested["slot"] == slot]
    chart = go.Figure()
    for column, name in (("actual", "actual"), ("model", "model"), ("naive", "same weekday last week")):
        chart.add_trace(go.Scatter(x=part["date"], y=part[column], name=name, mode="lines+markers"))
    chart.update_layout(title=f"Backtest: {slot}")
    st.plotly_chart(chart, key="backtest")
table(tested, "forecast_backtest")
st.caption(f"Points tested: {number(len(tested))}")

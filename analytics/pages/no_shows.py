"""No-shows: by slot, weekday, resident, and over time."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from analytics.frame import LABELS, chart, number, open_page, percent, rows, table
from mess import text
from mess.reports.noshows import NoShowGroup, no_show_counts, no_show_residents
from mess.reports.repository import ResidentNoShows

page = open_page("No-shows")
report = page.report(no_show_counts)  # the charts' figures first: the per-resident table is slower

columns = st.columns(3)
columns[0].metric("Booked meals", number(report.booked))
columns[1].metric("No-shows", number(report.no_shows))
columns[2].metric("No-show rate", percent(report.rate))
if report.in_progress_meals:
    st.markdown(
        f"{number(report.in_progress_meals)} meals still being served or to come ({number(report.in_progress_booked)}"
        " booked) are in progress: counted once their serving window ends."
    )

by_slot = rows(report.by_slot, NoShowGroup).rename(columns={"key": "slot"})
by_weekday = rows(report.by_weekday, NoShowGroup).rename(columns={"key": "weekday"})
trend = rows(report.trend, NoShowGroup).rename(columns={"key": "date"})
left, right = st.columns(2)
chart(px.bar(by_slot, x="slot", y="no_shows", title="By meal", labels=LABELS), "by_slot", container=left)
weekday_chart = px.bar(by_weekday, x="weekday", y="rate", title="Rate by weekday", labels=LABELS)
weekday_chart.update_yaxes(tickformat=".0%")
chart(weekday_chart, "by_weekday", container=right)
if len(trend):
    trend_chart = px.line(trend, x="date", y="rate", title="No-show rate per day", labels=LABELS)
    trend_chart.update_yaxes(tickformat=".0%")
    chart(trend_chart, "trend", dates=True)
table(by_slot, "no_shows_by_slot")
table(by_weekday, "no_shows_by_weekday")
table(trend, "no_shows_trend")
st.header("Residents with the most no-shows")
people = page.report(no_show_residents)
table(
    rows(people.residents, ResidentNoShows),
    "no_shows_by_resident",
    caption=f"Booked meals not eaten, {text.span(people.residents_from, people.residents_to, page.now.date())} "
    "(at most the last 31 days).",
)

"""Overview: today per slot and the month so far."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from analytics.frame import LABELS, chart, in_words, number, open_page, percent, rows, table
from mess.reports.overview import DaySlot, overview_report

page = open_page("Overview", date_range=False)
report = page.report(overview_report)

st.header(f"Today, {report.day:%a %d %b %Y}")
columns = st.columns(4)
columns[0].metric("Active residents", number(report.active_residents))
columns[1].metric("Booked today", number(sum(s.booked for s in report.day_slots)))
columns[2].metric("Checked in today", number(sum(s.checked_in for s in report.day_slots)))
columns[3].metric("Walk-ins today", number(sum(s.walk_ins for s in report.day_slots)))
today = rows(report.day_slots, DaySlot)
if len(today):
    melted = in_words(
        today.melt(id_vars="slot", value_vars=["booked", "checked_in", "walk_ins", "no_shows"]), "variable"
    )
    chart(px.bar(melted, x="slot", y="value", color="variable", barmode="group", labels=LABELS), "today_chart")
table(today, "today_by_slot")
if any(s.in_progress for s in report.day_slots):
    st.markdown("Meals in progress (being served or to come) show no no-shows until their serving window ends.")

st.header(f"This month ({report.day:%B %Y}, to {report.day:%a %d %b})")
columns = st.columns(4)
columns[0].metric("Plates served", number(report.plates))
columns[1].metric("Participation", percent(report.participation))
columns[2].metric("No-show rate", percent(report.no_show_rate))
columns[3].metric("Average rating", number(report.average_rating, 2))
columns = st.columns(4)
columns[0].metric("Meal revenue", page.money(report.meal_revenue))
columns[1].metric("Expenses", page.money(report.expenses))
columns[2].metric("Cost per plate", page.money(report.cost_per_plate))
columns[3].metric("Waste per plate (g)", number(report.grams_per_plate, 1))

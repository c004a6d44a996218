"""Waste: kg per day and slot, grams per plate served, worst dishes."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from analytics.frame import LABELS, chart, number, open_page, rows, table
from mess.reports.waste import DishWasteRow, SlotWaste, WasteRow, waste_report

page = open_page("Waste")
report = page.report(waste_report)

columns = st.columns(3)
columns[0].metric("Food wasted (kg)", number(report.waste_grams / 1000, 1))
columns[1].metric("Plates served", number(report.plates))
columns[2].metric("Waste per plate (g)", number(report.grams_per_plate, 1))

daily = rows(report.rows, WasteRow)
if len(daily):
    daily["waste_kg"] = daily["waste_grams"] / 1000
    chart(
        px.bar(daily, x="date", y="waste_kg", color="slot", title="Waste per day (kg)", labels=LABELS),
        "per_day",
        dates=True,
    )
by_slot = rows(report.by_slot, SlotWaste)
dishes = rows(report.worst_dishes, DishWasteRow)
left, right = st.columns(2)
chart(
    px.bar(by_slot, x="slot", y="grams_per_plate", title="Waste per plate by meal (g)", labels=LABELS),
    "by_slot",
    container=left,
)
if len(dishes):
    chart(
        px.bar(
            dishes, x="grams_per_plate", y="dish", orientation="h", title="Worst dishes (g per plate)", labels=LABELS
        ),
        "dishes",
        container=right,
    )
table(daily.drop(columns=["waste_kg"], errors="ignore"), "waste_by_day_and_slot")
table(by_slot, "waste_by_slot")
table(dishes, "worst_dishes", caption="A meal's waste counts for every dish on its menu.")

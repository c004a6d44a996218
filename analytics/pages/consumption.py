"""Consumption: booked vs checked-in vs walk-ins per day and slot, weekday x slot heatmap, participation."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from analytics.frame import LABELS, chart, in_words, number, open_page, percent, rows, table
from mess.reports.consumption import ConsumptionRow, HeatmapCell, consumption_report

page = open_page("Consumption")
report = page.report(consumption_report)

columns = st.columns(6)
columns[0].metric("Booked", number(report.booked))
columns[1].metric("Checked in", number(report.checked_in))
columns[2].metric("Walk-ins", number(report.walk_ins))
columns[3].metric("Guests", number(report.guests))
columns[4].metric("Participation", percent(report.participation))
columns[5].metric("Show rate", percent(report.show_rate))

daily = rows(report.rows, ConsumptionRow)
if len(daily):
    per_day = daily.groupby("date", as_index=False)[["booked", "checked_in", "walk_ins"]].sum()
    melted = in_words(per_day.melt(id_vars="date", var_name="measure", value_name="meals"), "measure")
    chart(px.line(melted, x="date", y="meals", color="measure", title="Per day", labels=LABELS), "per_day", dates=True)
    by_slot = in_words(
        daily.melt(id_vars=["date", "slot"], value_vars=["booked", "checked_in", "walk_ins"]), "variable"
    )
    per_slot = px.bar(
        by_slot,
        x="date",
        y="value",
        color="variable",
        facet_row="slot",
        barmode="group",
        title="Per slot",
        labels=LABELS,
    )
    chart(per_slot, "per_slot", dates=True)
    participation = px.line(
        daily, x="date", y="participation", color="slot", title="Participation (served / residents)", labels=LABELS
    )
    participation.update_yaxes(tickformat=".0%")
    chart(participation, "participation", dates=True)
heat = rows(report.heatmap, HeatmapCell)
if len(heat):
    grid = heat.pivot(index="slot", columns="weekday_name", values="average_served")
    grid = grid.reindex(columns=[d for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") if d in grid.columns])
    heatmap = px.imshow(
        grid,
        text_auto=".0f",
        aspect="auto",
        title="Average served: weekday x meal",
        labels={"x": "Weekday", "y": "Meal"},
    )
    chart(heatmap, "heatmap")
table(daily, "consumption_by_day_and_slot")
table(heat, "consumption_weekday_slot")

"""Ratings: by dish and slot, and the trend."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from analytics.frame import number, open_page, rows, table
from mess.reports.ratings import DayRating, DishRatingRow, SlotRating, rating_report

page = open_page("Ratings")
report = page.report(rating_report)

columns = st.columns(2)
columns[0].metric("Ratings", number(report.ratings))
columns[1].metric("Average rating", number(report.average, 2))

by_slot = rows(report.by_slot, SlotRating)
trend = rows(report.trend, DayRating)
dishes = rows(report.by_dish, DishRatingRow)
left, right = st.columns(2)
left.plotly_chart(px.bar(by_slot, x="slot", y="average", range_y=[0, 5], title="Average by slot"), key="by_slot")
if len(trend):
    right.plotly_chart(px.line(trend, x="date", y="average", range_y=[0, 5], title="Average per day"), key="trend")
if len(dishes):
    st.plotly_chart(
        px.bar(dishes.head(20), x="average", y="dish", color="slot", orientation="h", title="Dishes (best first)"),
        key="dishes",
    )
table(by_slot, "ratings_by_slot")
table(trend, "ratings_trend")
table(dishes, "ratings_by_dish", caption="A meal's ratings count for every dish on its menu.")

"""Ratings: by meal and dish (template menus included) and their trend, and what residents wrote."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from analytics.frame import LABELS, chart, number, open_page, rows, table
from mess.reports.ratings import CommentRow, DayRating, DishRatingRow, SlotRating, rating_report

page = open_page("Ratings")
report = page.report(rating_report)

columns = st.columns(2)
columns[0].metric("Ratings", number(report.ratings))
columns[1].metric("Average rating", number(report.average, 2))

by_slot = rows(report.by_slot, SlotRating)
trend = rows(report.trend, DayRating)
dishes = rows(report.by_dish, DishRatingRow)
left, right = st.columns(2)
chart(
    px.bar(by_slot, x="slot", y="average", range_y=[0, 5], title="Average by meal", labels=LABELS),
    "by_slot",
    container=left,
)
if len(trend):
    chart(
        px.line(trend, x="date", y="average", range_y=[0, 5], title="Average per day", labels=LABELS),
        "trend",
        container=right,
        dates=True,
    )
if len(dishes):
    chart(
        px.bar(
            dishes.head(20),
            x="average",
            y="dish",
            color="slot",
            orientation="h",
            title="Dishes (best first)",
            labels=LABELS,
        ),
        "dishes",
    )
table(by_slot, "ratings_by_slot")
table(trend, "ratings_trend")
table(
    dishes, "ratings_by_dish", caption="A meal's ratings count for every dish on its menu (its own or the weekly one)."
)

st.header("What residents wrote")
said = rows(report.comments, CommentRow)
wanted = st.text_input("Search the comments", key="comment_search").strip().lower()
if wanted and len(said):
    said = said[said["comment"].str.lower().str.contains(wanted, regex=False)]
if len(said):
    table(said, "comments", caption="Latest meal first; meals still being served are left out until they end.")
else:
    st.info("No comments match." if wanted else "No comments in these dates.")

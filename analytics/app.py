"""Mess analytics (Streamlit): `mess analytics` serves it under /analytics. Each page signs the visitor in
(analytics/frame.py) and reads the report queries of mess/reports through the read-only session."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent
PAGES = [
    ("overview.py", "Overview", ":material/dashboard:"),
    ("consumption.py", "Consumption", ":material/restaurant:"),
    ("no_shows.py", "No-shows", ":material/person_off:"),
    ("cost.py", "Cost", ":material/payments:"),
    ("waste.py", "Waste", ":material/delete:"),
    ("ratings.py", "Ratings", ":material/star:"),
    ("forecast.py", "Forecast", ":material/trending_up:"),
]

st.set_page_config(page_title="Mess analytics", page_icon=":material/restaurant:", layout="wide")
navigation = st.navigation(
    [
        st.Page(str(HERE / "pages" / file), title=title, icon=icon, default=i == 0)
        for i, (file, title, icon) in enumerate(PAGES)
    ]
)
navigation.run()

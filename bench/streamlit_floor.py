"""The floor under the analytics pages' first chart (bench/analytics_browser.py): a Streamlit page with one
three-bar Plotly chart, no sign-in, no database. What Streamlit's boot and Plotly's script cost in Chromium on
this machine before any of the project's code runs."""

import plotly.express as px
import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")
st.title("Floor")
st.plotly_chart(px.bar(x=["breakfast", "lunch", "dinner"], y=[120, 180, 150]), key="floor")

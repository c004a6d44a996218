"""Cost: expenses by category, cost per plate, bills vs expenses per month, distribution of bills."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from analytics.frame import number, open_page, rows, table
from mess.reports.costs import CategoryCost, MonthCost, cost_report

page = open_page("Cost", slot_filter=False)
report = page.report(cost_report)

columns = st.columns(3)
columns[0].metric("Expenses", page.money(report.expenses))
columns[1].metric("Plates served", number(report.plates))
columns[2].metric("Cost per plate", page.money(report.cost_per_plate))

categories = rows(report.by_category, CategoryCost)
months = rows(report.months, MonthCost)
left, right = st.columns(2)
if len(categories):
    left.plotly_chart(px.pie(categories, names="category", values="amount", title="Expenses by category"), key="pie")
if len(months):
    compare = months.melt(id_vars="month", value_vars=["expenses", "billed"], var_name="kind", value_name="amount")
    right.plotly_chart(
        px.bar(compare, x="month", y="amount", color="kind", barmode="group", title="Bills vs expenses (minor units)"),
        key="months",
    )
table(categories, "expenses_by_category", caption=f"Amounts in minor units of {page.currency}.")
table(months, "cost_by_month")

spread = report.bills
st.subheader(f"Bills of {spread.month}" if spread.month else "Bills")
if spread.count:
    bill_columns = st.columns(4)
    bill_columns[0].metric("Bills", number(spread.count))
    bill_columns[1].metric("Median bill", page.money(spread.median))
    bill_columns[2].metric("Mean bill", page.money(spread.mean))
    bill_columns[3].metric("90th percentile", page.money(spread.p90))
    totals = pd.DataFrame({"total": spread.totals})
    st.plotly_chart(px.histogram(totals, x="total", nbins=30, title="Distribution of bill totals"), key="bills")
    table(totals, "bill_totals")
else:
    st.info("No bills up to the end of the chosen dates yet.")

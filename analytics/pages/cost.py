"""Cost: expenses by category, cost per plate, bills vs expenses per month, distribution of bills; money in the
mess's currency (the reports keep minor units; pages show major units)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.express as px
import streamlit as st

from analytics.frame import LABELS, chart, in_words, number, open_page, rows, table
from mess.reports.costs import CategoryCost, MonthCost, cost_report

page = open_page("Cost", slot_filter=False)
report = page.report(cost_report)
MONEY = ("amount", "expenses", "cost_per_plate", "billed", "margin", "total")


def month_name(month: str) -> str:
    """'2026-11' -> 'November 2026'."""
    year, number_ = (int(part) for part in month.split("-"))
    return date(year, number_, 1).strftime("%B %Y")


columns = st.columns(3)
columns[0].metric("Expenses", page.money(report.expenses))
columns[1].metric("Plates served", number(report.plates))
columns[2].metric("Cost per plate", page.money(report.cost_per_plate))

categories = rows(report.by_category, CategoryCost)
months = rows(report.months, MonthCost)
if len(months):
    months["month"] = months["month"].map(month_name)
left, right = st.columns(2)
if len(categories):
    pie = px.pie(categories.assign(amount=categories["amount"] / 100), names="category", values="amount")
    pie.update_traces(hovertemplate="%{label}: %{value:,.2f}<extra></extra>")
    chart(pie.update_layout(title="Expenses by category"), "pie", container=left)
if len(months):
    compare = months.melt(id_vars="month", value_vars=["expenses", "billed"], var_name="kind", value_name="amount")
    compare = in_words(compare.assign(amount=compare["amount"] / 100), "kind")
    bars = px.bar(
        compare, x="month", y="amount", color="kind", barmode="group", title="Bills vs expenses", labels=LABELS
    )
    chart(bars, "months", container=right, money=page.currency)
table(categories, "expenses_by_category", money=MONEY, currency=page.currency)
table(months, "cost_by_month", money=MONEY, currency=page.currency)

spread = report.bills
st.header(f"Bills of {month_name(spread.month)}" if spread.month else "Bills")
if spread.count:
    bill_columns = st.columns(4)
    bill_columns[0].metric("Bills", number(spread.count))
    bill_columns[1].metric("Median bill", page.money(spread.median))
    bill_columns[2].metric("Mean bill", page.money(spread.mean))
    bill_columns[3].metric("90th percentile", page.money(spread.p90))
    totals = pd.DataFrame({"total": spread.totals})
    histogram = px.histogram(totals.assign(total=totals["total"] / 100), x="total", nbins=30, labels=LABELS)
    histogram.update_xaxes(tickprefix=page.money(0)[:-4], tickformat=",.0f").update_yaxes(title="Bills")
    chart(histogram.update_layout(title="Distribution of bill totals"), "bills")
    table(totals, "bill_totals", money=MONEY, currency=page.currency)
else:
    st.info("No bills up to the end of the chosen dates yet.")

"""Streamlit's command line (`python -m analytics.serve run app.py ...`, as `python -m streamlit`) after the server
process has imported what the pages use and built one throwaway Plotly figure.

Streamlit imports a page's modules when a visitor first opens it, so without this the first visitor after a start
waited for pandas, Plotly, NumPy's masked arrays (the forecast's medians), the report modules and Plotly's lazy
validators and templates: about 2 s of one core on the project's VM, paid in the middle of their first page. Here it
is paid before the server listens, so the health URL answers once the process is ready to draw a page. No data is
read and nothing is cached here: the first visitor's queries are still the first ones."""

from __future__ import annotations

import importlib
import sys

# What the pages import (analytics/pages/*.py and analytics/frame.py), heaviest first.
MODULES = (
    "pandas",
    "numpy.ma",
    "plotly.express",
    "plotly.graph_objects",
    "plotly.io",
    "streamlit",
    "analytics.frame",
    "mess.reports.consumption",
    "mess.reports.costs",
    "mess.reports.forecast",
    "mess.reports.noshows",
    "mess.reports.overview",
    "mess.reports.ratings",
    "mess.reports.waste",
)


def preload() -> None:
    for name in MODULES:
        importlib.import_module(name)
    import pandas as pd
    import plotly.express as px
    import plotly.io as pio

    # The first figure of a process loads Plotly Express's defaults, the template and the validators of each trace
    # and layout attribute it meets; the pages' charts are bars, lines, a pie, a heatmap and scatter traces.
    frame = pd.DataFrame({"x": ["a", "b"], "y": [1.0, 2.0], "c": ["p", "q"]})
    for figure in (
        px.bar(frame, x="x", y="y", color="c", barmode="group", facet_row="c"),
        px.line(frame, x="x", y="y", color="c"),
        px.pie(frame, names="x", values="y"),
        px.histogram(frame, x="y", nbins=2),
        px.imshow([[1, 2], [3, 4]], text_auto=".0f"),
    ):
        figure.update_layout(legend_title_text="", margin={"t": 48, "b": 8})
        pio.to_json(figure, validate=False)


def main() -> int:
    preload()
    from streamlit.web.cli import main as streamlit_main

    return int(streamlit_main(prog_name="streamlit") or 0)


if __name__ == "__main__":
    sys.exit(main())

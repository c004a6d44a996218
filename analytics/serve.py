"""Streamlit's command line (`python -m analytics.serve run app.py ...`, as `python -m streamlit`) after the server
process has imported what the pages use and built one throwaway Plotly figure, with Streamlit's index.html served
with its Plotly chunk preloaded and imported.

Streamlit imports a page's modules when a visitor first opens it, so without this the first visitor after a start
waited for pandas, Plotly, NumPy's masked arrays (the forecast's medians), the report modules and Plotly's lazy
validators and templates: about 2 s of one core on the project's VM, paid in the middle of their first page. Here it
is paid before the server listens, so the health URL answers once the process is ready to draw a page. No data is
read and nothing is cached here: the first visitor's queries are still the first ones.

Streamlit's page loads Plotly's 4.7 MB chunk only when the first chart arrives, and every chart and data grid that
arrived while it loaded is then drawn in one main-thread task with the first: a page's first chart paid for the
whole page. Streamlit's index.html (the page every URL of the app is served) here carries a `modulepreload` of
that chunk (and of its imports) and a module script importing it, so the browser fetches, compiles and evaluates
it while Streamlit boots and waits for the script, and the first chart is drawn as it arrives (docs/analytics.md,
"Where a page's first chart spends its time"). The chunk is found by its file name in Streamlit's static
directory when the server starts; without it the server does not start. Nothing on disk changes."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

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


# Streamlit's React component for st.plotly_chart, with Plotly inside: static/js/PlotlyChart.<hash>.js.
PLOTLY_CHUNK = "PlotlyChart.*.js"


def plotly_chunk(static_dir: str | Path) -> str:
    """The path of Streamlit's Plotly chunk relative to its static directory (where index.html is)."""
    found = sorted((Path(static_dir) / "static" / "js").glob(PLOTLY_CHUNK))
    if len(found) != 1:
        raise RuntimeError(
            f"expected one static/js/{PLOTLY_CHUNK} in Streamlit's static directory {static_dir}, found "
            f"{[p.name for p in found]}: this Streamlit version packs Plotly otherwise; update analytics/serve.py"
        )
    return f"static/js/{found[0].name}"


# A module's static imports, as Streamlit's bundler writes them: import{a as b}from"./x.js"; import"./y.js".
_STATIC_IMPORT = re.compile(rb'(?:^|;)\s*import\s*(?:[\w${},\s*]+from\s*)?"\./([\w.-]+\.js)"')


def head_tags(static_dir: str | Path) -> bytes:
    """What index.html gets before </head>: module preloads of the Plotly chunk and of the modules it imports
    that index.html does not preload already (Chromium preloads a module alone, not its imports), then a module
    script that imports the chunk, so it is evaluated while Streamlit waits for the script's first messages rather
    than when the first chart arrives. URLs relative like Streamlit's own: they resolve under the base path and on
    every page's URL."""
    static = Path(static_dir)
    chunk = plotly_chunk(static)
    index = (static / "index.html").read_bytes()
    wanted = [chunk]
    for path in wanted:  # the chunk, then what it imports, transitively; index.html's own preloads excepted
        head = (static / path).read_bytes()[:20_000]  # the imports open the module
        for name in _STATIC_IMPORT.findall(head):
            found = f"static/js/{name.decode()}"
            if found not in wanted and f"./{found}".encode() not in index and (static / found).is_file():
                wanted.append(found)
    tags = "".join(f'<link rel="modulepreload" crossorigin href="./{path}">' for path in wanted)
    return f'{tags}<script type="module">import("./{chunk}")</script>'.encode()


def with_head_tags(app: ASGIApp, tags: bytes) -> ASGIApp:
    """`app` (Streamlit's static files) with `tags` inserted before </head> of every HTML response (index.html,
    which Streamlit serves for every page's URL). HTML responses lose their ETag and Last-Modified, so a browser
    never revalidates a copy without the tags into a 304 (the page is no-cache and 8 KB); other responses pass
    through untouched."""

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        held: Message | None = None
        body: list[bytes] = []

        async def relay(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers", ())).get(b"content-type", b"")
                if kind.startswith(b"text/html"):
                    held = message
                    return
            if held is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            html = b"".join(body)
            if b"</head>" in html:
                html = html.replace(b"</head>", tags + b"</head>", 1)
            dropped = {b"content-length", b"etag", b"last-modified"}
            headers = [(k, v) for k, v in held.get("headers", ()) if k.lower() not in dropped]
            length = len(html) if html or scope.get("method") != "HEAD" else None
            if length is not None:
                headers.append((b"content-length", str(length).encode()))
            await send({**held, "headers": headers})
            await send({"type": "http.response.body", "body": html})

        await app(scope, receive, relay)

    return serve


def serve_index_with_preload() -> None:
    """Make Streamlit's server wrap its static files (index.html and the bundles) in with_head_tags. Streamlit
    builds that handler when it starts, through create_streamlit_static_handler(directory, base_url); this process
    is Streamlit's, so the wrapper is installed before its command line runs. Nothing on disk changes."""
    from streamlit.web.server.starlette import starlette_static_routes as routes

    build = routes.create_streamlit_static_handler

    def wrapped(directory: str, base_url: str | None) -> Any:
        return with_head_tags(build(directory, base_url), head_tags(directory))

    routes.create_streamlit_static_handler = wrapped


def main() -> int:
    preload()
    from streamlit import file_util

    head_tags(file_util.get_static_dir())  # fails here, before the server listens, when the chunk is not found
    serve_index_with_preload()
    from streamlit.web.cli import main as streamlit_main

    return int(streamlit_main(prog_name="streamlit") or 0)


if __name__ == "__main__":
    sys.exit(main())

"""`mess analytics` really serves the app under /analytics, with the health URL the probes use."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import streamlit

from analytics.launch import BASE_PATH, streamlit_argv
from analytics.serve import plotly_chunk
from tests.support.procs import ROOT, free_port


def test_argv_honours_settings(monkeypatch):
    from mess.config import get_settings

    monkeypatch.setenv("MESS_WEB_HOST", "0.0.0.0")
    get_settings.cache_clear()
    try:
        argv = streamlit_argv(8765)
    finally:
        get_settings.cache_clear()
    flags = dict(zip(argv[5::2], argv[6::2], strict=False))
    assert argv[1:5] == ["-m", "analytics.serve", "run", str(ROOT / "analytics" / "app.py")]
    assert flags["--server.port"] == "8765"
    assert flags["--server.baseUrlPath"] == BASE_PATH == "analytics"
    assert flags["--server.address"] == "0.0.0.0"
    assert flags["--server.headless"] == "true"


STATIC = Path(streamlit.__file__).parent / "static"
# What analytics/serve.py adds before </head>: preloads (the Plotly chunk first), then a module script importing it.
ADDED = re.compile(
    r'((?:<link rel="modulepreload" crossorigin href="\./static/js/[\w.-]+\.js">)+)'
    r'<script type="module">import\("\./(static/js/PlotlyChart\.[\w-]+\.js)"\)</script></head>'
)
PRELOADED = re.compile(r'href="\./(static/js/[\w.-]+\.js)"')


def _serve_and_stop(tmp_path, *fetch: str, **extra_env: str) -> tuple[int | None, str, dict[str, bytes]]:
    """Start `mess analytics`, check its health URL and page, fetch the paths `fetch` (under /analytics/), stop
    it with SIGTERM: (exit code, what it printed, each fetched path's body)."""
    port = free_port()
    env = {**os.environ, "MESS_WEB_HOST": "127.0.0.1", "MESS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"}
    env["HOME"] = str(tmp_path)  # Streamlit writes its machine id under ~/.streamlit
    env.update(extra_env)
    output = tmp_path / "output.log"
    with output.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", "analytics", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            body = b""
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    url = f"http://127.0.0.1:{port}/analytics/_stcore/health"
                    with urllib.request.urlopen(url, timeout=2) as response:
                        body = response.read()
                        break
                except OSError:
                    time.sleep(0.5)
            assert body == b"ok", f"no health answer (exit code {process.poll()}): {output.read_text()[-2000:]}"
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/analytics/", timeout=5) as response:
                assert response.status == 200
            fetched = {}
            for path in fetch:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/analytics/{path}", timeout=30) as response:
                    assert response.status == 200, path
                    fetched[path] = response.read()
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
    return process.returncode, output.read_text(), fetched


def test_mess_analytics_serves_health_under_the_base_path(tmp_path):
    _serve_and_stop(tmp_path)


def test_every_page_preloads_and_imports_the_plotly_chunk_and_assets_are_served_as_they_are(tmp_path):
    """The HTML of the app's root and of a page's URL (Streamlit's index.html both) preloads Streamlit's Plotly
    chunk, a file of its static directory, and the chunk's imports that index.html does not preload, and imports
    the chunk; the rest of the HTML is Streamlit's index.html, and the chunk is served byte for byte."""
    chunk = plotly_chunk(STATIC)
    _, _, fetched = _serve_and_stop(tmp_path, "", "consumption", chunk)
    original = (STATIC / "index.html").read_bytes()
    for path in ("", "consumption"):
        html = fetched[path].decode()
        added = ADDED.search(html)
        assert added is not None, html[-1500:]
        preloaded = PRELOADED.findall(added[1])
        assert preloaded[0] == added[2] == chunk
        assert all((STATIC / p).is_file() and f"./{p}" not in original.decode() for p in preloaded)
        assert ADDED.sub("</head>", html).encode() == original
    assert fetched[chunk] == (STATIC / chunk).read_bytes()


def test_a_streamlit_without_the_plotly_chunk_is_refused(tmp_path):
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "js" / "index.abc.js").write_text("")
    with pytest.raises(RuntimeError, match="PlotlyChart"):
        plotly_chunk(tmp_path)


def test_json_logs_carry_streamlits_lines_in_our_shape(tmp_path):
    """MESS_LOG_FORMAT=json: every line the analytics process prints is one JSON object of mess.kit.logs, Streamlit's
    own lines included (with their logger and level), and SIGTERM reaches Streamlit, which exits cleanly."""
    code, printed, _ = _serve_and_stop(tmp_path, MESS_LOG_FORMAT="json", MESS_LOG_LEVEL="DEBUG")
    lines = [json.loads(line) for line in printed.splitlines() if line.strip()]  # fails on any other line
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert any(line["logger"].startswith("streamlit.") for line in lines), printed[-2000:]
    assert code == 0, printed[-2000:]

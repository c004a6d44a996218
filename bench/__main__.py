"""Run every benchmark and write bench/RESULTS.md: the machine, a summary table, and each benchmark's output.

    python -m bench            (make bench)
    python -m bench headcount  (just some of them)

Each benchmark is its own process (`python -m bench.<name>`) and prints `SUMMARY | name | measured | target |
verdict` lines for the table. Figures are reported, never asserted: this is not part of the tests' pass/fail."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime

from bench.common import ROOT, machine

BENCHMARKS = [
    "booking_rush",
    "billing",
    "headcount",
    "week_page",
    "analytics",
    "resident_import",
    "counter_headcount",
    "checkin_batch",
]


def run(name: str) -> tuple[str, list[list[str]], float]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", f"bench.{name}"], cwd=ROOT, capture_output=True, text=True, check=False, timeout=3600
    )
    elapsed = time.perf_counter() - started
    output = result.stdout + (f"\n[exit {result.returncode}]\n{result.stderr[-3000:]}" if result.returncode else "")
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")[1:]]
        for line in result.stdout.splitlines()
        if line.startswith("SUMMARY |")
    ]
    if result.returncode:
        rows.append([name, "failed to run", "", "see output"])
    return output, rows, elapsed


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    sections, table = [], []
    for name in names:
        if not (ROOT / "bench" / f"{name}.py").exists():
            continue
        print(f"== {name}", flush=True)
        output, rows, elapsed = run(name)
        print(output, flush=True)
        sections.append(f"### {name} ({elapsed:.0f} s)\n\n```\n{output.strip()}\n```\n")
        table.extend(rows)
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, PostgreSQL and Redis on loopback.",
        "",
        "| benchmark | measured | target | verdict |",
        "|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in table],
        "",
        *sections,
    ]
    out = ROOT / "bench" / "RESULTS.md"
    out.write_text("\n".join(lines))
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

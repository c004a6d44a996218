"""Booking rush: 2,000 residents booking and cancelling for 60 s over HTTP against PostgreSQL, with the production
server settings, next to a bare FastAPI endpoint doing the same single upsert through the same stack.

Both servers run side by side and the load alternates between them in rounds (API, bare, bare, API, ...): a
shared VM's speed drifts by tens of percent within minutes, and alternating keeps that drift out of the ratio.
Each side gets `--seconds` of load in all; percentiles come from wrk's exact latency histograms, merged.

    python -m bench.booking_rush [--seconds 60] [--rounds 4] [--residents 2000] [--connections 32] [--workers 2]
Prints figures and ratios; never asserts."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update

from bench.common import ROOT, SECRET, bin_path, free_port, machine, server, temporary_database
from mess.auth.actor import Actor
from mess.auth.tokens import issue_access_token
from mess.config import Settings
from mess.db.engine import Database
from mess.kit.dates import local_today
from mess.models import Leave, Resident, Slot
from mess.seed.service import seed_demo


async def prepare(url: str, residents: int, tokens_file: Path) -> tuple[list[str], list[str], list[str]]:
    database = Database(Settings(database_url=url), null_pool=True)
    now = datetime.now(UTC)
    async with database.transaction() as session:
        await seed_demo(session, residents=residents, days=1, now=now)
        # Everyone in residence and nobody on leave: the rush measures writes, not refusals.
        await session.execute(delete(Leave))
        await session.execute(update(Resident).values(active_from=date(2020, 1, 1), active_to=None))
    async with database.read_only() as session:
        people = (
            await session.execute(select(Resident.id, Resident.user_id, Resident.roll_no, Resident.mess_id))
        ).all()
        slots = (await session.execute(select(Slot.code, Slot.id).order_by(Slot.serve_start))).all()
    await database.dispose()
    lines = []
    for resident_id, user_id, roll_no, mess_id in people:
        actor = Actor(user_id, "resident", mess_id, roll_no, roll_no, resident_id)
        lines.append(f"{resident_id} {issue_access_token(actor, SECRET, now, 600)}")
    tokens_file.write_text("\n".join(lines) + "\n")
    today = local_today(now, "Asia/Kolkata")
    # Meals two to eight days ahead: well before their cutoffs, as in the rush before a weekend.
    dates = [(today + timedelta(days=d)).isoformat() for d in range(2, 9)]
    return dates, [code for code, _ in slots], [str(slot_id) for _, slot_id in slots]


def run_wrk(base: str, seconds: int, connections: int, env: dict[str, str]) -> dict[str, Any]:
    script = str(ROOT / "bench/rush.lua")
    # One wrk thread drives 32 connections at these rates easily and leaves the cores to the servers.
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", script, base],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return result


def merge(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One side's rounds as one run: summed counts and time, percentiles of the merged latency histogram."""
    histogram: dict[int, int] = {}
    for r in rounds:
        for value, count in r["latency_us"]:
            histogram[value] = histogram.get(value, 0) + count
    values = sorted(histogram)
    total = sum(histogram.values())

    def percentile(p: float) -> float:
        threshold, seen = total * p / 100, 0
        for value in values:
            seen += histogram[value]
            if seen >= threshold:
                return value / 1000
        return values[-1] / 1000 if values else 0.0

    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["duration_us"] for r in rounds) / 1e6
    return {
        "requests": requests,
        "rps": requests / seconds if seconds else 0.0,
        "round_rps": [r["requests"] / (r["duration_us"] / 1e6) for r in rounds],
        "p50_ms": percentile(50),
        "p95_ms": percentile(95),
        "p99_ms": percentile(99),
        "socket_errors": sum(r["socket_errors"] for r in rounds),
        "non_2xx": sum(r["non_2xx"] for r in rounds),
    }


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args, _ = parser.parse_known_args()
    round_seconds = max(1, args.seconds // args.rounds)
    with temporary_database("bench_rush") as url, tempfile.TemporaryDirectory() as tmp:
        tokens = Path(tmp) / "tokens.txt"
        dates, slots, slot_ids = asyncio.run(prepare(url, args.residents, tokens))
        env = {
            "MESS_DATABASE_URL": url,
            "MESS_SECRET_KEY": SECRET,
            "MESS_ENVIRONMENT": "production",
            "MESS_LOG_LEVEL": "WARNING",
            "PROMETHEUS_MULTIPROC_DIR": str(Path(tmp) / "prom"),
        }
        os.makedirs(env["PROMETHEUS_MULTIPROC_DIR"])
        wrk_env = {"RUSH_TOKENS": str(tokens), "RUSH_DATES": ",".join(dates), "RUSH_SLOTS": ",".join(slots)}
        wrk_env["RUSH_SLOT_IDS"] = ",".join(slot_ids)
        api_port, bare_port = free_port(), free_port()
        workers = str(args.workers)
        serve = [bin_path("mess"), "serve", "--host", "127.0.0.1", "--port", str(api_port), "--workers", workers]
        # The same server and settings (web/gunicorn_conf.py) as `mess serve`, serving only the bare upsert.
        bare_cmd = [bin_path("gunicorn"), "bench.bare_app:app", "--worker-class", "uvicorn.workers.UvicornWorker"]
        bare_cmd += ["--config", "python:web.gunicorn_conf", "--workers", workers, "--bind", f"127.0.0.1:{bare_port}"]
        rounds: dict[str, list[dict[str, Any]]] = {"api": [], "bare": []}
        with server(serve, env, api_port) as api_base, server(bare_cmd, env, bare_port) as bare_base:
            bases = {"api": api_base, "bare": bare_base}
            for i in range(args.rounds):
                for mode in ("api", "bare") if i % 2 == 0 else ("bare", "api"):
                    result = run_wrk(bases[mode], round_seconds, args.connections, {**wrk_env, "RUSH_MODE": mode})
                    rounds[mode].append(result)
    api, bare = merge(rounds["api"]), merge(rounds["bare"])
    ratio = api["rps"] / bare["rps"] if bare["rps"] else 0.0
    print(f"machine: {machine()}")
    print(
        f"booking rush, {args.residents} residents, {round_seconds * args.rounds} s per side in {args.rounds} "
        f"alternating rounds, {args.connections} connections, {args.workers} server workers"
    )
    for name, r in (("mess API", api), ("bare FastAPI upsert", bare)):
        per_round = " ".join(f"{x:.0f}" for x in r["round_rps"])
        print(
            f"  {name:20s} {r['rps']:8.0f} writes/s  p50 {r['p50_ms']:.1f} ms  p95 {r['p95_ms']:.1f} ms  "
            f"p99 {r['p99_ms']:.1f} ms  errors {r['socket_errors'] + r['non_2xx']}  (rounds: {per_round})"
        )
    print(f"  ratio API/bare: {ratio:.2f} (target >= 0.5); targets: >= 1000 writes/s, p99 < 100 ms, no errors")
    errors = api["socket_errors"] + api["non_2xx"]
    ok = api["rps"] >= 1000 and api["p99_ms"] < 100 and errors == 0 and ratio >= 0.5
    print(
        f"SUMMARY | booking rush ({args.residents} residents, {round_seconds * args.rounds} s) | {api['rps']:.0f} "
        f"writes/s, p99 {api['p99_ms']:.0f} ms, {errors} errors, {ratio:.2f}x bare | >= 1000/s, p99 < 100 ms, "
        f"0 errors, >= 0.5x | {'met' if ok else 'not met'} |"
    )
    return {"api": api, "bare": bare, "ratio": ratio, "residents": args.residents, "seconds": args.seconds}


if __name__ == "__main__":
    main()

"""Location ingest on one API process, the CPU it spends per request: one uvicorn process on a fleet of 5,000
technicians (1,250 of them driving to a job), 16 keep-alive connections from wrk (C), batches of five fixes.
Idle technicians' requests and on-the-job ones (their fixes also lock the order, go to its history, are checked
against the route and refresh the ETA every 5 s through OSRM) are measured apart: the two cost very differently.

Each token is used before the timed runs, as an app's token is for days. Variants, run in turn in each round:
`this` (this checkout as configured), `tokens_checked_each_time` (TRUSTLOOP_VERIFIED_TOKENS_KEPT=0, the
baseline of the verified-token memory) and, with `--baseline-dir`, `baseline` (the server of another checkout,
e.g. a `git worktree` of an earlier commit, on the same database, fleet and OSRM).

API CPU per request is the server process's user and system time over the run, from /proc, divided by the
requests wrk completed; wrk's latencies and requests/s come with it. Needs wrk (`apt-get install wrk`).
"""

import asyncio
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from app.auth.tokens import JwtTokens, Principal
from app.config import DEV_JWT_SECRET
from app.enums import Role
from bench.common import cpu_s, parser, report
from bench.live import BENCH_DATABASE_URL, seed, wrk_locations
from bench.routing import liechtenstein_osrm
from trustloop.processes import free_port, spawn_until_up

CHECKOUT = Path(__file__).resolve().parent.parent


def timed_run(base: str, pid: int, tokens: list[str], seconds: int, connections: int) -> dict[str, Any]:
    before = cpu_s(pid)
    result = wrk_locations(base, tokens, seconds, connections, threads=1)
    spent = cpu_s(pid) - before
    elapsed = result["duration_us"] / 1e6
    return {
        "requests_per_s": round(result["requests"] / elapsed),
        "accepted_points_per_s": round(result["accepted_points"] / elapsed),
        "median_ms": result["p50_us"] / 1000, "p99_ms": result["p99_us"] / 1000, "non_2xx": result["non_2xx"],
        "api_cpu_ms_per_request": round(spent * 1000 / max(1, result["requests"]), 3),
        "api_cores": round(spent / elapsed, 2),
    }  # fmt: skip


def measure(variant: dict[str, Any], osrm_url: str, fleets: dict[str, list[str]], args: Any) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TRUSTLOOP_DATABASE_URL": BENCH_DATABASE_URL, "TRUSTLOOP_OSRM_URL": osrm_url,
           "TRUSTLOOP_LOCATION_REQUESTS_PER_WINDOW": "100000", "TRUSTLOOP_LOG_LEVEL": "WARNING", **variant["env"]}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "trustloop.asgi:app", "--app-dir", str(variant["dir"]),
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    server = spawn_until_up(command, f"{base}/healthz", env=env)
    try:
        figures = {}
        for fleet, tokens in fleets.items():
            # Every token used once at least, as in a day's work.
            wrk_locations(base, tokens, args.warmup, args.connections, threads=1)
            time.sleep(1)
            figures[fleet] = timed_run(base, server.pid, tokens, args.seconds, args.connections)
            time.sleep(1)
        return figures
    finally:
        server.terminate()
        server.wait(timeout=20)


async def run(args: Any) -> dict[str, Any]:
    technician_ids, jobs = await seed(args.technicians, args.on_jobs)
    issuer = JwtTokens(DEV_JWT_SECRET, 24 * 3600)

    def tokens(ids: list[UUID]) -> list[str]:
        return [issuer.issue(Principal(t, Role.TECHNICIAN)) for t in ids]

    fleets = {"idle": tokens(technician_ids[len(jobs) :]), "on_a_job": tokens(technician_ids[: len(jobs)])}
    fleets = {fleet: its_tokens for fleet, its_tokens in fleets.items() if its_tokens}  # --on-jobs 0: idle alone
    variants = {"this": {"dir": CHECKOUT, "env": {}},
                "tokens_checked_each_time": {"dir": CHECKOUT, "env": {"TRUSTLOOP_VERIFIED_TOKENS_KEPT": "0"}}}  # fmt: skip
    if args.baseline_dir is not None:
        variants["baseline"] = {"dir": args.baseline_dir, "env": {}}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
    with liechtenstein_osrm() as osrm_url:
        for round_ in range(args.rounds):
            order = list(variants) if round_ % 2 == 0 else list(reversed(variants))
            for name in order:
                figures = await asyncio.to_thread(measure, variants[name], osrm_url, fleets, args)
                runs[name].append(figures)
                print(f"round {round_} {name}: {json.dumps(figures)}", file=sys.stderr, flush=True)

    def median(name: str, fleet: str, key: str) -> float:
        return round(float(statistics.median(r[fleet][key] for r in runs[name])), 3)

    keys = ("api_cpu_ms_per_request", "requests_per_s", "accepted_points_per_s", "median_ms", "p99_ms")
    summary = {name: {fleet: {key: median(name, fleet, key) for key in keys} for fleet in fleets} for name in variants}
    ratios = {
        f"{name}_over_this": {
            fleet: round(summary[name][fleet]["api_cpu_ms_per_request"] / summary["this"][fleet]["api_cpu_ms_per_request"], 3)
            for fleet in fleets
        }
        for name in variants
        if name != "this"
    }  # fmt: skip
    return {"technicians": args.technicians, "on_jobs": args.on_jobs, "connections": args.connections,
            "seconds_per_run": args.seconds, "rounds": args.rounds, "summary": summary,
            "api_cpu_ratios": ratios, "runs": runs}  # fmt: skip


def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--technicians", type=int, default=5000)
    arguments.add_argument("--on-jobs", type=int, default=1250, help="technicians driving to a job")
    arguments.add_argument("--connections", type=int, default=16)
    arguments.add_argument("--seconds", type=int, default=10, help="length of each timed run")
    arguments.add_argument("--warmup", type=int, default=10, help="seconds of use before each timed run")
    arguments.add_argument("--rounds", type=int, default=3, help="rounds, the variants' order alternating")
    arguments.add_argument("--baseline-dir", type=Path, help="another checkout whose server is measured too")
    args = arguments.parse_args()
    if args.baseline_dir is not None:
        args.baseline_dir = args.baseline_dir.resolve()
    if shutil.which("wrk") is None:
        print("bench.ingest skipped: it needs wrk", file=sys.stderr)
        return
    report("ingest", asyncio.run(run(args)), args.json or Path("bench/results/ingest.json"))


if __name__ == "__main__":
    main()

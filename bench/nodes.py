"""Location ingest through the load balancer: one API node against two, in the same run. Each API node is a
host of its own (a network namespace on a bridge, as in tests/nodes) running one uvicorn process; HAProxy on
the bridge balances them and forwards the nodes' PostgreSQL and OSRM connections to the root namespace. The
technicians' apps are 16 keep-alive connections through HAProxy, each posting for its own share of the fleet,
so a technician posts every few seconds (fleet size / requests per second), one point per request or a small
batch. A share of the fleet is driving to a job: their positions also lock the order, go to the job's history
and refresh its ETA (OSRM) as in production.

Figures per layout and batch size (medians over the rounds, the layouts' order alternating): accepted points/s,
requests/s, median and p99 latency, and where the time went: CPU seconds per request of each API node, HAProxy,
PostgreSQL (our backends and its background processes), OSRM and the load generator, from /proc.

At full speed every layout is saturated, so its p99 is mostly queueing. Afterwards the same apps are paced at
shares of each layout's full speed (by default 50, 70 and 85 %), each request's latency counted from the moment it
was due: the most points/s a layout gave with a p99 under 50 ms is what the target asks.

Target (issue "Nationwide"): >= 5,000 accepted points/s at p99 < 50 ms with 16 connections. Needs root (network
namespaces) and HAProxy: `python -m bench.nodes`.
"""

import asyncio
import contextlib
import json
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import uvloop
from sqlalchemy import insert, text

from app.auth.tokens import JwtTokens, Principal
from app.config import DEV_JWT_SECRET
from app.db import make_engine, recreate_database, upgrade_schema
from app.enums import Role, Service
from app.geo import Point, to_geography
from app.orders.models import Order, OrderStatus
from app.technicians.models import Technician
from app.users.models import Driver, User
from bench.common import cpu_s, machine_busy_s, parser, postgres_pids, report, summary_ms
from bench.routing import liechtenstein_osrm
from tools.network import (
    Forward,
    Network,
    haproxy_config,
    start_haproxy,
    start_on,
    stop,
    unavailable,
    wait_for_port,
    wait_until_balanced,
)
from trustloop.processes import children_of, wait_until_up

BENCH_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/trustloop_bench_nodes"
DATABASE = "trustloop_bench_nodes"
CENTRE = Point(lat=47.14, lon=9.52)  # Vaduz: roads all around, so OSRM routes every technician on a job
API_NODES = ("api1", "api2")
API_PORT = 8000
# On the bridge's address: HAProxy's front for both nodes, its front for the first node alone, and the ways
# to PostgreSQL and OSRM in the root namespace.
TWO_PORT, ONE_PORT, POSTGRES_PORT, OSRM_PORT = 80, 81, 5432, 5000
LAYOUTS = {1: ONE_PORT, 2: TWO_PORT}
PATH = "/v1/technicians/me/locations"
SPEED_DEG_PER_S = 1e-5  # northwards, about 1.1 m/s: every fix is believable after the one before it
START_S = 60  # the first batch of a technician spans at most this far back


@dataclass
class Fleet:
    """The technicians the load generator posts for: a token, a starting place and the time of the last fix
    sent (so the fixes of each technician only move forward, across runs too)."""

    tokens: list[bytes]
    places: list[tuple[float, float]]
    last: list[float]
    born: float = field(default_factory=time.time)

    def body(self, who: int, batch: int, now: float) -> bytes:
        """A batch spread evenly between his last fix and now, the last point at now."""
        since = max(self.last[who], now - START_S)
        step = (now - since) / batch
        lat, lon = self.places[who]
        points = []
        for k in range(batch):
            at = since + step * (k + 1)
            moment = datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")
            points.append(
                f'{{"lat":{lat + SPEED_DEG_PER_S * (at - self.born):.7f},"lon":{lon:.7f},"recorded_at":"{moment}"}}'
            )
        self.last[who] = now
        return ('{"points":[' + ",".join(points) + "]}").encode()


async def seed(technicians: int, on_jobs: int, rng: random.Random) -> tuple[list[UUID], list[tuple[float, float]]]:
    """Online technicians around Vaduz, the first `on_jobs` of them driving to a driver's car 2 km away."""
    await recreate_database(BENCH_DATABASE_URL)
    await asyncio.to_thread(upgrade_schema, BENCH_DATABASE_URL)
    engine = make_engine(BENCH_DATABASE_URL, 2)
    ids = [uuid4() for _ in range(technicians)]
    places = [(CENTRE.lat + rng.uniform(-0.003, 0.003), CENTRE.lon + rng.uniform(-0.003, 0.003)) for _ in ids]
    jobs = [(uuid4(), uuid4(), ids[k]) for k in range(on_jobs)]
    start = datetime.now(UTC) - timedelta(hours=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(User), [{"id": t, "role": Role.TECHNICIAN} for t in ids]
                                     + [{"id": d, "role": Role.DRIVER} for _, d, _ in jobs])  # fmt: skip
            if jobs:
                await connection.execute(insert(Driver), [{"id": d} for _, d, _ in jobs])
            await connection.execute(insert(Technician), [
                {"id": t, "name": f"T{k}", "skills": ["tow"], "online": True, "position_at": start,
                 "position": to_geography(Point(lat=places[k][0], lon=places[k][1]))}
                for k, t in enumerate(ids)
            ])  # fmt: skip
            if jobs:
                await connection.execute(insert(Order), [
                    {"id": o, "driver_id": d, "technician_id": t, "service": Service.TOW, "status": OrderStatus.EN_ROUTE,
                     "location": to_geography(Point(lat=CENTRE.lat + 0.02, lon=CENTRE.lon)), "created_at": start,
                     "updated_at": start}
                    for o, d, t in jobs
                ])  # fmt: skip
            await connection.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    return ids, places


def database_counters() -> dict[str, int]:
    query = (
        f"SELECT xact_commit, tup_inserted, tup_updated, tup_returned + tup_fetched FROM pg_stat_database "
        f"WHERE datname = '{DATABASE}'"
    )
    row = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atqc", query, "-F", " "],
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    return dict(zip(("commits", "inserted", "updated", "read"), (int(v) for v in row), strict=True))


@dataclass
class Meter:
    """CPU seconds per part of the system over a run."""

    parts: dict[str, list[int]]
    started: dict[int, float] = field(default_factory=dict)
    machine: tuple[float, float] = (0.0, 0.0)
    own: float = 0.0
    counters: dict[str, int] = field(default_factory=dict)

    def start(self) -> None:
        self.started = {pid: cpu_s(pid) for pids in self.parts.values() for pid in pids}
        self.machine, self.own, self.counters = machine_busy_s(), time.process_time(), database_counters()

    def stop(self) -> dict[str, Any]:
        busy, total = machine_busy_s()
        spent = {
            name: sum(cpu_s(pid) - self.started.get(pid, 0.0) for pid in pids) for name, pids in self.parts.items()
        }
        spent["load_generator"] = time.process_time() - self.own
        after = database_counters()
        cores = os.cpu_count() or 1
        return {
            "cpu_s": {name: round(value, 3) for name, value in spent.items()},
            "machine_busy_s": round(busy - self.machine[0], 3),
            "machine_wall_s": round((total - self.machine[1]) / cores, 3),
            "database": {name: after[name] - self.counters[name] for name in after},
        }


# The technicians' apps: raw HTTP/1.1 keep-alive connections, so the load generator spends little CPU.


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    accepted: int = 0
    rejected: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    served_by: dict[str, int] = field(default_factory=dict)


async def connection_loop(
    host: str, port: int, fleet: Fleet, mine: list[int], batch: int, deadline: float, budget: list[int], tally: Tally,
    interval_s: float | None = None,
) -> None:  # fmt: skip
    """One app connection posting batches for its own technicians in turn until the deadline or the shared
    request budget runs out: each as soon as the answer to the last came or, paced, every `interval_s`. Paced,
    a request's latency runs from the moment it was due, so the time it waited behind a slow answer counts."""
    reader, writer = await asyncio.open_connection(host, port)
    turn = random.randrange(len(mine))
    due = time.perf_counter() + random.uniform(0, interval_s or 0)  # the connections out of step
    try:
        while time.monotonic() < deadline and budget[0] > 0:
            if interval_s is not None:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
            budget[0] -= 1
            who = mine[turn % len(mine)]
            turn += 1
            body = fleet.body(who, batch, time.time())
            head = (
                f"POST {PATH} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nAuthorization: Bearer "
            ).encode()
            started = time.perf_counter() if interval_s is None else due
            due += interval_s or 0
            writer.write(head + fleet.tokens[who] + b"\r\n\r\n" + body)
            header = await reader.readuntil(b"\r\n\r\n")
            lines = header.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            answer = await reader.readexactly(int(fields.get("content-length", "0")))
            tally.latencies.append(time.perf_counter() - started)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            node = fields.get("x-served-by", "?")
            tally.served_by[node] = tally.served_by.get(node, 0) + 1
            if status == 202:
                result = json.loads(answer)
                tally.accepted += result["accepted"]
                tally.rejected += result["rejected"]
            if fields.get("connection", "").lower() == "close":
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def drive(
    host: str, port: int, fleet: Fleet, connections: int, batch: int, seconds: float, max_requests: int,
    requests_per_s: float | None = None,
) -> tuple[Tally, float]:  # fmt: skip
    """`connections` apps posting through the load balancer for at most `seconds` and `max_requests`, as fast
    as answers come or, paced, `requests_per_s` in all."""
    interval_s = connections / requests_per_s if requests_per_s else None
    tally = Tally()
    budget = [max_requests]
    shares = [list(range(c, len(fleet.tokens), connections)) for c in range(connections)]
    began = time.monotonic()
    async with asyncio.timeout(seconds + 30):
        await asyncio.gather(
            *(
                connection_loop(host, port, fleet, share, batch, began + seconds, budget, tally, interval_s)
                for share in shares
            )
        )
    return tally, time.monotonic() - began


def figures_of(tally: Tally, elapsed: float, batch: int, connections: int, fleet: int, usage: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    requests = len(tally.latencies)
    per_request_ms = {name: round(1000 * value / max(requests, 1), 3) for name, value in usage["cpu_s"].items()}
    return {
        "batch": batch, "connections": connections, "seconds": round(elapsed, 2), "requests": requests,
        "requests_per_s": round(requests / elapsed), "accepted_points_per_s": round(tally.accepted / elapsed),
        "accepted": tally.accepted, "rejected": tally.rejected, "statuses": tally.statuses,
        "served_by": tally.served_by, "seconds_between_a_technicians_posts": round(fleet * elapsed / max(requests, 1), 1),
        "latency": summary_ms(tally.latencies) if tally.latencies else {},
        "cpu_cores": {name: round(value / elapsed, 2) for name, value in usage["cpu_s"].items()},
        "cpu_ms_per_request": per_request_ms,
        "machine_busy_cores": round(usage["machine_busy_s"] / elapsed, 2),
        # What the rest of the machine took meanwhile (other work on it): the benchmark got what was left.
        "others_cores": round((usage["machine_busy_s"] - sum(usage["cpu_s"].values())) / elapsed, 2),
        "database_per_request": {name: round(n / max(requests, 1), 2) for name, n in usage["database"].items()},
    }  # fmt: skip


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per layout and batch: the medians over the rounds at full speed, and the paced runs: the most points/s
    seen with a p99 under 50 ms."""
    summary: dict[str, Any] = {}
    for nodes in LAYOUTS:
        for batch in sorted({r["batch"] for r in runs}):
            mine = [r for r in runs if r["nodes"] == nodes and r["batch"] == batch and "paced_share" not in r]
            paced = [r for r in runs if r["nodes"] == nodes and r["batch"] == batch and "paced_share" in r]
            if not mine:
                continue
            under_50_ms = [r["accepted_points_per_s"] for r in [*mine, *paced] if r["latency"].get("p99_ms", 1e9) < 50]

            def median(*path: str, among: list[dict[str, Any]] = mine) -> float:
                values = []
                for run in among:
                    value: Any = run
                    for key in path:
                        value = value[key]
                    values.append(value)
                return round(float(statistics.median(values)), 2)

            points, p99 = median("accepted_points_per_s"), median("latency", "p99_ms")
            summary[f"{nodes}_node{'s' if nodes > 1 else ''}_batch_{batch}"] = {
                "rounds": len(mine), "accepted_points_per_s": points, "requests_per_s": median("requests_per_s"),
                "median_ms": median("latency", "median_ms"), "p99_ms": p99,
                "cpu_ms_per_request": {name: median("cpu_ms_per_request", name) for name in mine[0]["cpu_ms_per_request"]},
                "api_cpu_ms_per_request": round(
                    statistics.median(sum(r["cpu_ms_per_request"][n] for n in API_NODES) for r in mine), 2
                ),
                "api_cores": round(statistics.median(sum(r["cpu_cores"][n] for n in API_NODES) for r in mine), 2),
                "machine_busy_cores": median("machine_busy_cores"), "others_cores": median("others_cores"),
                "paced": [{"share": r["paced_share"], "offered_requests_per_s": r["offered_requests_per_s"],
                           "accepted_points_per_s": r["accepted_points_per_s"], "median_ms": r["latency"].get("median_ms"),
                           "p99_ms": r["latency"].get("p99_ms")} for r in paced],
                "most_points_per_s_at_p99_under_50_ms": max(under_50_ms, default=None),
                "meets_target": max(under_50_ms, default=0) >= 5000,
            }  # fmt: skip
    return summary


@contextlib.contextmanager
def terminated_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the run through the usual clean-up, as Ctrl-C does."""

    def leave(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = {s: signal.signal(s, leave) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def node_env(gateway: str, workers: int) -> dict[str, str]:
    through_balancer = f"postgresql+asyncpg://postgres@{gateway}:{POSTGRES_PORT}/{DATABASE}"
    return {
        **os.environ, "TRUSTLOOP_DATABASE_URL": through_balancer, "TRUSTLOOP_OSRM_URL": f"http://{gateway}:{OSRM_PORT}",
        "TRUSTLOOP_LOG_LEVEL": "WARNING", "TRUSTLOOP_DATABASE_POOL_SIZE": str(max(2, 16 // workers)),
    }  # fmt: skip


def node_pids(root: int) -> list[int]:
    """A node's uvicorn: the process itself and, with several workers, its worker processes."""
    return [root, *children_of(root)]


async def measure(args: Any, network: Network, processes: dict[str, subprocess.Popen[bytes]],
                  balancer: subprocess.Popen[bytes], osrm_pid: int | None, fleet: Fleet) -> list[dict[str, Any]]:  # fmt: skip
    host = network.gateway
    parts_base: dict[str, list[int]] = {name: node_pids(p.pid) for name, p in processes.items()}
    parts_base["haproxy"] = [balancer.pid]
    if osrm_pid is not None:
        parts_base["osrm"] = [osrm_pid]
    # Warm both layouts up: the nodes open their database pools, the first ETAs are computed, and every node has
    # seen every technician's token (an app's token serves it for days, so a node checks it once, not per ping).
    for nodes, port in LAYOUTS.items():
        await drive(host, port, fleet, args.connections, args.batches[0], 120, nodes * len(fleet.tokens))
        await drive(host, port, fleet, args.connections, args.batches[0], args.warmup, 10**9)
    runs = []
    for round_ in range(args.rounds):
        order = list(LAYOUTS) if round_ % 2 == 0 else list(reversed(LAYOUTS))
        for nodes in order:
            for batch in args.batches:
                meter = Meter({**parts_base, **await asyncio.to_thread(postgres_pids, DATABASE)})
                meter.start()
                tally, elapsed = await drive(
                    host, LAYOUTS[nodes], fleet, args.connections, batch, args.seconds, args.max_requests
                )
                usage = meter.stop()
                run = {"round": round_, "nodes": nodes, **figures_of(tally, elapsed, batch, args.connections, len(fleet.tokens), usage)}  # fmt: skip
                runs.append(run)
                print(
                    f"round {round_} {nodes} node(s) batch {batch}: {run['accepted_points_per_s']} points/s, "
                    f"{run['requests_per_s']} requests/s, median {run['latency'].get('median_ms')} ms, "
                    f"p99 {run['latency'].get('p99_ms')} ms; cores: API {sum(run['cpu_cores'][n] for n in API_NODES):.2f}, "
                    f"HAProxy {run['cpu_cores']['haproxy']}, PostgreSQL {run['cpu_cores']['postgres_backends']}, "
                    f"other work on the machine {run['others_cores']}",
                    file=sys.stderr,
                )
                await asyncio.sleep(args.pause)
    # Paced: the same apps at shares of each layout's full speed, for the latency below saturation.
    for nodes, batch in [(n, b) for n in LAYOUTS for b in args.batches]:
        full = statistics.median(r["requests_per_s"] for r in runs if r["nodes"] == nodes and r["batch"] == batch)
        for share in args.paced:
            meter = Meter({**parts_base, **await asyncio.to_thread(postgres_pids, DATABASE)})
            meter.start()
            tally, elapsed = await drive(
                host, LAYOUTS[nodes], fleet, args.connections, batch, args.seconds, args.max_requests, share * full
            )
            usage = meter.stop()
            run = {"paced_share": share, "offered_requests_per_s": round(share * full), "nodes": nodes,
                   **figures_of(tally, elapsed, batch, args.connections, len(fleet.tokens), usage)}  # fmt: skip
            runs.append(run)
            print(
                f"paced at {share:.0%} of full speed, {nodes} node(s) batch {batch}: {run['accepted_points_per_s']} "
                f"points/s, median {run['latency'].get('median_ms')} ms, p99 {run['latency'].get('p99_ms')} ms",
                file=sys.stderr,
            )
            await asyncio.sleep(args.pause)
    return runs


async def run(args: Any) -> dict[str, Any]:
    rng = random.Random(7)
    on_jobs = round(args.technicians * args.on_jobs)
    ids, places = await seed(args.technicians, on_jobs, rng)
    issuer = JwtTokens(DEV_JWT_SECRET, 3600)
    tokens = [issuer.issue(Principal(t, Role.TECHNICIAN)).encode() for t in ids]
    fleet = Fleet(tokens, places, [0.0] * len(ids))
    network = Network(list(API_NODES))
    balancer: list[subprocess.Popen[bytes]] = []
    nodes: dict[str, subprocess.Popen[bytes]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-nodes-") as scratch, liechtenstein_osrm() as osrm_url:
        directory = Path(scratch)
        try:
            network.up()
            gateway = network.gateway
            forwards = [Forward("postgres", POSTGRES_PORT, "127.0.0.1:5432"),
                        Forward("osrm", OSRM_PORT, urlsplit(osrm_url).netloc)]  # fmt: skip
            addresses = {name: f"{network.hosts[name].address}:{API_PORT}" for name in API_NODES}
            config = haproxy_config(gateway, TWO_PORT, addresses, forwards, {ONE_PORT: {"api1": addresses["api1"]}})
            balancer.append(start_haproxy(config, directory))
            wait_for_port(gateway, POSTGRES_PORT, balancer[0])
            uvicorn = [sys.executable, "-m", "uvicorn", "trustloop.asgi:app", "--host", "0.0.0.0", "--port",
                       str(API_PORT), "--no-access-log", "--log-level", "warning", "--workers", str(args.workers)]  # fmt: skip
            env = node_env(gateway, args.workers)
            for name in API_NODES:
                nodes[name] = start_on(network.hosts[name], uvicorn, env, directory / f"{name}.log")
            for name, process in nodes.items():
                wait_until_up(f"http://{addresses[name]}/healthz", timeout_s=60, process=process)
            wait_until_balanced(f"http://{gateway}:{TWO_PORT}", set(API_NODES))
            wait_until_balanced(f"http://{gateway}:{ONE_PORT}", {"api1"})
            osrm_pid = _listening_pid(urlsplit(osrm_url).port)
            runs = await measure(args, network, nodes, balancer[0], osrm_pid, fleet)
        except BaseException:
            show_logs(directory)
            raise
        finally:
            stop(list(nodes.values()))
            stop(balancer)
            failures = network.down()
            if failures:
                print(f"the benchmark's network was not removed entirely: {failures}", file=sys.stderr)
    load = os.getloadavg()
    return {
        "technicians": args.technicians, "on_jobs": on_jobs, "connections": args.connections,
        "workers_per_node": args.workers, "seconds_per_run": args.seconds, "batches": args.batches,
        "load_average_after": [round(v, 2) for v in load],
        "summary": summarize(runs), "runs": runs,
    }  # fmt: skip


def show_logs(directory: Path) -> None:
    """The ends of the nodes' and HAProxy's logs, when a run failed."""
    for log in sorted(directory.glob("*.log")):
        print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)


def _listening_pid(port: int | None) -> int | None:
    """The process listening on this loopback TCP port (osrm-routed), to count its CPU."""
    listed = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=False).stdout
    for part in listed.split("pid=")[1:]:
        return int(part.split(",")[0])
    return None


def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--technicians", type=int, default=5000, help="the fleet")
    arguments.add_argument("--on-jobs", type=float, default=0.25, help="share of the fleet driving to a job")
    arguments.add_argument("--connections", type=int, default=16)
    arguments.add_argument("--batches", type=lambda s: [int(b) for b in s.split(",")], default=[1, 5],
                           help="points per request, comma-separated")  # fmt: skip
    arguments.add_argument("--seconds", type=float, default=8.0, help="length of each timed run")
    arguments.add_argument("--max-requests", type=int, default=100_000, help="requests at most in each timed run")
    arguments.add_argument("--rounds", type=int, default=2, help="rounds, the layouts' order alternating")
    arguments.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per layout")
    arguments.add_argument("--pause", type=float, default=1.0, help="seconds between runs")
    arguments.add_argument("--workers", type=int, default=1, help="uvicorn processes per API node")
    arguments.add_argument("--paced", type=lambda s: [float(f) for f in s.split(",") if f], default=[0.5, 0.7, 0.85],
                           help="shares of full speed to pace the apps at afterwards, comma-separated (empty: none)")  # fmt: skip
    args = arguments.parse_args()
    reason = unavailable()
    if reason is not None:
        print(f"bench.nodes skipped: it {reason}", file=sys.stderr)
        return
    if math.isnan(args.on_jobs) or not 0 <= args.on_jobs <= 1:
        arguments.error("--on-jobs is a share between 0 and 1")
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    with terminated_by_signals():
        figures = asyncio.run(run(args), loop_factory=uvloop.new_event_loop)
    report("nodes", figures, args.json or Path("bench/results/nodes.json"))


if __name__ == "__main__":
    main()

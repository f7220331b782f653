"""Dispatch on Liechtenstein: the solver alone and a full round (candidates + OSRM table + solve + commit),
against a greedy nearest-first baseline on the same input; the full round again once the region has
CALIBRATION_DRIVES finished drives, so that every candidate's ETA is calibrated (`round_..._calibrated`); and the
largest round with nine in ten technicians offline (`round_..._most_offline`), on the spatial index of the online
technicians and on the index of all of them it replaced.

`round_..._half_driving` is the largest round with half the fleet driving about, each van's phone giving the way his
road runs: their drives start on the road they drive (OSRM bearings), against `round_...` (no headings).

`round_..._collector_running` is the baseline of the largest round: the same round with the garbage collector
left running, as it was before rounds paused it (app/collector.py). The process settles the collector first, as
the dispatcher worker does.

Targets on a 2-core machine: the solve < 100 ms and a full round < 500 ms at 1,000 orders x 5,000
technicians. A round's phases: lock, candidates, scores (read while OSRM computes the tables), osrm_table
(what is left of the wait for them), corrections, solve, offers.

Each round also gives the CPU it cost, from /proc: the dispatcher's (this process), osrm-routed's, PostgreSQL's
(the round's backend and its background processes) and the whole machine's; `cpu_floor_ms`, the machine's share
spread over every core, is the shortest the round could be on this machine however well its parts overlapped.
"""

import asyncio
import os
import random
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

from sqlalchemy import delete, insert, text

from app.collector import settle_collector
from app.config import Settings
from app.db import make_engine, make_sessionmaker, recreate_database, transaction, upgrade_schema
from app.enums import Role, Service
from app.geo import Point, bearing_deg, to_geography
from app.orders.models import JobEvent, Order, OrderStatus
from app.routing.osrm import OsrmClient
from app.technicians.models import Technician
from app.users.models import Driver, User
from bench.common import cpu_s, machine_busy_s, parser, postgres_pids, report, summary_ms, time_sync
from bench.routing import ROUTED_PIDS, liechtenstein_osrm, road_points
from dispatch import promises
from dispatch.dispatcher import DispatchConfig, dispatch_round
from dispatch.models import DispatchDecision, DispatchRound, EtaObservation, Offer
from dispatch.solver import Arc, OpenOrder, greedy_nearest, solve
from dispatch.tasks import run_round
from feedback.models import TrustScoreRow
from feedback.trust import ALL_SERVICES, FLEET_PRIOR
from notifications.models import Notification
from trustloop.wiring import wire

BENCH_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/trustloop_bench"
SIZES = [(200, 2000), (1000, 5000)]
CALIBRATION_DRIVES = 5000


def assignment_figures(orders: list[OpenOrder], arcs: list[Arc], repeat: int) -> dict[str, Any]:
    optimal = solve(orders, arcs)
    greedy = greedy_nearest(orders, arcs)

    def totals(assignments: list[Any]) -> dict[str, float]:
        assigned = [a for a in assignments if a.technician_id is not None]
        return {"assigned": len(assigned), "total_eta_s": round(sum(a.cost for a in assigned), 1)}

    return {
        "arcs": len(arcs),
        "solver": {**summary_ms(time_sync(lambda: solve(orders, arcs), repeat)), **totals(optimal)},
        "greedy": {**summary_ms(time_sync(lambda: greedy_nearest(orders, arcs), repeat)), **totals(greedy)},
    }


async def solver_alone(osrm: OsrmClient, technicians: list[Point], orders: list[Point], repeat: int) -> dict[str, Any]:
    """Arcs as the dispatcher builds them: each order's K best technicians by road ETA (pure ETA costs)."""
    table = await osrm.table(technicians, orders)
    figures: dict[str, Any] = {}
    for k in (8, 50):
        arcs = []
        for j in range(len(orders)):
            column = [(table.durations[i][j], i) for i in range(len(technicians)) if table.durations[i][j] is not None]
            arcs += [Arc(j, i, float(eta)) for eta, i in sorted(column)[:k] if eta is not None]
        open_orders = [OpenOrder(j, 2400.0) for j in range(len(orders))]
        figures[f"k{k}"] = assignment_figures(open_orders, arcs, repeat)
    return figures


async def seed(settings: Settings, technicians: list[Point], orders: list[Point]) -> None:
    engine = make_engine(settings.database_url, 2)
    now = datetime.now(UTC)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "TRUNCATE users, drivers, technicians, orders, offers, job_events, dispatch_decisions, notifications,"
                    " trust_scores, dispatch_rounds, eta_observations CASCADE"
                )
            )
            tech_ids = [uuid4() for _ in technicians]
            driver_ids = [uuid4() for _ in orders]
            await connection.execute(
                insert(User),
                [{"id": i, "role": Role.TECHNICIAN} for i in tech_ids]
                + [{"id": i, "role": Role.DRIVER} for i in driver_ids],
            )
            await connection.execute(insert(Driver), [{"id": i} for i in driver_ids])
            await connection.execute(
                insert(Technician),
                [
                    {
                        "id": i,
                        "name": f"T{n}",
                        "skills": [s.value for s in Service],
                        "online": True,
                        "position": to_geography(p),
                        "position_at": now,
                    }
                    for n, (i, p) in enumerate(zip(tech_ids, technicians, strict=True))
                ],
            )
            # Every technician has a record: an overall score and one per service, as after months of work.
            rng = random.Random(5)
            await connection.execute(
                insert(TrustScoreRow),
                [
                    {"technician_id": i, "service": service, "score": rng.uniform(0.55, 0.95), "prior": FLEET_PRIOR,
                     "ratings": rng.randint(0, 200), "parts": [], "updated_at": now}
                    for i in tech_ids
                    for service in [ALL_SERVICES, *(s.value for s in Service)]
                ],
            )  # fmt: skip
            await connection.execute(
                insert(Order),
                [
                    {
                        "id": uuid4(),
                        "driver_id": d,
                        "service": Service.TOW,
                        "status": OrderStatus.SEARCHING,
                        "location": to_geography(p),
                        "created_at": now,
                        "updated_at": now,
                    }
                    for d, p in zip(driver_ids, orders, strict=True)
                ],
            )
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            # As autovacuum would have by now in a running system, and not while the rounds are measured.
            await connection.execute(text("VACUUM ANALYZE"))
    finally:
        await engine.dispose()
    promises.forget()  # no finished drives now: a calibration fitted for the smaller size must not stay cached


async def finished_drives(settings: Settings, count: int) -> None:
    """`count` jobs of the region's technicians that reached their drivers, as the calibration reads them."""
    engine = make_engine(settings.database_url, 2)
    rng = random.Random(11)
    now = datetime.now(UTC)
    try:
        async with engine.begin() as connection:
            technicians = list((await connection.execute(text("SELECT id FROM technicians"))).scalars())
            drivers = list((await connection.execute(text("SELECT id FROM drivers"))).scalars())
            jobs = []
            for n in range(count):
                at = now - timedelta(minutes=10 * (n + 1))
                jobs.append({"id": uuid4(), "driver_id": drivers[n % len(drivers)], "service": Service.TOW,
                             "status": OrderStatus.COMPLETED, "location": to_geography(Point(lat=47.14, lon=9.52)),
                             "technician_id": rng.choice(technicians), "created_at": at, "updated_at": at,
                             "assigned_at": at})  # fmt: skip
            await connection.execute(insert(Order), jobs)
            drives = []
            for job in jobs:
                estimate_s = rng.uniform(120, 1500)
                drives.append({"order_id": job["id"], "region": "", "technician_id": job["technician_id"],
                               "assigned_at": job["assigned_at"], "distance_m": estimate_s * rng.uniform(3, 9),
                               "estimate_s": estimate_s, "actual_s": estimate_s * rng.lognormvariate(0.05, 0.2),
                               "observed_at": job["assigned_at"] + timedelta(seconds=estimate_s)})  # fmt: skip
            await connection.execute(insert(EtaObservation), drives)
    finally:
        await engine.dispose()
    promises.forget()  # fitted afresh on these drives (the warm-up round fits)


async def full_round(settings: Settings, osrm: OsrmClient, repeat: int, pause_collector: bool = True) -> dict[str, Any]:
    """The round as the dispatcher runs it (dispatch.tasks.run_round); with `pause_collector` off, the same round
    with the garbage collector left running, as before it was paused for rounds (the baseline)."""
    engine = make_engine(settings.database_url, 2)
    sessions = make_sessionmaker(engine)
    config = replace(DispatchConfig.from_settings(settings), region="bench")
    samples, phases, offers = [], [], []
    spent: list[dict[str, float]] = []
    parts: dict[str, list[int]] = {}
    try:
        for run in range(repeat + 1):
            before = _cpu_now(parts)
            started = time.perf_counter()
            if pause_collector:
                result = await run_round(sessions, osrm, config, datetime.now(UTC))
            else:
                async with transaction(sessions) as session:
                    result = await dispatch_round(session, osrm, config, datetime.now(UTC))
            elapsed = time.perf_counter() - started
            if run:  # the first run warms caches
                samples.append(elapsed)
                phases.append(result.phases_ms)
                offers.append(result.offers)
                spent.append({part: after - before[part] for part, after in _cpu_now(parts).items()})
            else:  # the round's connection is open now
                parts = {
                    "osrm": [ROUTED_PIDS[settings.effective_osrm_url]],
                    **postgres_pids(BENCH_DATABASE_URL.rsplit("/", 1)[1]),
                }
            async with transaction(sessions) as session:
                for model in (Offer, DispatchDecision, DispatchRound, Notification, JobEvent):
                    await session.execute(delete(model))
            async with engine.connect() as connection:  # the next run starts as clean as the first
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(
                    text("VACUUM ANALYZE offers, dispatch_decisions, dispatch_rounds, notifications, job_events")
                )
    finally:
        await engine.dispose()
    busy = statistics.median(s["machine"] for s in spent)
    return {
        **summary_ms(samples),
        "offers": statistics.median(offers),
        "phases_median_ms": {name: round(statistics.median(p[name] for p in phases), 2) for name in phases[0]},
        "cpu_ms_median": {name: round(statistics.median(s[name] for s in spent) * 1000, 1) for name in spent[0]},
        # The round cannot be shorter than the CPU it costs the machine spread over every core.
        "cpu_floor_ms": round(busy * 1000 / (os.cpu_count() or 1), 1),
    }


def _cpu_now(parts: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds so far of this process (the dispatcher), of each of `parts` and of the whole machine."""
    return {
        "dispatcher": time.process_time(),
        **{part: sum(cpu_s(pid) for pid in pids) for part, pids in parts.items()},
        "machine": machine_busy_s()[0],
    }


async def most_offline(settings: Settings, osrm: OsrmClient, repeat: int) -> dict[str, Any]:
    """The round with nine in ten technicians offline (a quiet night), on the spatial index of the online only
    (migration 0028) and, as the baseline, on the index of every technician it replaced."""
    engine = make_engine(settings.database_url, 2)

    async def index_every_technician(yes: bool) -> None:
        async with engine.begin() as connection:
            if yes:
                await connection.execute(
                    text("CREATE INDEX ix_bench_every_position ON technicians USING gist(position)")
                )
                await connection.execute(text("DROP INDEX ix_technicians_position_online"))
            else:
                await connection.execute(
                    text("CREATE INDEX ix_technicians_position_online ON technicians USING gist(position) WHERE online")
                )
                await connection.execute(text("DROP INDEX ix_bench_every_position"))
        await vacuum_technicians()

    async def vacuum_technicians() -> None:
        # The index pages of the rows just updated hold their old versions until a vacuum, as autovacuum would
        # have done by the night: the scans measured are those of the settled index.
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE technicians"))

    try:
        async with engine.begin() as connection:
            await connection.execute(text("SELECT setseed(0.5)"))
            await connection.execute(text("UPDATE technicians SET online = random() < 0.1, position_at = now()"))
        await vacuum_technicians()
        online_index = await full_round(settings, osrm, repeat)
        await index_every_technician(True)
        try:
            every_index = await full_round(settings, osrm, repeat)
        finally:
            await index_every_technician(False)
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE technicians SET online = true"))
        await vacuum_technicians()
    finally:
        await engine.dispose()
    return {
        "online_index": online_index,
        "baseline_every_technician_indexed": every_index,
        "candidates_ratio": round(
            every_index["phases_median_ms"]["candidates"] / online_index["phases_median_ms"]["candidates"], 2
        ),
        "round_ratio": round(every_index["median_ms"] / online_index["median_ms"], 2),
    }


async def driving(settings: Settings, osrm: OsrmClient, repeat: int, share: float) -> dict[str, Any]:
    """The round with `share` of the fleet driving about, at 8 m/s: each van on a road, his phone's heading the
    way that road runs (the first leg of a route from where he is to a random place), give or take GPS's 10 degrees.
    Their drives start on the road they drive (OSRM bearings); the same round of vans standing still, with no
    heading, is `round_1000x5000` of the same run."""
    rng = random.Random(11)
    engine = make_engine(settings.database_url, 2)
    try:
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text("SELECT id, ST_Y(position::geometry), ST_X(position::geometry) FROM technicians ORDER BY id")
                )
            ).all()
        fleet = [(row[0], Point(lat=row[1], lon=row[2])) for row in rows]
        moving = rng.sample(fleet, round(len(fleet) * share))
        asked = asyncio.Semaphore(8)

        async def on_his_way(where: Point, bound_for: Point, gps_error: float) -> tuple[Point, float] | None:
            async with asked:
                route = await osrm.route(where, bound_for)
            legs = route.geometry["coordinates"] if route is not None else []
            if len(legs) < 2:
                return None
            (lon0, lat0), (lon1, lat1) = legs[0], legs[1]
            start = Point(lat=lat0, lon=lon0)
            return start, (bearing_deg(start, Point(lat=lat1, lon=lon1)) + gps_error) % 360

        # Drawn before the routes are asked, in order: the same vans drive the same way in every run.
        trips = [(where, rng.choice(fleet)[1], rng.gauss(0, 10)) for _, where in moving]
        ways = await asyncio.gather(*(on_his_way(*trip) for trip in trips))
        driven = [
            {"id": technician_id, "lat": way[0].lat, "lon": way[0].lon, "heading": way[1]}
            for (technician_id, _), way in zip(moving, ways, strict=True)
            if way is not None
        ]
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE technicians SET heading = :heading, speed_mps = 8,"
                    " position = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography WHERE id = :id"
                ),
                driven,
            )
        try:
            figures = await full_round(settings, osrm, repeat)
        finally:
            async with engine.begin() as connection:
                await connection.execute(text("UPDATE technicians SET heading = NULL, speed_mps = NULL"))
    finally:
        await engine.dispose()
    return {"driving": len(driven), **figures}


async def run(repeat: int, base_url: str) -> dict[str, Any]:
    settings = Settings(database_url=BENCH_DATABASE_URL, osrm_url=base_url)
    await recreate_database(BENCH_DATABASE_URL)
    await asyncio.to_thread(upgrade_schema, settings.database_url)
    rng = random.Random(7)
    points = await road_points(base_url, 6000, rng)
    osrm = OsrmClient(base_url, timeout_s=30)
    figures: dict[str, Any] = {}
    try:
        for n_orders, n_technicians in SIZES:
            technicians, orders = points[:n_technicians], points[n_technicians : n_technicians + n_orders]
            name = f"{n_orders}x{n_technicians}"
            figures[f"solver_{name}"] = await solver_alone(osrm, technicians, orders, repeat)
            await seed(settings, technicians, orders)
            figures[f"round_{name}"] = await full_round(settings, osrm, max(3, repeat // 2))
            if n_orders == SIZES[-1][0]:
                figures[f"round_{name}_collector_running"] = await full_round(
                    settings, osrm, max(3, repeat // 2), pause_collector=False
                )
                figures[f"round_{name}_most_offline"] = await most_offline(settings, osrm, max(3, repeat // 2))
                figures[f"round_{name}_half_driving"] = await driving(settings, osrm, max(3, repeat // 2), 0.5)
                figures[f"round_{name}_half_driving"]["round_ratio"] = round(
                    figures[f"round_{name}_half_driving"]["median_ms"] / figures[f"round_{name}"]["median_ms"], 2
                )
            await finished_drives(settings, CALIBRATION_DRIVES)
            figures[f"round_{name}_calibrated"] = await full_round(settings, osrm, max(3, repeat // 2))
    finally:
        await osrm.aclose()
    return figures


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    settings = Settings(database_url=BENCH_DATABASE_URL)
    wire(settings)  # the listeners a dispatch round's events reach, as in production
    settle_collector(settings.collector_threshold)  # as the dispatcher worker does once started
    with liechtenstein_osrm() as base_url:
        figures = asyncio.run(run(args.repeat, base_url))
    report("dispatch", figures, args.json or Path("bench/results/dispatch.json"))


if __name__ == "__main__":
    main()

"""The `trustloop` command: migrate, prepare regions, run OSRM and the API, seed the demo."""

import argparse
import asyncio
import logging
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from app.collector import settle_collector
from app.config import PROJECT_ROOT, Settings, get_settings
from app.db import create_database_if_missing, make_engine, make_sessionmaker, transaction, upgrade_schema
from app.logs import configure_logging
from app.regions import service as regions
from app.regions.extract import service_area
from app.routing.regions import is_prepared, region_graph, routed_command
from trustloop.processes import free_port, spawn_until_up, wait_until_up
from trustloop.supervisor import Supervisor
from trustloop.workers import WORKERS


def migrate(settings: Settings) -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)  # a line per migration step is noise at start-up
    upgrade_schema(settings.database_url)


def import_region(pbf: Path, name: str, settings: Settings) -> None:
    """Prepares OSRM data for any OpenStreetMap extract and records the region and its area."""
    started = time.perf_counter()
    graph, area = regions.prepare(pbf, name, settings.data_dir)
    record_region(name, graph, area, settings)
    km2 = area.area * (111.32**2) * math.cos(math.radians(area.centroid.y))
    print(f"region {name}: OSRM data ready at {graph} in {time.perf_counter() - started:.1f} s, area {km2:.0f} km2")


def record_region(name: str, graph: Path, area: BaseGeometry, settings: Settings) -> None:
    """Records a prepared region and its area in the database."""
    migrate(settings)

    async def record() -> None:
        engine = make_engine(settings.database_url, 1)
        try:
            async with transaction(make_sessionmaker(engine)) as session:
                await regions.record_region(session, name, area, graph)
        finally:
            await engine.dispose()

    asyncio.run(record())


def ensure_region(settings: Settings, region: str | None = None) -> Path:
    """The region's OSRM graph (the active region's by default), prepared if it is not yet, and recorded in
    this database (which may be newer than the prepared data: the console draws its map from the region's
    row)."""
    region = region or settings.region
    graph = region_graph(settings.region_dir_of(region), region)
    if not is_prepared(settings.region_dir_of(region), region):
        bundled = regions.BUNDLED_REGIONS.get(region)
        if bundled is None:
            raise SystemExit(f"Region {region} is not prepared: run `trustloop region import PATH --name NAME`")
        import_region(bundled, region, settings)
    elif (extract := regions.extract_beside(graph)) is not None:
        record_region(region, graph, service_area(extract), settings)
    return graph


def start_osrm(settings: Settings) -> subprocess.Popen[bytes] | None:
    """Starts osrm-routed for the active region unless TRUSTLOOP_OSRM_URL points at one already."""
    if settings.osrm_url:
        return None
    graph = ensure_region(settings)
    return spawn_until_up(
        routed_command(graph, settings.osrm_port), f"{settings.effective_osrm_url}/nearest/v1/driving/0,0"
    )


def _simulation(settings: Settings, stop: asyncio.Event) -> Coroutine[Any, Any, None]:
    from tools.simulate import simulate

    return simulate(settings, stop)


def run_worker(name: str, settings: Settings) -> None:
    import trustloop.models  # noqa: F401 - every mapped table, so that foreign keys resolve in any worker
    from app.live import publishing as live_publishing
    from trustloop.wiring import wire

    wire(settings)

    configure_logging(settings.log_format, settings.log_level)
    settle_collector(settings.collector_threshold)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        try:
            await {**WORKERS, "simulate": _simulation}[name](settings, stop)
        finally:
            await live_publishing.close()  # the live messages of its last commits

    asyncio.run(main())


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def simulated_phones(supervisor: Supervisor, settings: Settings) -> dict[str, str]:
    """The simulated people's phones: a local stand-in for Google's FCM that takes every push, so that the demo's
    pushes leave the outbox as they would in production (through firebase-admin, with a service account)."""
    from tools.fcm_standin import write_service_account

    port = free_port()
    standin = f"http://127.0.0.1:{port}"
    supervisor.add("phones (FCM stand-in)", [sys.executable, "-m", "tools.fcm_standin", "--port", str(port)])
    wait_until_up(f"{standin}/received")
    account = write_service_account(settings.data_dir / "demo" / "fcm-service-account.json", f"{standin}/token")
    return {"TRUSTLOOP_FCM_CREDENTIALS": str(account), "TRUSTLOOP_FCM_ENDPOINT": standin}


def banner(base: str, simulated: bool) -> str:
    lines = [
        "",
        "Trustloop is up (Ctrl-C stops)",
        f"  operators' console   {base}/console",
        f"  API reference        {base}/docs   (ReDoc {base}/redoc, live streams {base}/asyncapi.json)",
        f"  readiness            {base}/readyz",
    ]
    if simulated:
        lines.append("  simulated drivers ask for help about once a minute; their orders' steps are logged below")
        lines.append("  their phones take the pushes through a local stand-in for Google's FCM")
    return "\n".join([*lines, ""])


def serve(settings: Settings, seed: bool, simulate: bool = False) -> None:
    """OSRM, the API and the workers (and the simulated people), kept running by a supervisor."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # so that `finally` stops the children during start-up too
    configure_logging(settings.log_format, settings.log_level, settings.access_log)
    migrate(settings)
    supervisor = Supervisor()
    served = settings.served_regions
    env = dict(os.environ)
    if len(served) == 1:
        env["TRUSTLOOP_OSRM_URL"] = settings.effective_osrm_url
    base = f"http://{settings.host}:{settings.port}"
    try:
        for region in served:  # one osrm-routed per region, unless its address is given
            if (settings.osrm_url and len(served) == 1) or region in settings.osrm_urls:
                continue
            name = "osrm" if len(served) == 1 else f"osrm {region}"
            supervisor.add(name, routed_command(ensure_region(settings, region), settings.osrm_port_of(region)))
            wait_until_up(f"{settings.osrm_url_of(region)}/nearest/v1/driving/0,0")
        uvicorn = [sys.executable, "-m", "uvicorn", "trustloop.asgi:app", "--host", settings.host,
                   "--port", str(settings.port), "--no-access-log"]  # fmt: skip
        supervisor.add("api", uvicorn, env)
        if simulate and settings.fcm_credentials is None:
            env.update(simulated_phones(supervisor, settings))
        for name in sorted(WORKERS):
            supervisor.add(f"{name} worker", [sys.executable, "-m", "trustloop.cli", "worker", name], env)
        wait_until_up(f"{base}/healthz", timeout_s=60)
        if seed:
            from tools.seed import seed_demo

            asyncio.run(seed_demo(settings))
        if simulate:
            supervisor.add("simulator", [sys.executable, "-m", "trustloop.cli", "simulate"], env)
        print(banner(base, simulate), flush=True)
        supervisor.run()
    except KeyboardInterrupt:
        pass
    finally:
        supervisor.stop()


def study(settings: Settings, days: int, per_day: float, fleet: int, seeds: list[int], out: Path) -> None:
    """The 30-day comparison of the trust-weighted dispatcher with nearest-ETA, and of calibrated promises
    with OSRM's raw estimate (tools/study), once per seed (in out/seed-N when there are several)."""
    from sqlalchemy.engine import make_url

    from tools.study.report import write_report
    from tools.study.runner import StudyConfig, run_study

    configure_logging(settings.log_format, settings.log_level)
    database = make_url(settings.database_url)
    asyncio.run(create_database_if_missing(settings.database_url))  # where the region is recorded
    osrm_process = start_osrm(settings)
    try:
        for seed in seeds:
            config = StudyConfig(
                database_url=database.set(database=f"{database.database}_study").render_as_string(hide_password=False),
                osrm_url=settings.effective_osrm_url,
                region=settings.region, extract=regions.BUNDLED_REGIONS[settings.region],
                days=days, per_day=per_day, fleet_size=fleet, seed=seed,
            )  # fmt: skip
            results = run_study(config)
            seed_out = out / f"seed-{seed}" if len(seeds) > 1 else out
            print(f"## seed {seed}\n")
            print(write_report(results, days, seed_out))
            print(f"figures and charts in {seed_out}\n")
    finally:
        if osrm_process is not None:
            osrm_process.terminate()
            osrm_process.wait(timeout=10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trustloop")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the database migrations")
    region = commands.add_parser("region", help="service regions").add_subparsers(dest="region_command", required=True)
    region_import = region.add_parser("import", help="prepare OSRM data for an OpenStreetMap extract")
    region_import.add_argument("pbf", type=Path)
    region_import.add_argument("--name", required=True)
    worker = commands.add_parser("worker", help="run one worker in the foreground")
    worker.add_argument("name", choices=sorted(WORKERS))
    serve_parser = commands.add_parser("serve", help="run OSRM, the API and the workers")
    serve_parser.add_argument("--seed", action="store_true", help="seed a demo fleet in the region")
    serve_parser.add_argument("--simulate", action="store_true", help="also run simulated drivers and technicians")
    simulate_parser = commands.add_parser(
        "simulate", help="simulated drivers and technicians against a running server, or --compare dispatchers"
    )
    simulate_parser.add_argument(
        "--compare", action="store_true", help="run the seeded study: trust-weighted vs nearest-ETA dispatch"
    )
    simulate_parser.add_argument("--days", type=int, default=30)
    simulate_parser.add_argument("--per-day", type=float, default=60.0, help="breakdowns per day")
    simulate_parser.add_argument("--fleet", type=int, default=24, help="technicians")
    simulate_parser.add_argument("--seed", type=int, nargs="+", default=[7], help="one study per seed")
    simulate_parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var" / "study")
    args = parser.parse_args(argv)

    settings = get_settings()
    if args.command == "migrate":
        migrate(settings)
    elif args.command == "region":
        import_region(args.pbf, args.name, settings)
    elif args.command == "worker":
        run_worker(args.name, settings)
    elif args.command == "serve":
        serve(settings, seed=args.seed, simulate=args.simulate)
    elif args.command == "simulate" and args.compare:
        study(settings, args.days, args.per_day, args.fleet, args.seed, args.out)
    elif args.command == "simulate":
        run_worker("simulate", settings)


if __name__ == "__main__":
    main()

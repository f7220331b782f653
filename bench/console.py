"""The operators' console at national scale, in a real browser (Debian's Chromium driven by Playwright)
against a real server: 5,000 technicians spread over the region and 1,000 open orders.

Measured with the page's Performance API:
- load: from navigation to the console's `trustloop:ready` mark (roads, every marker and the lists drawn,
  and the frame that shows them painted), the first load and the reloads after it;
- redraw: frame times (requestAnimationFrame deltas, and long animation frames) while positions stream
  at 500 a second through the live hub's NOTIFY channel, the path every position takes to the console.

Targets: load < 2 s; frames < 50 ms while positions stream.
"""

import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from playwright.async_api import Page, async_playwright
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.auth.tokens import JwtTokens, Principal
from app.channels import LIVE_CHANNEL
from app.config import DEV_JWT_SECRET, PROJECT_ROOT
from app.db import make_engine, recreate_database, transaction, upgrade_schema
from app.enums import Role, Service
from app.geo import Point, to_geography
from app.live.messages import position_message
from app.orders.models import Order, OrderStatus
from app.regions.extract import service_area
from app.regions.service import record_region
from app.technicians.models import Technician
from app.users.models import Driver, User
from bench.common import parser, report
from trustloop.processes import free_port, spawn_until_up

BENCH_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/trustloop_bench_console"
HELSINKI_PBF = PROJECT_ROOT / "data" / "osm" / "helsinki.osm.pbf"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
READY = "trustloop:ready"

# Collected in the page while positions stream: every frame's delta, and the long animation frames.
FRAME_PROBE = """
(() => {
  const probe = { deltas: [], long: [], running: true };
  let last = performance.now();
  const tick = (now) => {
    probe.deltas.push(now - last);
    last = now;
    if (probe.running) requestAnimationFrame(tick);
  };
  requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) probe.long.push(entry.duration);
    }).observe({ type: "long-animation-frame" });
  } catch (error) {
    probe.long = null;
  }
  probe.events = window.trustloop.stats.events;
  window.frameProbe = probe;
})()
"""


async def seed(technicians: int, orders: int, box: tuple[float, float, float, float], graph: Path) -> UUID:
    """The fleet and the open orders straight into the tables; the region recorded; returns an operator."""
    await recreate_database(BENCH_DATABASE_URL)
    await asyncio.to_thread(upgrade_schema, BENCH_DATABASE_URL)
    engine = make_engine(BENCH_DATABASE_URL, 2)
    west, south, east, north = box
    rng = random.Random(15)

    def spot() -> Any:
        return to_geography(Point(lat=rng.uniform(south, north), lon=rng.uniform(west, east)))

    now = datetime.now(UTC)
    tech_ids = [uuid4() for _ in range(technicians)]
    drivers = [uuid4() for _ in range(orders)]
    operator = uuid4()
    services = list(Service)
    async with engine.begin() as connection:
        await connection.execute(insert(User), [{"id": t, "role": Role.TECHNICIAN} for t in tech_ids]
                                 + [{"id": d, "role": Role.DRIVER} for d in drivers]
                                 + [{"id": operator, "role": Role.OPERATOR, "name": "Bench Operator"}])  # fmt: skip
        await connection.execute(
            insert(Driver), [{"id": d, "phone": f"+358 40 {k:07d}"} for k, d in enumerate(drivers)]
        )
        await connection.execute(insert(Technician), [
            {"id": t, "name": f"Technician {k:04d}", "skills": [s.value for s in services], "online": k % 5 != 0,
             "position": spot(), "position_at": now}
            for k, t in enumerate(tech_ids)
        ])  # fmt: skip
        await connection.execute(insert(Order), [
            {"id": uuid4(), "driver_id": d, "service": services[k % len(services)],
             "status": OrderStatus.SEARCHING if k % 3 == 0 else OrderStatus.EN_ROUTE,
             "technician_id": None if k % 3 == 0 else tech_ids[k], "location": spot(),
             "created_at": now - timedelta(minutes=rng.uniform(1, 40)), "updated_at": now}
            for k, d in enumerate(drivers)
        ])  # fmt: skip
        await connection.execute(text("ANALYZE"))
    async with transaction(async_sessionmaker(engine, expire_on_commit=False)) as session:
        await record_region(session, "helsinki", service_area(HELSINKI_PBF), graph)
    await engine.dispose()
    return operator


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TRUSTLOOP_DATABASE_URL": BENCH_DATABASE_URL, "TRUSTLOOP_REGION": "helsinki",
           "TRUSTLOOP_OSRM_URL": "http://127.0.0.1:9", "TRUSTLOOP_ETA_REFRESH_S": "0"}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "trustloop.asgi:app", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    return spawn_until_up(command, f"http://127.0.0.1:{port}/healthz", env=env)


async def until(page: Page, condition: str, timeout_s: float = 120.0) -> None:
    """Polls from outside: the console's policy forbids the string evaluation wait_for_function does."""
    deadline = time.perf_counter() + timeout_s
    while not await page.evaluate(condition):
        assert time.perf_counter() < deadline, f"the console never got to {condition}"
        await asyncio.sleep(0.05)


async def load(page: Page, url: str) -> dict[str, float]:
    """One navigation to the console, until its ready mark; the milestones in ms from navigation start."""
    await page.goto(url)
    await until(page, f"performance.getEntriesByName('{READY}').length > 0")
    found: dict[str, float] = await page.evaluate(
        f"""(() => {{
          const nav = performance.getEntriesByType('navigation')[0];
          const paint = performance.getEntriesByName('first-contentful-paint')[0];
          const fetched = (part) => Math.max(0, ...performance.getEntriesByType('resource')
            .filter((r) => r.name.includes(part)).map((r) => r.responseEnd));
          const requests = (part) => performance.getEntriesByType('resource').filter((r) => r.name.includes(part)).length;
          const api = {{}};
          for (const r of performance.getEntriesByType('resource')) {{
            const path = new URL(r.name).pathname;
            if (!path.startsWith('/v1/')) continue;
            const [start, end] = api[path] || [r.startTime, 0];
            api[path] = [Math.round(Math.min(start, r.startTime)), Math.round(Math.max(end, r.responseEnd))];
          }}
          return {{ready_ms: performance.getEntriesByName('{READY}')[0].startTime, api_ms: api,
                   map_fetched_ms: fetched('/v1/ops/map'),
                   technicians_fetched_ms: fetched('/v1/ops/technicians'),
                   technician_requests: requests('/v1/ops/technicians'),
                   orders_fetched_ms: fetched('/v1/ops/orders'),
                   dom_content_loaded_ms: nav.domContentLoadedEventEnd,
                   first_contentful_paint_ms: paint ? paint.startTime : null,
                   technician_markers: document.querySelectorAll('.tech-pin, .tech-cluster').length,
                   order_markers: document.querySelectorAll('.order-pin').length,
                   order_clusters: document.querySelectorAll('.order-cluster').length,
                   order_items: document.querySelectorAll('#orders li[data-order]').length}};
        }})()"""
    )
    return found


async def stream(page: Page, technicians: list[UUID], box: tuple[float, float, float, float], rate: int,
                 seconds: float) -> dict[str, Any]:  # fmt: skip
    """Positions pushed through the live channel at `rate` a second while the page records its frames."""
    await until(page, "window.trustloop.state.live")
    await page.evaluate(FRAME_PROBE)
    await asyncio.sleep(1)
    west, south, east, north = box
    rng = random.Random(16)
    connection = await asyncpg.connect(BENCH_DATABASE_URL.replace("+asyncpg", ""))
    sent = 0
    tick = 0.02
    per_tick = max(1, round(rate * tick))
    began = time.perf_counter()
    try:
        while (elapsed := time.perf_counter() - began) < seconds:
            now = datetime.now(UTC)
            moves = [
                (rng.choice(technicians), rng.uniform(south, north), rng.uniform(west, east)) for _ in range(per_tick)
            ]
            rows = [(LIVE_CHANNEL, position_message(None, who, lat, lon, None, now)) for who, lat, lon in moves]
            await connection.executemany("SELECT pg_notify($1, $2)", rows)
            sent += len(rows)
            await asyncio.sleep(max(0.0, began + (sent / rate) - time.perf_counter()))
        elapsed = time.perf_counter() - began
    finally:
        await connection.close()
    await asyncio.sleep(1)
    probe: dict[str, Any] = await page.evaluate(
        "(() => { const p = window.frameProbe; p.running = false;"
        " return {deltas: p.deltas, long: p.long, events: window.trustloop.stats.events - p.events}; })()"
    )
    deltas = sorted(probe["deltas"])
    long = probe["long"]
    return {
        "positions_sent": sent, "send_rate_per_s": round(sent / elapsed), "events_received": probe["events"],
        "frames": len(deltas), "frames_per_s": round(len(deltas) / (elapsed + 2), 1),
        "frame_ms": {"median": round(statistics.median(deltas), 1), "p95": round(_pct(deltas, 0.95), 1),
                     "p99": round(_pct(deltas, 0.99), 1), "max": round(deltas[-1], 1)},
        "frames_over_50_ms": sum(1 for d in deltas if d > 50),
        "long_animation_frames": None if long is None else {
            "count": len(long), "p95_ms": round(_pct(sorted(long), 0.95), 1) if long else 0,
            "max_ms": round(max(long), 1) if long else 0},
    }  # fmt: skip


def _pct(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(args: Any) -> dict[str, Any]:
    west, south, east, north = service_area(HELSINKI_PBF).bounds
    box = (west, south, east, north)
    with tempfile.TemporaryDirectory() as directory:
        # The map is drawn from the extract kept beside the region's graph; the console routes nothing.
        graph = Path(directory) / "helsinki.osrm"
        shutil.copy(HELSINKI_PBF, Path(directory) / "helsinki.osm.pbf")
        operator = await seed(args.technicians, args.orders, box, graph)
        engine = make_engine(BENCH_DATABASE_URL, 1)
        async with engine.connect() as connection:
            technicians = [row[0] for row in await connection.execute(text("SELECT id FROM technicians"))]
        await engine.dispose()
        token = JwtTokens(DEV_JWT_SECRET, 3600).issue(Principal(operator, Role.OPERATOR))
        port = free_port()
        server = start_server(port)
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
                )
                context = await browser.new_context(viewport={"width": 1440, "height": 900})
                await context.add_init_script(f"sessionStorage.setItem('trustloop.operator', {token!r});")
                errors: list[str] = []
                loads = []
                for _ in range(args.loads):
                    page = await context.new_page()
                    page.on("pageerror", lambda error: errors.append(str(error)))
                    loads.append(await load(page, f"http://127.0.0.1:{port}/console"))
                    if len(loads) < args.loads:
                        await page.close()
                streamed = await stream(page, technicians, box, args.rate, args.seconds)
                await page.screenshot(path=str(PROJECT_ROOT / "var" / "screenshots" / "bench-console-1440x900.png"))
                await browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    ready = sorted(entry["ready_ms"] for entry in loads)
    return {
        "technicians": args.technicians, "open_orders": args.orders,
        "load": {"first": loads[0], "last": loads[-1], "ready_ms_median": round(statistics.median(ready), 1),
                 "ready_ms_max": round(ready[-1], 1), "loads": len(loads), "target_ms": 2000},
        "streaming": {**streamed, "target_frame_ms": 50},
        "page_errors": errors,
    }  # fmt: skip


def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--technicians", type=int, default=5000)
    arguments.add_argument("--orders", type=int, default=1000, help="open orders")
    arguments.add_argument("--loads", type=int, default=5, help="navigations to the console")
    arguments.add_argument("--rate", type=int, default=500, help="position updates per second")
    arguments.add_argument("--seconds", type=float, default=10.0, help="how long positions stream")
    args = arguments.parse_args()
    (PROJECT_ROOT / "var" / "screenshots").mkdir(parents=True, exist_ok=True)
    figures = asyncio.run(run(args))
    report("console", figures, args.json or Path("bench/results/console.json"))


if __name__ == "__main__":
    main()

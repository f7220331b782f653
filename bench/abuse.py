"""What abuse costs a real API process (one uvicorn worker).

- Scrapers: 30 concurrent clients scraping /metrics at a fixed total rate (50 a second), and meanwhile the
  latency of an ordinary API call (a driver listing his orders), against the same call with no scrapers.
  Before: every scrape reads the database (TRUSTLOOP_METRICS_CACHE_S=0, as /metrics worked before). After:
  the readings are cached for 5 s (the default). Also: how many scrapes a second one process can answer.
- A 300 MB body: an unauthenticated POST /v1/orders streamed without a Content-Length; the answer, the
  time to it, and the server's peak resident memory (VmHWM) before and after.
"""

import asyncio
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from app.db import recreate_database, upgrade_schema
from bench.common import parser, report, summary_ms
from trustloop.processes import free_port, spawn_until_up

BENCH_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/trustloop_bench_abuse"
METRICS_TOKEN = "bench-metrics-token-" + "x" * 20


def start(port: int, cache_s: float) -> Any:
    env = {**os.environ, "TRUSTLOOP_DATABASE_URL": BENCH_DATABASE_URL, "TRUSTLOOP_OSRM_URL": "http://127.0.0.1:9",
           "TRUSTLOOP_DEV_AUTH": "1", "TRUSTLOOP_METRICS_CACHE_S": str(cache_s),
           "TRUSTLOOP_METRICS_TOKEN": METRICS_TOKEN, "TRUSTLOOP_LOG_LEVEL": "WARNING"}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "trustloop.asgi:app", "--port", str(port), "--no-access-log",
               "--log-level", "warning"]  # fmt: skip
    return spawn_until_up(command, f"http://127.0.0.1:{port}/healthz", env=env)


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def ordinary_calls(base: str, headers: dict[str, str], seconds: float) -> list[float]:
    samples: list[float] = []
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = await client.get("/v1/orders", headers=headers)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200
            await asyncio.sleep(0.02)
    return samples


async def scrapers(base: str, clients: int, seconds: float, rate: float | None) -> list[float]:
    """Scrape latencies; each client paced to rate/clients a second (None: as fast as it can)."""
    samples: list[float] = []
    deadline = time.monotonic() + seconds
    gap = clients / rate if rate else 0.0

    async def scrape() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200
                await asyncio.sleep(max(0.0, gap - (time.perf_counter() - started)))

    await asyncio.gather(*(scrape() for _ in range(clients)))
    return samples


async def scraping(cache_s: float, clients: int, seconds: float, rate: float) -> dict[str, Any]:
    port = free_port()
    server = start(port, cache_s)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            token = (await client.post("/v1/dev/tokens", json={"role": "driver"})).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        quiet = await ordinary_calls(base, headers, seconds / 2)
        under_load, scrapes = await asyncio.gather(
            ordinary_calls(base, headers, seconds), scrapers(base, clients, seconds, rate)
        )
        flat_out = await scrapers(base, clients, seconds / 2, None)
    finally:
        server.terminate()
        server.wait()
    return {
        "metrics_cache_s": cache_s,
        "scrapes_per_s": round(len(scrapes) / seconds, 1),
        "scrape": summary_ms(scrapes),
        "ordinary_call_alone": summary_ms(quiet),
        "ordinary_call_while_scraped": summary_ms(under_load),
        "slowdown": round(statistics.median(under_load) / statistics.median(quiet), 2),
        "most_scrapes_per_s": round(len(flat_out) / (seconds / 2), 1),
    }


async def big_body(megabytes: int) -> dict[str, Any]:
    port = free_port()
    server = start(port, 5.0)
    try:
        before = peak_kib(server.pid)

        async def chunks() -> AsyncIterator[bytes]:
            block = b"x" * (1 << 20)
            for _ in range(megabytes):
                yield block

        started = time.perf_counter()
        async with httpx.AsyncClient(timeout=120) as client:
            try:
                response = await client.post(
                    f"http://127.0.0.1:{port}/v1/orders", content=chunks(), headers={"content-type": "application/json"}
                )
                status: int | str = response.status_code
            except httpx.TransportError as exc:  # the server may close the connection on the rest of the body
                status = f"connection closed ({type(exc).__name__})"
        elapsed = time.perf_counter() - started
        after = peak_kib(server.pid)
    finally:
        server.terminate()
        server.wait()
    return {"body_mb": megabytes, "answer": status, "seconds": round(elapsed, 3),
            "peak_rss_before_mb": round(before / 1024, 1), "peak_rss_after_mb": round(after / 1024, 1)}  # fmt: skip


async def run(seconds: float, clients: int, rate: float, megabytes: int) -> dict[str, Any]:
    await recreate_database(BENCH_DATABASE_URL)
    await asyncio.to_thread(upgrade_schema, BENCH_DATABASE_URL)
    return {
        "scrapers": clients,
        "scrape_rate_per_s": rate,
        "before_uncached": await scraping(0.0, clients, seconds, rate),
        "after_cached": await scraping(5.0, clients, seconds, rate),
        "big_body": await big_body(megabytes),
    }


def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--seconds", type=float, default=10.0)
    arguments.add_argument("--scrapers", type=int, default=30)
    arguments.add_argument("--rate", type=float, default=50.0, help="scrapes per second, all scrapers together")
    arguments.add_argument("--megabytes", type=int, default=300)
    args = arguments.parse_args()
    report("abuse", asyncio.run(run(args.seconds, args.scrapers, args.rate, args.megabytes)), args.json)


if __name__ == "__main__":
    main()

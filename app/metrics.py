"""`GET /metrics` in the Prometheus text format: request latency measured in this process, the rest read
from the database so that every API process reports the same truth.

Each domain contributes the readings of its own tables (`register_reading`, wired by the composition root);
the readings are taken at most once per `TRUSTLOOP_METRICS_CACHE_S` and served from memory in between, so
a busy scraper costs the database one round of counts per period, not one per scrape."""

import asyncio
import hmac
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram, generate_latest
from prometheus_client.core import Metric
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.errors import Unauthorized

router = APIRouter(tags=["health"])

Reading = Callable[[AsyncSession], Awaitable[Iterable[Metric]]]
_readings: list[Reading] = []


def register_reading(reading: Reading) -> None:
    """A domain's metrics, read from its own tables at scrape time (at most once per cache period)."""
    _readings.append(reading)


def reset_readings() -> None:
    _readings.clear()


class DatabaseReadings(Collector):
    """The families the domains read, merged by name (two domains may add samples to one family)."""

    def __init__(self, cache_s: float) -> None:
        self._cache_s = cache_s
        self._families: list[Metric] = []
        self._read_at = -float("inf")
        self._lock = asyncio.Lock()

    def collect(self) -> Iterator[Metric]:
        yield from self._families

    async def refresh(self, session: AsyncSession) -> None:
        async with self._lock:  # concurrent scrapes wait for one reading instead of each taking their own
            if time.monotonic() - self._read_at < self._cache_s:
                return
            merged: dict[str, Metric] = {}
            for reading in _readings:
                for family in await reading(session):
                    target = merged.get(family.name)
                    if target is None:
                        merged[family.name] = family
                    else:
                        target.samples.extend(family.samples)
            self._families = list(merged.values())
            self._read_at = time.monotonic()


class Metrics:
    def __init__(self, cache_s: float) -> None:
        self.registry = CollectorRegistry()
        self.request_seconds = Histogram(
            "trustloop_http_request_duration_seconds", "HTTP request latency", ["method", "route", "status"],
            registry=self.registry, buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )  # fmt: skip
        self.live_subscribers = Gauge(
            "trustloop_live_subscribers", "Live stream subscribers in this process", registry=self.registry
        )
        self.readings = DatabaseReadings(cache_s)
        self.registry.register(self.readings)


class MeasureRequests:
    """A plain ASGI middleware (cheaper than BaseHTTPMiddleware on the hot ingest path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def remember_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.request_seconds.labels(scope["method"], route, str(status)).observe(
                time.perf_counter() - started
            )


def install_metrics(app: FastAPI, cache_s: float) -> None:
    metrics = Metrics(cache_s)
    app.state.metrics = metrics
    app.add_middleware(MeasureRequests, metrics=metrics)


@router.get("/metrics", include_in_schema=False)
async def scrape(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if settings.metrics_token is not None:
        presented = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(presented.encode(), settings.metrics_token.encode()):
            raise Unauthorized("The metrics token is missing or wrong.", headers={"WWW-Authenticate": "Bearer"})
    metrics: Metrics = request.app.state.metrics
    async with request.app.state.sessionmaker() as session:
        await metrics.readings.refresh(session)
    metrics.live_subscribers.set(request.app.state.hub.subscribers)
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

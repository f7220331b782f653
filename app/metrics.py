"""`GET /metrics` in the Prometheus text format: request latency measured here, the rest read from the
database at scrape time so that every API process reports the same truth."""

import time
from collections.abc import Iterator

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.orders.models import Order
from dispatch.models import DispatchRound, Offer
from feedback.models import FollowUp
from notifications.models import Delivery, Notification, NotificationStatus

router = APIRouter(tags=["health"])


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.request_seconds = Histogram(
            "trustloop_http_request_duration_seconds", "HTTP request latency", ["method", "route", "status"],
            registry=self.registry, buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )  # fmt: skip
        self.orders = Gauge("trustloop_orders", "Orders by status", ["status"], registry=self.registry)
        self.offers = Gauge("trustloop_offers", "Offers by status", ["status"], registry=self.registry)
        self.push_backlog = Gauge(
            "trustloop_push_outbox_pending", "Pushes waiting in the outbox", registry=self.registry
        )
        self.push_outcomes = Gauge(
            "trustloop_push_deliveries", "Push outcomes per device", ["status"], registry=self.registry
        )
        self.live_subscribers = Gauge(
            "trustloop_live_subscribers", "Live stream subscribers in this process", registry=self.registry
        )
        self.readings = DatabaseReadings()
        self.registry.register(self.readings)


ROUND_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class DatabaseReadings(Collector):
    """Series counted in the database because the workers that produce them run in other processes."""

    def __init__(self) -> None:
        self.round_buckets: list[tuple[str, float]] = [(str(b), 0.0) for b in ROUND_BUCKETS] + [("+Inf", 0.0)]
        self.round_seconds_sum = 0.0
        self.breaches: dict[str, int] = {}

    def collect(self) -> Iterator[Metric]:
        yield HistogramMetricFamily(
            "trustloop_dispatch_round_seconds", "Time of the dispatch rounds that had orders to place",
            buckets=self.round_buckets, sum_value=self.round_seconds_sum,
        )  # fmt: skip
        breaches = CounterMetricFamily("trustloop_sla_breaches", "SLA breaches so far", labels=["subject"])
        for subject, count in sorted(self.breaches.items()):
            breaches.add_metric([subject], count)
        yield breaches

    async def read(self, session: AsyncSession) -> None:
        under = [func.count().filter(DispatchRound.duration_s <= bound) for bound in ROUND_BUCKETS]
        row = (
            await session.execute(select(*under, func.count(), func.coalesce(func.sum(DispatchRound.duration_s), 0.0)))
        ).one()
        self.round_buckets = [(str(b), float(n)) for b, n in zip(ROUND_BUCKETS, row, strict=False)]
        self.round_buckets.append(("+Inf", float(row[len(ROUND_BUCKETS)])))
        self.round_seconds_sum = float(row[-1])
        orders = select(func.count()).where(Order.sla_state == "breached")
        follow_ups = select(func.count()).where(FollowUp.breached_at.is_not(None))
        self.breaches = {
            "order": (await session.execute(orders)).scalar_one(),
            "followup": (await session.execute(follow_ups)).scalar_one(),
        }


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


def install_metrics(app: FastAPI) -> None:
    metrics = Metrics()
    app.state.metrics = metrics
    app.add_middleware(MeasureRequests, metrics=metrics)


@router.get("/metrics", include_in_schema=False)
async def scrape(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    async with request.app.state.sessionmaker() as session:
        for gauge, column in ((metrics.orders, Order.status), (metrics.offers, Offer.status)):
            gauge.clear()
            for status, count in (await session.execute(select(column, func.count()).group_by(column))).all():
                gauge.labels(status.value).set(count)
        backlog = select(func.count()).where(Notification.status == NotificationStatus.PENDING)
        metrics.push_backlog.set((await session.execute(backlog)).scalar_one())
        metrics.push_outcomes.clear()
        outcomes = select(Delivery.status, func.count()).group_by(Delivery.status)
        for status, count in (await session.execute(outcomes)).all():
            metrics.push_outcomes.labels(status.value).set(count)
        await metrics.readings.read(session)
    metrics.live_subscribers.set(request.app.state.hub.subscribers)
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

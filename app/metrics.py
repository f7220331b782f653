"""`GET /metrics` in the Prometheus text format: request latency measured here, the rest read from the
database at scrape time so that every API process reports the same truth."""

import time

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.orders.models import Order
from dispatch.models import Offer
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
    metrics.live_subscribers.set(request.app.state.hub.subscribers)
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import avatars, health, metrics
from app.api_docs import install_api_docs
from app.auth import endpoints as dev_auth
from app.auth.firebase import FirebaseIdTokens
from app.auth.signin import Authenticator
from app.auth.tokens import JwtTokens
from app.collector import settle_collector
from app.config import Settings, get_settings
from app.console import endpoints as console
from app.db import make_engine, make_sessionmaker
from app.errors import install_error_handlers
from app.guard import RequestGuard
from app.headers import SecurityHeaders
from app.live import brokers, streams
from app.live import endpoints as live
from app.live import publishing as live_publishing
from app.live.connections import LiveConnections
from app.live.hub import Hub
from app.live.streams import load_route_event
from app.logs import AccessLog
from app.metrics import install_metrics
from app.openapi import OVERVIEW, install_openapi
from app.orders import endpoints as orders
from app.partners import endpoints as partners
from app.regions import endpoints as regions
from app.routing.regional import routing
from app.sla import endpoints as sla
from app.technicians import endpoints as technicians
from app.tracking import endpoints as tracking
from dispatch import endpoints as dispatch
from feedback import endpoints as feedback
from notifications import endpoints as notifications
from retention import endpoints as retention
from trustloop.wiring import wire
from webhooks import documentation as webhook_events
from webhooks import endpoints as webhooks


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    wire(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, settings.database_pool_size)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        sessions = app.state.sessionmaker
        osrm = await routing(settings, sessions)
        app.state.osrm = osrm
        broker_kind, broker_url = settings.live_broker, settings.effective_live_broker_url
        hub = Hub(
            lambda: brokers.connect(broker_kind, broker_url), lambda order_id: load_route_event(sessions, order_id)
        )
        await hub.start()
        app.state.hub = hub
        firebase = (
            FirebaseIdTokens(
                settings.firebase_project_id, settings.firebase_certificates_url,
                allow_test_endpoint=settings.environment != "production",
            )
            if settings.firebase_project_id
            else None
        )  # fmt: skip
        app.state.authenticator = Authenticator(app.state.tokens, firebase, sessions, settings.api_key_recheck_s)
        app.state.live_connections = LiveConnections(sessions, settings.live_connections_per_token)
        app.state.live_connections.start()
        warming = asyncio.create_task(console.warm_road_maps(sessions, settings.served_regions))
        settle_collector(settings.collector_threshold)
        try:
            yield
        finally:
            warming.cancel()
            await app.state.live_connections.stop()
            if firebase is not None:
                firebase.close()
            await hub.stop()
            await live_publishing.close()
            await osrm.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Trustloop", version="1.0.0", description=OVERVIEW, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.settings = settings
    app.state.tokens = JwtTokens(settings.jwt_secret, settings.jwt_ttl_s, settings.verified_tokens_kept)
    install_error_handlers(app)
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)
    install_metrics(app, settings.metrics_cache_s)
    install_api_docs(app)
    install_openapi(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)  # outermost: every request gets an id and one record
    app.include_router(health.router)
    # First of the domains: the location route is the busiest by far, and a request tries the routes in order.
    app.include_router(live.router)
    app.include_router(avatars.router)
    app.include_router(metrics.router)
    if settings.dev_auth:
        app.include_router(dev_auth.router)
    app.include_router(regions.router)
    app.include_router(orders.router)
    app.include_router(orders.ops_router)
    app.include_router(partners.ops_router)
    app.include_router(partners.router)
    app.include_router(webhooks.router)
    webhook_events.describe(app)
    app.include_router(technicians.router)
    app.include_router(dispatch.router)
    app.include_router(notifications.router)
    app.include_router(feedback.router)
    app.include_router(retention.router)
    app.include_router(streams.router)
    app.include_router(sla.router)
    app.include_router(console.router)
    app.include_router(tracking.router)
    app.mount("/console/static", StaticFiles(directory=console.STATIC), name="console-static")
    app.mount("/t/static", StaticFiles(directory=tracking.STATIC), name="tracking-static")
    return app

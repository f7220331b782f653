from datetime import datetime, timedelta

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from app.config import Settings
from app.db import transaction
from app.sla.rules import SlaPolicy
from app.sla.service import sla_round
from tests.conftest import Api
from tests.dispatch.helpers import run_round
from trustloop.api import create_app


async def test_metrics_parse_and_name_the_series(app: FastAPI, api: Api) -> None:
    driver = await api.driver()
    await api.technician()
    order = await api.order(driver)
    await api.client.get("/v1/orders", headers=driver.headers)
    await run_round(app)
    await run_round(app)  # nothing left to place: not a round worth timing
    async with transaction(app.state.sessionmaker) as session:
        created = datetime.fromisoformat(order["created_at"])
        await sla_round(session, created + timedelta(hours=1), SlaPolicy())
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    assert {
        "trustloop_http_request_duration_seconds", "trustloop_orders", "trustloop_offers",
        "trustloop_push_outbox_pending", "trustloop_push_deliveries", "trustloop_live_subscribers",
        "trustloop_dispatch_round_seconds", "trustloop_sla_breaches",
    } <= set(families)  # fmt: skip
    orders = {s.labels["status"]: s.value for s in families["trustloop_orders"].samples}
    assert orders == {"searching": 1.0}
    offers = {s.labels["status"]: s.value for s in families["trustloop_offers"].samples}
    assert offers == {"pending": 1.0}
    routes = {s.labels.get("route") for s in families["trustloop_http_request_duration_seconds"].samples}
    assert "/v1/orders" in routes
    rounds = {s.name: s.value for s in families["trustloop_dispatch_round_seconds"].samples if "le" not in s.labels}
    assert rounds["trustloop_dispatch_round_seconds_count"] == 1.0
    assert 0 < rounds["trustloop_dispatch_round_seconds_sum"] < 5
    breaches = {s.labels["subject"]: s.value for s in families["trustloop_sla_breaches"].samples}
    assert breaches == {"order": 1.0, "followup": 0.0}


async def test_metrics_need_their_token_and_are_read_at_most_once_per_period(settings: Settings, api: Api) -> None:
    guarded = create_app(settings.model_copy(update={"metrics_token": "t" * 40, "metrics_cache_s": 60.0}))
    async with (
        guarded.router.lifespan_context(guarded),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded), base_url="http://t") as scraper,
    ):
        assert (await scraper.get("/metrics")).status_code == 401
        assert (await scraper.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
        authorized = {"Authorization": f"Bearer {'t' * 40}"}

        async def orders_counted() -> float:
            response = await scraper.get("/metrics", headers=authorized)
            assert response.status_code == 200
            families = {f.name: f for f in text_string_to_metric_families(response.text)}
            return sum(s.value for s in families["trustloop_orders"].samples)

        before = await orders_counted()
        await api.order(await api.driver())
        assert await orders_counted() == before  # read from memory within the period, not from the database

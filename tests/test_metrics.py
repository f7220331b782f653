from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import Api


async def test_metrics_parse_and_name_the_series(api: Api) -> None:
    driver = await api.driver()
    await api.order(driver)
    await api.client.get("/v1/orders", headers=driver.headers)
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    assert {
        "trustloop_http_request_duration_seconds", "trustloop_orders", "trustloop_offers",
        "trustloop_push_outbox_pending", "trustloop_push_deliveries", "trustloop_live_subscribers",
    } <= set(families)  # fmt: skip
    orders = {s.labels["status"]: s.value for s in families["trustloop_orders"].samples}
    assert orders == {"searching": 1.0}
    routes = {s.labels.get("route") for s in families["trustloop_http_request_duration_seconds"].samples}
    assert "/v1/orders" in routes

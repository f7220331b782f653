from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy.ext.asyncio import AsyncSession

from app.orders import repository
from app.regions import service_area


async def readings(session: AsyncSession) -> Iterable[Metric]:
    orders = GaugeMetricFamily("trustloop_orders", "Orders by status", labels=["status"])
    for status, count in sorted((await repository.count_by_status(session)).items()):
        orders.add_metric([status], count)
    refusals = CounterMetricFamily(
        "trustloop_orders_refused", "Orders refused for their place (this process)", labels=["reason"]
    )
    for reason in ("outside_service_area", "no_road_nearby"):
        refusals.add_metric([reason], service_area.refused[reason])
    return [orders, refusals]

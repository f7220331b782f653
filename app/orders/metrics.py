from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.ext.asyncio import AsyncSession

from app.orders import repository


async def readings(session: AsyncSession) -> Iterable[Metric]:
    orders = GaugeMetricFamily("trustloop_orders", "Orders by status", labels=["status"])
    for status, count in sorted((await repository.count_by_status(session)).items()):
        orders.add_metric([status], count)
    return [orders]

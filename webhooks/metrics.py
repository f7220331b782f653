from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.ext.asyncio import AsyncSession

from webhooks import repository


async def readings(session: AsyncSession) -> Iterable[Metric]:
    deliveries = GaugeMetricFamily(
        "trustloop_webhook_deliveries", "Partner webhook events not yet delivered, by status", labels=["status"]
    )
    for status, count in sorted((await repository.backlog(session)).items()):
        deliveries.add_metric([status], count)
    return [deliveries]

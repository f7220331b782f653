from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.ext.asyncio import AsyncSession

from notifications import repository


async def readings(session: AsyncSession) -> Iterable[Metric]:
    backlog = GaugeMetricFamily("trustloop_push_outbox_pending", "Pushes waiting in the outbox")
    backlog.add_metric([], await repository.pending_count(session))
    outcomes = GaugeMetricFamily("trustloop_push_deliveries", "Push outcomes per device", labels=["status"])
    for status, count in sorted((await repository.delivery_outcomes(session)).items()):
        outcomes.add_metric([status], count)
    return [backlog, outcomes]

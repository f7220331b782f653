from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, Metric
from sqlalchemy.ext.asyncio import AsyncSession

from app.sla.metrics import SLA_BREACHES
from feedback import repository


async def readings(session: AsyncSession) -> Iterable[Metric]:
    breaches = CounterMetricFamily(*SLA_BREACHES, labels=["subject"])
    breaches.add_metric(["followup"], await repository.overdue_follow_up_count(session))
    return [breaches]

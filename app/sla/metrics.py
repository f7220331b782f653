from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, Metric
from sqlalchemy.ext.asyncio import AsyncSession

from app.sla import repository

SLA_BREACHES = ("trustloop_sla_breaches", "SLA breaches so far")


async def readings(session: AsyncSession) -> Iterable[Metric]:
    breaches = CounterMetricFamily(*SLA_BREACHES, labels=["subject"])
    breaches.add_metric(["order"], await repository.breached_count(session))
    return [breaches]

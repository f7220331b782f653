from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch import repository

ROUND_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


async def readings(session: AsyncSession) -> Iterable[Metric]:
    offers = GaugeMetricFamily("trustloop_offers", "Offers by status", labels=["status"])
    for status, count in sorted((await repository.count_offers_by_status(session)).items()):
        offers.add_metric([status], count)
    under, total, seconds = await repository.round_time_buckets(session, ROUND_BUCKETS)
    rounds = HistogramMetricFamily(
        "trustloop_dispatch_round_seconds", "Time of the dispatch rounds that had orders to place",
        buckets=[*[(str(b), float(n)) for b, n in zip(ROUND_BUCKETS, under, strict=True)], ("+Inf", float(total))],
        sum_value=seconds,
    )  # fmt: skip
    return [offers, rounds]

"""Customer-experience metrics over a set of orders, by the standard formulas. Pure."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from app.orders.models import OrderStatus, Resolution
from feedback.schemas import DayKpis, EtaError, Kpis, Percentiles

FINISHED = frozenset(OrderStatus.values(OrderStatus.finished()))
COMPLETED_JOURNEY = frozenset({Resolution.FIXED_ON_SITE.value, Resolution.TOWED.value})  # the car was helped

ToleranceOf = Callable[[str], timedelta]


@dataclass(frozen=True, slots=True)
class OrderFacts:
    status: str
    resolution: str | None
    created_at: datetime
    assigned_at: datetime | None = None
    arrived_at: datetime | None = None
    promised_at: datetime | None = None
    csat: int | None = None
    nps: int | None = None
    ces: int | None = None
    technician_id: UUID | None = None
    service: str = "tow"
    order_id: UUID | None = None
    drive_s: float | None = None  # the last assignment to the arrival
    eta_raw_s: float | None = None  # OSRM's estimate at that assignment
    eta_median_s: float | None = None  # its calibrated median


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (as numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def eta_error(pairs: Sequence[tuple[float, float]]) -> EtaError:
    """The error of (estimate, actual) pairs of drive seconds."""
    errors = [abs(estimate - actual) for estimate, actual in pairs]
    if not errors:
        return EtaError(mae_s=None, within_2_min=None, within_5_min=None)
    return EtaError(
        mae_s=sum(errors) / len(errors),
        within_2_min=share(sum(e <= 120 for e in errors), len(errors)),
        within_5_min=share(sum(e <= 300 for e in errors), len(errors)),
    )


def kpis(facts: Sequence[OrderFacts], tolerance_of: ToleranceOf) -> Kpis:
    """The KPIs of the orders; an arrival keeps its promise within the service's tolerance."""
    finished = [f for f in facts if f.status in FINISHED]
    npses = [f.nps for f in facts if f.nps is not None]
    csats = [f.csat for f in facts if f.csat is not None]
    ceses = [f.ces for f in facts if f.ces is not None]
    first_response = [(f.assigned_at - f.created_at).total_seconds() for f in facts if f.assigned_at]
    to_arrival = [(f.arrived_at - f.created_at).total_seconds() for f in facts if f.arrived_at]
    promised = [f for f in facts if f.arrived_at and f.promised_at]
    drives = [
        (f.eta_raw_s, f.eta_median_s, f.drive_s)
        for f in facts
        if f.drive_s is not None and f.eta_raw_s is not None and f.eta_median_s is not None
    ]
    nps = None
    if npses:
        nps = 100 * (sum(n >= 9 for n in npses) - sum(n <= 6 for n in npses)) / len(npses)
    return Kpis(
        orders=len(facts),
        nps=nps,
        csat=share(sum(c >= 4 for c in csats), len(csats)),
        ces=sum(ceses) / len(ceses) if ceses else None,
        fcr=share(sum(f.resolution == "fixed_on_site" for f in finished), len(finished)),
        first_response_s=Percentiles(p50=percentile(first_response, 0.5), p90=percentile(first_response, 0.9)),
        time_to_arrival_s=Percentiles(p50=percentile(to_arrival, 0.5), p90=percentile(to_arrival, 0.9)),
        eta_promise_kept=share(
            sum(
                f.arrived_at <= f.promised_at + tolerance_of(f.service)
                for f in promised
                if f.arrived_at and f.promised_at
            ),
            len(promised),
        ),
        cancel_rate=share(sum(f.status == "cancelled" for f in facts), len(facts)),
        feedback_rate=share(sum(f.csat is not None for f in finished), len(finished)),
        journey_completion=share(sum(f.resolution in COMPLETED_JOURNEY for f in facts), len(facts)),
        eta_error_raw=eta_error([(raw, actual) for raw, _, actual in drives]),
        eta_error_calibrated=eta_error([(median, actual) for _, median, actual in drives]),
        samples={
            "nps": len(npses), "csat": len(csats), "ces": len(ceses), "fcr": len(finished),
            "first_response_s": len(first_response), "time_to_arrival_s": len(to_arrival),
            "eta_promise_kept": len(promised), "cancel_rate": len(facts), "feedback_rate": len(finished),
            "journey_completion": len(facts), "eta_error": len(drives),
        },
    )  # fmt: skip


def daily(facts: Sequence[OrderFacts], first_day: date, days: int, tolerance_of: ToleranceOf) -> list[DayKpis]:
    """The KPIs of each UTC day from `first_day`, for trend charts: every day present, empty or not."""
    by_day: dict[date, list[OrderFacts]] = {first_day + timedelta(days=d): [] for d in range(days)}
    for fact in facts:
        bucket = by_day.get(fact.created_at.astimezone(UTC).date())
        if bucket is not None:
            bucket.append(fact)
    return [DayKpis(day=day, **kpis(day_facts, tolerance_of).model_dump()) for day, day_facts in by_day.items()]


def weekly(facts: Sequence[OrderFacts], tolerance_of: ToleranceOf) -> list[tuple[date, Kpis]]:
    """The KPIs of each ISO week (starting Monday, UTC) that has orders, oldest first."""
    by_week: dict[date, list[OrderFacts]] = {}
    for fact in facts:
        by_week.setdefault(week_of(fact.created_at), []).append(fact)
    return [(week, kpis(by_week[week], tolerance_of)) for week in sorted(by_week)]


def week_of(moment: datetime) -> date:
    """The Monday (UTC) of the ISO week of the moment."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())

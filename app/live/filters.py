"""Which reported positions to believe. Pure: the phone's clock, GPS and radio all lie sometimes."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.geo import Point, haversine_m


class Rejection(StrEnum):
    NULL_ISLAND = "null_island"  # (0, 0): an unset fix, not the Gulf of Guinea
    FUTURE = "future"
    TOO_OLD = "too_old"
    OUT_OF_ORDER = "out_of_order"
    IMPOSSIBLE_SPEED = "impossible_speed"
    INACCURATE = "inaccurate"


@dataclass(frozen=True, slots=True)
class Fix:
    point: Point
    recorded_at: datetime
    accuracy_m: float | None = None
    heading: float | None = None
    speed_mps: float | None = None


@dataclass(frozen=True, slots=True)
class FilterLimits:
    max_clock_skew: timedelta = timedelta(seconds=30)
    max_age: timedelta = timedelta(minutes=10)
    max_speed_mps: float = 70.0  # 250 km/h: faster than any van on these roads
    max_accuracy_m: float = 100.0


def filter_fixes(
    fixes: list[Fix], last: Fix | None, now: datetime, limits: FilterLimits
) -> tuple[list[Fix], Counter[Rejection]]:
    """Accepted fixes in order, and the count of each reason for the rest."""
    accepted: list[Fix] = []
    rejected: Counter[Rejection] = Counter()
    previous = last
    for fix in fixes:
        reason = _reason(fix, previous, now, limits)
        if reason is None:
            accepted.append(fix)
            previous = fix
        else:
            rejected[reason] += 1
    return accepted, rejected


def _reason(fix: Fix, previous: Fix | None, now: datetime, limits: FilterLimits) -> Rejection | None:
    if fix.point.lat == 0 and fix.point.lon == 0:
        return Rejection.NULL_ISLAND
    if fix.recorded_at > now + limits.max_clock_skew:
        return Rejection.FUTURE
    if fix.recorded_at < now - limits.max_age:
        return Rejection.TOO_OLD
    if fix.accuracy_m is not None and fix.accuracy_m > limits.max_accuracy_m:
        return Rejection.INACCURATE
    if previous is not None:
        elapsed = (fix.recorded_at - previous.recorded_at).total_seconds()
        if elapsed <= 0:
            return Rejection.OUT_OF_ORDER
        if haversine_m(previous.point, fix.point) / elapsed > limits.max_speed_mps:
            return Rejection.IMPOSSIBLE_SPEED
    return None

"""Retention by the experience of the last job: pure, on plain dataclasses, free of I/O.

A driver is due in a period when one of his cover's renewal dates falls in it and is decided: renewed,
lapsed, or passed without a renewal (counted as not renewed). His experience is that of his last finished
job (completed or failed) before that renewal date: whether the promised arrival was kept within the
service's tolerance, the CSAT band and NPS group he gave it, and what his comment said. He used the service
again when he placed another order after that job. Each cohort says how many drivers it holds, the share who
renewed and the share who ordered again; a rate is None where the cohort is empty."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from app.orders.models import OrderStatus

NO_JOB = "no_job"  # no finished job before the renewal date
UNKNOWN = "unknown"  # a job, but nothing to judge this dimension by (no rating, no arrival, no comment)


class Dimension(StrEnum):
    PROMISE = "promise"
    CSAT = "csat"
    NPS = "nps"
    SENTIMENT = "sentiment"


# Every dimension's cohorts, in the order they are shown; each also has NO_JOB and UNKNOWN.
COHORTS: dict[Dimension, tuple[str, ...]] = {
    Dimension.PROMISE: ("kept", "broken"),
    Dimension.CSAT: ("1-2", "3", "4-5"),
    Dimension.NPS: ("detractor", "passive", "promoter"),
    Dimension.SENTIMENT: ("negative", "neutral", "positive"),
}


@dataclass(frozen=True, slots=True)
class Experience:
    """The driver's last finished job as he lived it."""

    order_id: UUID
    promise_kept: bool | None  # None: no promise or no arrival to judge it by
    csat: int | None = None
    nps: int | None = None
    sentiment: str | None = None  # negative | neutral | positive, once the comment is analysed


@dataclass(frozen=True, slots=True)
class DueRenewal:
    driver_id: UUID
    renews_on: date
    renewed: bool
    experience: Experience | None  # None: no finished job before the renewal date
    ordered_again: bool = False  # another order after that job


@dataclass(frozen=True, slots=True)
class Rates:
    drivers: int
    renewal_rate: float | None
    repeat_rate: float | None


@dataclass(frozen=True, slots=True)
class Retention:
    overall: Rates
    cohorts: dict[str, dict[str, Rates]] = field(default_factory=dict)


def promise_kept(arrived_at: datetime | None, promised_at: datetime | None, tolerance: timedelta) -> bool | None:
    """Kept when he arrived by the promised time plus the service's tolerance (as the KPIs count it)."""
    if arrived_at is None or promised_at is None:
        return None
    return arrived_at <= promised_at + tolerance


def csat_band(csat: int | None) -> str | None:
    if csat is None:
        return None
    return "1-2" if csat <= 2 else "3" if csat == 3 else "4-5"


def nps_group(nps: int | None) -> str | None:
    if nps is None:
        return None
    return "detractor" if nps <= 6 else "passive" if nps <= 8 else "promoter"


def cohort_of(experience: Experience | None, dimension: Dimension) -> str:
    if experience is None:
        return NO_JOB
    label: str | None
    if dimension is Dimension.PROMISE:
        label = None if experience.promise_kept is None else "kept" if experience.promise_kept else "broken"
    elif dimension is Dimension.CSAT:
        label = csat_band(experience.csat)
    elif dimension is Dimension.NPS:
        label = nps_group(experience.nps)
    else:
        label = experience.sentiment if experience.sentiment in COHORTS[Dimension.SENTIMENT] else None
    return label or UNKNOWN


def rates(due: Sequence[DueRenewal]) -> Rates:
    """Renewal among the drivers due; repeat use among those of them who had a job to come back after."""
    with_job = [d for d in due if d.experience is not None]
    return Rates(
        drivers=len(due),
        renewal_rate=sum(d.renewed for d in due) / len(due) if due else None,
        repeat_rate=sum(d.ordered_again for d in with_job) / len(with_job) if with_job else None,
    )


def retention(due: Iterable[DueRenewal]) -> Retention:
    """The overall figures and every cohort of every dimension (empty ones too, with null rates)."""
    renewals = list(due)
    cohorts: dict[str, dict[str, Rates]] = {}
    for dimension, labels in COHORTS.items():
        groups: dict[str, list[DueRenewal]] = {label: [] for label in (*labels, UNKNOWN, NO_JOB)}
        for renewal in renewals:
            groups[cohort_of(renewal.experience, dimension)].append(renewal)
        cohorts[dimension.value] = {label: rates(members) for label, members in groups.items()}
    return Retention(overall=rates(renewals), cohorts=cohorts)


class Risk(StrEnum):
    DETRACTOR = "detractor"
    NEGATIVE_COMMENT = "negative_comment"
    BROKEN_PROMISE = "broken_promise"
    UNRESOLVED_FOLLOW_UP = "unresolved_follow_up"
    NOT_HELPED = "not_helped"  # his last order ended without a technician at the car


def unhelped_risks(
    status: str, promised_at: datetime | None, ended_at: datetime | None, tolerance: timedelta
) -> list[Risk]:
    """Why an order that ended without a job done is a risk: nobody was found for it, or he gave up on it
    after its promise had passed. A driver who cancelled before then (help found elsewhere, the car started)
    was not let down by us."""
    if status == OrderStatus.UNFULFILLED:
        return [Risk.NOT_HELPED]
    if (
        status == OrderStatus.CANCELLED
        and promised_at is not None
        and ended_at is not None
        and ended_at > promised_at + tolerance
    ):
        return [Risk.NOT_HELPED, Risk.BROKEN_PROMISE]
    return []


def churn_risks(experience: Experience | None, unresolved_follow_up: bool) -> list[Risk]:
    """Why a driver may not renew, from his last experience: a detractor's score (NPS 0-6 or CSAT 1-2), a
    negative comment, a broken promise, or a case about him still open. Empty: no reason to call."""
    risks = []
    if experience is not None:
        if nps_group(experience.nps) == "detractor" or csat_band(experience.csat) == "1-2":
            risks.append(Risk.DETRACTOR)
        if experience.sentiment == "negative":
            risks.append(Risk.NEGATIVE_COMMENT)
        if experience.promise_kept is False:
            risks.append(Risk.BROKEN_PROMISE)
    if unresolved_follow_up:
        risks.append(Risk.UNRESOLVED_FOLLOW_UP)
    return risks


def next_renewal(starts_on: date, renews_on: date) -> date:
    """The renewal date one term on: whole months when the term is (a monthly or yearly plan, the day of the
    month kept or clipped to the month's end), else the same number of days."""
    months = (renews_on.year - starts_on.year) * 12 + renews_on.month - starts_on.month
    if months > 0 and renews_on.day == starts_on.day:
        return add_months(renews_on, months)
    return renews_on + (renews_on - starts_on)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = (date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month + 1, min(day.day, last))

"""When an order is at risk of breaking a promise, and when it has broken one. Pure."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum


class SlaState(IntEnum):
    OK = 0
    AT_RISK = 1
    BREACHED = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class SlaTargets:
    accept_at_risk: timedelta = timedelta(minutes=3)
    accept_breached: timedelta = timedelta(minutes=10)
    arrival_tolerance: timedelta = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class SlaFacts:
    status: str
    created_at: datetime
    promised_at: datetime | None
    live_eta_at: datetime | None


def evaluate(facts: SlaFacts, now: datetime, targets: SlaTargets) -> tuple[SlaState, str | None]:
    if facts.status == "searching":
        waited = now - facts.created_at
        if waited >= targets.accept_breached:
            return SlaState.BREACHED, f"nobody accepted within {_minutes(targets.accept_breached)}"
        if waited >= targets.accept_at_risk:
            return SlaState.AT_RISK, f"nobody accepted within {_minutes(targets.accept_at_risk)}"
        return SlaState.OK, None
    if facts.status in ("assigned", "en_route") and facts.promised_at is not None:
        deadline = facts.promised_at + targets.arrival_tolerance
        if now > deadline:
            return SlaState.BREACHED, "the promised arrival time has passed"
        if facts.live_eta_at is not None and facts.live_eta_at > deadline:
            return SlaState.AT_RISK, "the live ETA is beyond the promise"
    return SlaState.OK, None


def escalate(previous: SlaState, evaluated: SlaState) -> SlaState:
    """States only rise: an order once at risk or breached stays so, and each rise is announced once."""
    return max(previous, evaluated)


def _minutes(span: timedelta) -> str:
    return f"{round(span.total_seconds() / 60)} min"

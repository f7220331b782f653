"""When an order is at risk of breaking a promise, and when it has broken one. Pure."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING

from app.enums import Service

if TYPE_CHECKING:
    from app.config import Settings


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
    arrival_tolerance: timedelta = timedelta(minutes=2)  # past the promised arrival
    arrival_within: timedelta = timedelta(minutes=45)  # from the order to the technician at the car


TARGET_NAMES = frozenset(SlaTargets.__dataclass_fields__)


# What a region may set for itself: how long help may take there. What keeps a promise (the grace past it)
# is one rule for the whole house, read alike by the SLA watcher, the KPIs, the trust score and the promises.
REGION_TARGET_NAMES = TARGET_NAMES - {"arrival_tolerance"}


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """The targets of each service: the defaults, overridden per service where configured, and per region
    (a region's own default, then its own per service) where a region has its own."""

    default: SlaTargets = SlaTargets()
    by_service: Mapping[str, SlaTargets] = field(default_factory=dict)
    by_region: Mapping[str, Mapping[str, SlaTargets]] = field(default_factory=dict)  # region -> service|default

    def targets(
        self, service: str, region: str | None = None, contract: Mapping[str, Mapping[str, float]] | None = None
    ) -> SlaTargets:
        """With `contract`, a partner's own targets (in seconds, as check_contract allows) for its members'
        orders: its default, then its own per service, over what the house sets for the service and region."""
        own = self.by_region.get(region) if region is not None else None
        house = (own.get(service) or own["default"]) if own is not None else self.by_service.get(service, self.default)
        if not contract:
            return house
        return _merged(_merged(house, _usable(contract.get("default"))), _usable(contract.get(service)))

    def arrival_tolerance(self, service: str) -> timedelta:
        """How late past the promise an arrival still keeps it: read alike by the SLA watcher, the KPIs,
        the trust score and the study."""
        return self.targets(service).arrival_tolerance

    @classmethod
    def from_settings(cls, settings: "Settings") -> "SlaPolicy":
        return cls.from_seconds(settings.sla_targets, settings.sla_region_targets)

    @classmethod
    def from_seconds(
        cls, config: Mapping[str, Mapping[str, float]],
        regions: Mapping[str, Mapping[str, Mapping[str, float]]] | None = None,
    ) -> "SlaPolicy":  # fmt: skip
        """{"default": {"accept_at_risk": 180, ...}, "tow": {"arrival_within": 3600}}: seconds per target;
        regions: {"helsinki": {"default": {"arrival_within": 1800}}}, the same by region (not the tolerance)."""
        _check(config, TARGET_NAMES, "")
        for region, region_config in (regions or {}).items():
            _check(region_config, REGION_TARGET_NAMES, f" in region {region}")

        default = _merged(SlaTargets(), config.get("default", {}))
        by_service = {s: _merged(default, v) for s, v in config.items() if s != "default"}
        by_region: dict[str, dict[str, SlaTargets]] = {}
        for region, region_config in (regions or {}).items():
            region_default = region_config.get("default", {})
            services = (set(by_service) | set(region_config)) - {"default"}
            by_region[region] = {
                "default": _merged(default, region_default),
                **{s: _merged(_merged(by_service.get(s, default), region_default), region_config.get(s, {}))
                   for s in services},
            }  # fmt: skip
        return cls(default, by_service, by_region)


def check_contract(config: Mapping[str, Mapping[str, float]]) -> None:
    """A partner's targets: by "default" or by service, and only those a region may set (the grace past a
    promise is one rule for the whole house)."""
    unknown = set(config) - {"default", *(service.value for service in Service)}
    if unknown:
        raise ValueError(f"SLA targets are given by 'default' or by service, not by {', '.join(sorted(unknown))}")
    _check(config, REGION_TARGET_NAMES, "")


def _usable(values: object) -> dict[str, float]:
    """What a stored contract sets that the watcher can use: a contract stored before contracts were checked may
    name a target that is not one, and must not stop the watcher's round."""
    if not isinstance(values, Mapping):
        return {}
    return {
        name: value for name, value in values.items()
        if name in REGION_TARGET_NAMES and isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    }  # fmt: skip


def _merged(base: SlaTargets, values: Mapping[str, float]) -> SlaTargets:
    return replace(base, **{k: timedelta(seconds=v) for k, v in values.items()})


def _check(config: Mapping[str, Mapping[str, float]], allowed: frozenset[str], where: str) -> None:
    for name, values in config.items():
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"unknown SLA targets for {name}{where}: {', '.join(sorted(unknown))}")


@dataclass(frozen=True, slots=True)
class SlaFacts:
    status: str
    created_at: datetime
    promised_at: datetime | None
    live_eta_at: datetime | None
    trouble: str | None = None  # "stalled" or "no signal" once the stall ladder put the order at risk


class SlaCause(StrEnum):
    NOT_ARRIVED = "not_arrived"
    NOT_ASSIGNED = "not_assigned"
    PROMISE_PASSED = "promise_passed"
    STALLED = "stalled"
    NO_SIGNAL = "no_signal"
    ETA_BEYOND_PROMISE = "eta_beyond_promise"
    ETA_BEYOND_TARGET = "eta_beyond_target"
    NOT_CALLED_BACK = "not_called_back"  # an unhappy driver's follow-up past its due time
    NO_ETA = "no_eta"  # a technician is on the job, but no road leads from him to the car: nobody can say when


@dataclass(frozen=True, slots=True)
class SlaReason:
    """Why an order is flagged: `text` as the console and the API say it, `cause` (with the `minutes` it names)
    for the pushes, which say it in each operator's language."""

    cause: SlaCause | None
    text: str
    minutes: int = 0


TROUBLE_CAUSES = {"stalled": SlaCause.STALLED, "no signal": SlaCause.NO_SIGNAL}


def evaluate(facts: SlaFacts, now: datetime, targets: SlaTargets) -> tuple[SlaState, SlaReason | None]:
    if facts.status in ("searching", "assigned", "en_route"):
        arrival_due = facts.created_at + targets.arrival_within
        if now > arrival_due:
            return SlaState.BREACHED, _within(SlaCause.NOT_ARRIVED, "not arrived within", targets.arrival_within)
    if facts.status == "searching":
        waited = now - facts.created_at
        for state, target in ((SlaState.BREACHED, targets.accept_breached), (SlaState.AT_RISK, targets.accept_at_risk)):
            if waited >= target:  # nobody was offered it, or nobody took an offer
                return state, _within(SlaCause.NOT_ASSIGNED, "no technician assigned within", target)
        return SlaState.OK, None
    if facts.status in ("assigned", "en_route") and facts.promised_at is not None:
        deadline = facts.promised_at + targets.arrival_tolerance
        if now > deadline:
            return SlaState.BREACHED, SlaReason(SlaCause.PROMISE_PASSED, "the promised arrival time has passed")
    if facts.status in ("assigned", "en_route") and facts.trouble is not None:
        return SlaState.AT_RISK, SlaReason(TROUBLE_CAUSES.get(facts.trouble), facts.trouble)
    blind = facts.promised_at is None and facts.live_eta_at is None  # no promise was made, no estimate comes
    if facts.status in ("assigned", "en_route") and blind and now - facts.created_at >= targets.accept_at_risk:
        return SlaState.AT_RISK, SlaReason(SlaCause.NO_ETA, "no arrival time known: no road from the technician")
    if facts.status in ("assigned", "en_route") and facts.promised_at is not None:
        deadline = facts.promised_at + targets.arrival_tolerance
        if facts.live_eta_at is not None and facts.live_eta_at > deadline:
            return SlaState.AT_RISK, SlaReason(SlaCause.ETA_BEYOND_PROMISE, "the live ETA is beyond the promise")
        if facts.live_eta_at is not None and facts.live_eta_at > facts.created_at + targets.arrival_within:
            minutes = _whole_minutes(targets.arrival_within)
            return SlaState.AT_RISK, SlaReason(
                SlaCause.ETA_BEYOND_TARGET, f"the live ETA is beyond {minutes} min from the order", minutes
            )
    return SlaState.OK, None


def settle(previous: SlaState, evaluated: SlaState) -> SlaState:
    """What the board shows now: a risk clears (or changes) once its cause is gone; a breach is a broken
    promise and stays, in the order's history and the breach count."""
    if previous == SlaState.BREACHED:
        return previous
    return evaluated


def _within(cause: SlaCause, words: str, span: timedelta) -> SlaReason:
    minutes = _whole_minutes(span)
    return SlaReason(cause, f"{words} {minutes} min", minutes)


def _whole_minutes(span: timedelta) -> int:
    return round(span.total_seconds() / 60)

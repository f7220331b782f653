"""The trust score of a technician: pure arithmetic over what he did, explainable part by part.

Five signals, each a rate in [0, 1] over his recent record:

    rating        (csat - 1) / 4 of each rating
    on_time       arrived within the promise he made when accepting (+ tolerance)
    first_fix     finished jobs fixed on site on the first visit (for a tow, towing is the fix)
    kept_jobs     accepted jobs he carried through (not handed to someone else by an operator, and not
                  cancelled by a driver who waited past the promise)
    responsive    offers answered with an accept rather than a decline or silence

Recent events weigh more (weight halves every `half_life_days`), and each rate is shrunk towards the
fleet's typical value as if the technician had `prior_weight` events at it already: one good job says
little, fifty say a lot. The score is the weighted sum of the shrunk rates; its prior, the same sum of
the fleet priors, is what an unknown technician gets.

Fair attribution is decided by what each signal counts: the promise is the ETA he accepted from where
he was (not the time the driver waited before anyone accepted), a driver's cancellation counts against
him only once the promise had passed, and a failed tow-or-not decision on a tow job is not his.

Per service, each rate is shrunk towards his own overall rate rather than the fleet's: a technician
known to be punctual stays so in a service where he has few jobs yet.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

HALF_LIFE_DAYS = 90.0
SERVICE_PRIOR_WEIGHT = 3.0
ALL_SERVICES = "*"


class Signal(StrEnum):
    RATING = "rating"
    ON_TIME = "on_time"
    FIRST_FIX = "first_fix"
    KEPT_JOBS = "kept_jobs"
    RESPONSIVE = "responsive"


@dataclass(frozen=True, slots=True)
class SignalModel:
    weight: float  # its share of the score
    prior: float  # the fleet's typical rate
    prior_weight: float  # how many events the prior is worth


SIGNALS: Mapping[Signal, SignalModel] = {
    Signal.RATING: SignalModel(weight=0.45, prior=0.8, prior_weight=5.0),
    Signal.ON_TIME: SignalModel(weight=0.25, prior=0.9, prior_weight=5.0),
    Signal.FIRST_FIX: SignalModel(weight=0.15, prior=0.8, prior_weight=5.0),
    Signal.KEPT_JOBS: SignalModel(weight=0.10, prior=0.97, prior_weight=5.0),
    Signal.RESPONSIVE: SignalModel(weight=0.05, prior=0.8, prior_weight=10.0),
}
FLEET_PRIOR = sum(m.weight * m.prior for m in SIGNALS.values())


@dataclass(frozen=True, slots=True)
class Evidence:
    """Aggregates of one signal's events: sum w, sum w·x over decayed weights, and the plain count."""

    weight: float = 0.0
    weighted_value: float = 0.0
    count: int = 0

    def __add__(self, other: "Evidence") -> "Evidence":
        return Evidence(
            self.weight + other.weight, self.weighted_value + other.weighted_value, self.count + other.count
        )


@dataclass(frozen=True, slots=True)
class SignalPart:
    signal: Signal
    value: float  # the shrunk rate
    observed: float | None  # the decayed mean of his own events, None without any
    events: int
    effective_events: float
    prior: float
    weight: float

    @property
    def contribution(self) -> float:
        return self.weight * self.value


@dataclass(frozen=True, slots=True)
class TrustScore:
    value: float
    prior: float
    ratings: int
    parts: tuple[SignalPart, ...]


def decay_weight(age_days: float, half_life_days: float = HALF_LIFE_DAYS) -> float:
    return float(0.5 ** (max(age_days, 0.0) / half_life_days))


def normalised_csat(csat: int) -> float:
    return (csat - 1) / 4


def shrunk(evidence: Evidence, prior: float, prior_weight: float) -> float:
    return (prior * prior_weight + evidence.weighted_value) / (prior_weight + evidence.weight)


def trust_score(
    evidence: Mapping[Signal, Evidence], priors: Mapping[Signal, float] | None = None, prior_weight: float | None = None
) -> TrustScore:
    """The score from each signal's evidence, shrunk towards `priors` (the fleet's by default)."""
    parts = []
    for signal, model in SIGNALS.items():
        seen = evidence.get(signal, Evidence())
        prior = model.prior if priors is None else priors[signal]
        weight_of_prior = model.prior_weight if prior_weight is None else prior_weight
        parts.append(
            SignalPart(
                signal=signal,
                value=shrunk(seen, prior, weight_of_prior),
                observed=seen.weighted_value / seen.weight if seen.weight > 0 else None,
                events=seen.count,
                effective_events=seen.weight,
                prior=prior,
                weight=model.weight,
            )
        )
    return TrustScore(
        value=sum(p.contribution for p in parts),
        prior=sum(p.weight * p.prior for p in parts),
        ratings=evidence.get(Signal.RATING, Evidence()).count,
        parts=tuple(parts),
    )


def scores_by_service(by_service: Mapping[str, Mapping[Signal, Evidence]]) -> dict[str, TrustScore]:
    """The overall score (key ALL_SERVICES) and one per service, each service's rates shrunk towards his
    overall rates. The dispatcher compares a service's score with the fleet prior."""
    overall_evidence: dict[Signal, Evidence] = {}
    for evidence in by_service.values():
        for signal, seen in evidence.items():
            overall_evidence[signal] = overall_evidence.get(signal, Evidence()) + seen
    overall = trust_score(overall_evidence)
    own_rates = {part.signal: part.value for part in overall.parts}
    scores = {ALL_SERVICES: overall}
    for service, evidence in by_service.items():
        per_service = trust_score(evidence, own_rates, SERVICE_PRIOR_WEIGHT)
        scores[service] = TrustScore(
            value=per_service.value, prior=overall.prior, ratings=per_service.ratings, parts=per_service.parts
        )
    return scores


def evidence_from_events(events: Iterable[tuple[Signal, float, float]]) -> dict[Signal, Evidence]:
    """(signal, value, age in days) events aggregated as the repository does in SQL."""
    evidence: dict[Signal, Evidence] = {}
    for signal, value, age_days in events:
        w = decay_weight(age_days)
        evidence[signal] = evidence.get(signal, Evidence()) + Evidence(w, w * value, 1)
    return evidence

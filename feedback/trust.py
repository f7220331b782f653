"""The trust score of a technician: pure arithmetic over his ratings, explainable part by part.

CSAT 1-5 becomes x = (csat - 1) / 4 in [0, 1]. Recent ratings weigh more (weight halves every
`half_life_days`), and the weighted mean is shrunk towards the fleet prior as if the technician had
`prior_weight` ratings at the prior already: one 5-star rating says little, fifty say a lot.
"""

from dataclasses import dataclass

FLEET_PRIOR = 0.8  # a CSAT of 4.2, what a typical technician earns
PRIOR_WEIGHT = 5.0
HALF_LIFE_DAYS = 90.0


@dataclass(frozen=True, slots=True)
class RatingSums:
    """Aggregates of a technician's ratings: sum w, sum w·x over decayed weights, and the plain count."""

    weight: float = 0.0
    weighted_score: float = 0.0
    count: int = 0


@dataclass(frozen=True, slots=True)
class TrustScore:
    value: float
    ratings: int
    effective_ratings: float
    rated_mean: float | None
    prior: float
    prior_weight: float


def decay_weight(age_days: float, half_life_days: float = HALF_LIFE_DAYS) -> float:
    return float(0.5 ** (max(age_days, 0.0) / half_life_days))


def normalised_csat(csat: int) -> float:
    return (csat - 1) / 4


def trust_score(sums: RatingSums, prior: float = FLEET_PRIOR, prior_weight: float = PRIOR_WEIGHT) -> TrustScore:
    value = (prior * prior_weight + sums.weighted_score) / (prior_weight + sums.weight)
    rated_mean = sums.weighted_score / sums.weight if sums.weight > 0 else None
    return TrustScore(
        value=value,
        ratings=sums.count,
        effective_ratings=sums.weight,
        rated_mean=rated_mean,
        prior=prior,
        prior_weight=prior_weight,
    )

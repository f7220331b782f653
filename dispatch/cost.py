"""What an offer costs: the formula the solver minimises, explicit and explainable. Pure.

    cost = (eta_s + trust_s) * newcomer_factor
    trust_s         = clamp(eta_s * (trust_factor - 1), -max_trust_s, max_trust_s)
    trust_factor    = clamp(1 + below_weight * max(prior - score, 0) - above_weight * max(score - prior, 0),
                            min_factor, max_factor)
    newcomer_factor = 1 - newcomer_bonus   if the technician has fewer than `newcomer_ratings` ratings, else 1
    unassigned      = unassigned_base_s + wait_bonus_s_per_min * minutes waited (capped)

A technician scored above the fleet prior looks a little nearer than he is, one below looks much farther,
but never by more than `max_trust_s` of drive either way: past that a poor technician nearby is still sent
rather than a good one far off, so the drive a driver waits for trust stays bounded however long the ETAs are.
The penalty is steeper than the reward because that is where drivers' experience is won or lost: in the
simulation study a poor technician's jobs scored NPS -96 against -1 for an average one and +67 for a
good one, while sending a good technician instead of an average one costs ETA for less gain. With the
defaults a top technician (score 0.95, prior 0.842) costs 0.95 * his ETA, a poor one (0.64) 2.2 *, each
within 2 min of his drive: the weights and the cap were chosen on a study world of its own seed (3) and
checked on others (README, the dispatch study). The unassigned price grows while an order waits, so when
orders compete for a technician, the one that waited longest is not left behind. Newcomers get a small
discount so that they receive a share of offers and can earn a score.
"""

from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from feedback.trust import TrustScore


@dataclass(frozen=True, slots=True)
class CostWeights:
    below_weight: float = 6.0
    above_weight: float = 0.5
    min_factor: float = 0.6
    max_factor: float = 2.5
    max_trust_s: float = 120.0
    newcomer_ratings: int = 5
    newcomer_bonus: float = 0.08
    unassigned_base_s: float = 2400.0
    wait_bonus_s_per_min: float = 120.0
    max_wait_bonus_s: float = 3600.0
    max_eta_s: float = 3600.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class CostBreakdown(NamedTuple):  # a tuple: a round costs thousands of arcs
    eta_s: float
    trust_score: float
    ratings: int
    trust_factor: float
    trust_s: float
    newcomer_factor: float
    cost: float

    def as_dict(self) -> dict[str, Any]:
        return self._asdict()


def offer_cost(eta_s: float, score: TrustScore, weights: CostWeights) -> CostBreakdown:
    trust_factor = (
        1
        + weights.below_weight * max(score.prior - score.value, 0.0)
        - weights.above_weight * max(score.value - score.prior, 0.0)
    )
    trust_factor = min(max(trust_factor, weights.min_factor), weights.max_factor)
    trust_s = min(max(eta_s * (trust_factor - 1), -weights.max_trust_s), weights.max_trust_s)
    newcomer_factor = 1 - weights.newcomer_bonus if score.ratings < weights.newcomer_ratings else 1.0
    # Positional: a round builds thousands, and by keyword each took twice as long.
    return CostBreakdown(
        eta_s,
        round(score.value, 4),
        score.ratings,
        round(trust_factor, 4),
        round(trust_s, 1),
        newcomer_factor,
        (eta_s + trust_s) * newcomer_factor,
    )


def unassigned_cost(waited_s: float, weights: CostWeights) -> float:
    bonus = min(weights.wait_bonus_s_per_min * max(waited_s, 0.0) / 60, weights.max_wait_bonus_s)
    return weights.unassigned_base_s + bonus

"""Why a candidate lost a dispatch round, in the words an operator reads beside the numbers. Pure."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Standing:
    eta_s: float
    trust_score: float
    cost: float


def why_not(candidate: Standing, winner: Standing | None, unassigned_cost: float) -> str:
    """What set the candidate behind the winner (or, with no winner, behind leaving the order open)."""
    if winner is None:
        if candidate.cost >= unassigned_cost:
            return f"cost {candidate.cost:.0f} above waiting ({unassigned_cost:.0f})"
        return "another order needed him more"
    reasons = []
    later_min = (candidate.eta_s - winner.eta_s) / 60
    if later_min >= 1:
        reasons.append(f"{later_min:.0f} min farther")
    if candidate.trust_score < winner.trust_score - 0.005:
        reasons.append(f"trust {candidate.trust_score:.2f} vs {winner.trust_score:.2f}")
    if not reasons and candidate.cost >= winner.cost:
        reasons.append(f"cost {candidate.cost:.0f} vs {winner.cost:.0f}")
    return ", ".join(reasons) or "needed for another order"

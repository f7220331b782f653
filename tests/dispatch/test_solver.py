"""The pure cores of dispatch: the batch solver and the cost formula (no database, no OSRM)."""

import pytest

from app.geo import Point
from dispatch.cost import CostWeights, offer_cost, unassigned_cost
from dispatch.grouping import spatial_groups
from dispatch.solver import Arc, OpenOrder, greedy_nearest, solve, total_cost
from feedback.trust import FLEET_PRIOR, TrustScore


def test_the_batch_optimum_beats_nearest_first() -> None:
    # Order a is nearest to t1 but can also use t2; order b can only use t1. Greedy gives t1 to a and leaves
    # b open; the optimum gives t2 to a and t1 to b.
    orders = [OpenOrder("a", 3000), OpenOrder("b", 3000)]
    arcs = [Arc("a", "t1", 100), Arc("a", "t2", 150), Arc("b", "t1", 200)]
    optimal, greedy = solve(orders, arcs), greedy_nearest(orders, arcs)
    assert {a.order_id: a.technician_id for a in optimal} == {"a": "t2", "b": "t1"}
    assert {a.order_id: a.technician_id for a in greedy} == {"a": "t1", "b": None}
    assert total_cost(optimal) < total_cost(greedy)


def test_each_technician_takes_one_order_and_dear_arcs_stay_open() -> None:
    orders = [OpenOrder("a", 500), OpenOrder("b", 500), OpenOrder("c", 500)]
    arcs = [Arc("a", "t", 100), Arc("b", "t", 120), Arc("c", "u", 900)]  # c's only arc costs more than waiting
    assigned = {a.order_id: a.technician_id for a in solve(orders, arcs)}
    assert assigned == {"a": "t", "b": None, "c": None}
    assert solve([], arcs) == []
    assert {a.technician_id for a in solve(orders, [])} == {None}


def test_the_trust_factor_is_steeper_below_the_prior_and_clamped() -> None:
    weights = CostWeights()

    def factor(score: float, ratings: int = 20) -> float:
        return offer_cost(600, TrustScore(score, FLEET_PRIOR, ratings, ()), weights).trust_factor

    assert factor(FLEET_PRIOR) == 1.0
    assert factor(FLEET_PRIOR - 0.1) == pytest.approx(1 + weights.below_weight * 0.1)
    assert factor(FLEET_PRIOR + 0.1) == pytest.approx(1 - weights.above_weight * 0.1)
    assert factor(0.0) == weights.max_factor
    assert offer_cost(600, TrustScore(FLEET_PRIOR, FLEET_PRIOR, 0, ()), weights).cost == pytest.approx(
        600 * (1 - weights.newcomer_bonus)
    )


def test_trust_moves_a_technician_by_at_most_its_cap_of_drive_either_way() -> None:
    weights = CostWeights(max_trust_s=300.0)  # a cap of its own, so the test reads the arithmetic

    def cost(eta_s: float, score: float) -> float:
        return offer_cost(eta_s, TrustScore(score, FLEET_PRIOR, 20, ()), weights).cost

    poor, top = FLEET_PRIOR - 0.3, FLEET_PRIOR + 0.3
    assert cost(100, poor) == pytest.approx(100 * weights.max_factor)  # nearby, the whole factor
    assert cost(1200, poor) == pytest.approx(1200 + 300)  # far off, no more than the cap
    assert cost(1200, top) == pytest.approx(1200 * (1 - weights.above_weight * 0.3))  # under the cap
    assert cost(3000, top) == pytest.approx(3000 - 300)  # the reward is capped too
    # A poor technician 10 min away now loses only to an average one less than 15 min away.
    assert cost(600, poor) < cost(901, FLEET_PRIOR)
    breakdown = offer_cost(1200, TrustScore(poor, FLEET_PRIOR, 20, ()), weights)
    assert breakdown.trust_s == 300.0
    assert breakdown.as_dict()["trust_s"] == 300.0


def test_waiting_raises_the_price_of_leaving_an_order_open_up_to_a_cap() -> None:
    weights = CostWeights()
    assert unassigned_cost(0, weights) == weights.unassigned_base_s
    assert unassigned_cost(600, weights) == weights.unassigned_base_s + 10 * weights.wait_bonus_s_per_min
    assert unassigned_cost(10**6, weights) == weights.unassigned_base_s + weights.max_wait_bonus_s


def test_spatial_groups_keep_neighbours_together() -> None:
    helsinki = [Point(lat=60.17 + i * 1e-4, lon=24.94) for i in range(3)]
    vaduz = [Point(lat=47.14 + i * 1e-4, lon=9.52) for i in range(3)]
    groups = spatial_groups([helsinki[0], vaduz[0], helsinki[1], vaduz[1], helsinki[2], vaduz[2]], 3)
    assert sorted(sorted(g) for g in groups) == [[0, 2, 4], [1, 3, 5]]

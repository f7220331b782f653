"""The trust score: shrinkage, decay, bounded moves. Pure."""

from collections.abc import Sequence

from feedback.trust import FLEET_PRIOR, RatingSums, decay_weight, normalised_csat, trust_score


def sums(ratings: Sequence[tuple[int, float]]) -> RatingSums:
    """(csat, age in days) pairs as the repository would aggregate them."""
    weights = [decay_weight(age) for _, age in ratings]
    return RatingSums(
        weight=sum(weights),
        weighted_score=sum(w * normalised_csat(c) for w, (c, _) in zip(weights, ratings, strict=True)),
        count=len(ratings),
    )


def test_no_ratings_means_the_fleet_prior() -> None:
    assert trust_score(RatingSums()).value == FLEET_PRIOR


def test_one_five_star_rating_does_not_beat_fifty_good_ones() -> None:
    one_perfect = trust_score(sums([(5, 0)]))
    fifty_good = trust_score(sums([(5, 0)] * 40 + [(4, 0)] * 10))  # a 4.8 average
    assert one_perfect.value < fifty_good.value
    assert one_perfect.value < 0.84  # barely above the prior


def test_a_rating_moves_the_score_the_right_way_by_a_bounded_amount() -> None:
    history = [(4, 10.0)] * 20
    before = trust_score(sums(history)).value
    after_bad = trust_score(sums([*history, (1, 0.0)])).value
    after_good = trust_score(sums([*history, (5, 0.0)])).value
    assert after_bad < before < after_good
    assert before - after_bad < 0.05
    assert after_good - before < 0.02


def test_old_ratings_count_less() -> None:
    recent_bad_old_good = trust_score(sums([(1, 1.0)] * 10 + [(5, 365.0)] * 10)).value
    recent_good_old_bad = trust_score(sums([(5, 1.0)] * 10 + [(1, 365.0)] * 10)).value
    assert recent_bad_old_good < FLEET_PRIOR < recent_good_old_bad
    assert decay_weight(90) == 0.5

"""The trust score: shrinkage, decay, bounded moves, the reliability signals and per-service scores. Pure."""

from collections.abc import Sequence

import pytest

from feedback.trust import (
    ALL_SERVICES,
    FLEET_PRIOR,
    SIGNALS,
    Signal,
    decay_weight,
    evidence_from_events,
    normalised_csat,
    scores_by_service,
    trust_score,
)


def rated(ratings: Sequence[tuple[int, float]]) -> float:
    """The score of a technician with only these (csat, age in days) ratings."""
    return trust_score(evidence_from_events((Signal.RATING, normalised_csat(c), age) for c, age in ratings)).value


def test_no_record_means_the_fleet_prior() -> None:
    assert trust_score({}).value == pytest.approx(FLEET_PRIOR)
    assert pytest.approx(sum(m.weight * m.prior for m in SIGNALS.values())) == FLEET_PRIOR
    assert sum(m.weight for m in SIGNALS.values()) == pytest.approx(1.0)


def test_one_five_star_rating_does_not_beat_fifty_good_ones() -> None:
    one_perfect = rated([(5, 0)])
    fifty_good = rated([(5, 0)] * 40 + [(4, 0)] * 10)  # a 4.8 average
    assert one_perfect < fifty_good
    assert one_perfect - FLEET_PRIOR < 0.02  # barely above the prior


def test_a_rating_moves_the_score_the_right_way_by_a_bounded_amount() -> None:
    history = [(4, 10.0)] * 20
    before = rated(history)
    after_bad, after_good = rated([*history, (1, 0.0)]), rated([*history, (5, 0.0)])
    assert after_bad < before < after_good
    assert before - after_bad < 0.03
    assert after_good - before < 0.01


def test_old_events_count_less() -> None:
    recent_bad_old_good = rated([(1, 1.0)] * 10 + [(5, 365.0)] * 10)
    recent_good_old_bad = rated([(5, 1.0)] * 10 + [(1, 365.0)] * 10)
    assert recent_bad_old_good < FLEET_PRIOR < recent_good_old_bad
    assert decay_weight(90) == 0.5


def test_broken_promises_weigh_more_than_declined_offers() -> None:
    def score(signal: Signal, failures: int) -> float:
        return trust_score(evidence_from_events([(signal, 0.0, 1.0)] * failures + [(signal, 1.0, 1.0)] * 10)).value

    late, declined, dropped = score(Signal.ON_TIME, 5), score(Signal.RESPONSIVE, 5), score(Signal.KEPT_JOBS, 5)
    assert late < declined < FLEET_PRIOR
    assert dropped < declined
    assert score(Signal.ON_TIME, 0) > FLEET_PRIOR


def test_each_part_explains_its_share_of_the_score() -> None:
    evidence = evidence_from_events(
        [(Signal.RATING, 1.0, 0.0)] * 8 + [(Signal.ON_TIME, 0.0, 0.0)] * 3 + [(Signal.FIRST_FIX, 1.0, 0.0)] * 4
    )
    score = trust_score(evidence)
    assert score.value == pytest.approx(sum(p.contribution for p in score.parts))
    parts = {p.signal: p for p in score.parts}
    assert parts[Signal.ON_TIME].observed == 0.0
    assert parts[Signal.ON_TIME].events == 3
    assert parts[Signal.KEPT_JOBS].observed is None
    assert parts[Signal.KEPT_JOBS].value == SIGNALS[Signal.KEPT_JOBS].prior
    assert score.ratings == 8


def test_a_service_score_leans_on_his_own_record_elsewhere() -> None:
    punctual_towing = [(Signal.ON_TIME, 1.0, 1.0)] * 30 + [(Signal.RATING, 1.0, 1.0)] * 30
    late_jump_start = [(Signal.ON_TIME, 0.0, 1.0)]
    scores = scores_by_service(
        {"tow": evidence_from_events(punctual_towing), "jump_start": evidence_from_events(late_jump_start)}
    )
    # A late jump start pulls that service below his overall score, but his record keeps it above the
    # fleet prior: a punctual technician does not become a stranger in a new service.
    assert FLEET_PRIOR < scores["jump_start"].value < scores[ALL_SERVICES].value < scores["tow"].value
    assert all(s.prior == pytest.approx(FLEET_PRIOR) for s in scores.values())

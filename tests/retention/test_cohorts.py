"""Retention by experience on a hand-made set of drivers whose answers are worked out by hand."""

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from retention.cohorts import (
    DueRenewal,
    Experience,
    Rates,
    Risk,
    churn_risks,
    next_renewal,
    promise_kept,
    retention,
    unhelped_risks,
)

RENEWS = date(2026, 3, 1)


def due(renewed: bool, experience: Experience | None, again: bool = False) -> DueRenewal:
    return DueRenewal(uuid4(), RENEWS, renewed, experience, ordered_again=again)


def lived(kept: bool | None, csat: int | None, nps: int | None, sentiment: str | None) -> Experience:
    return Experience(order_id=UUID(int=0), promise_kept=kept, csat=csat, nps=nps, sentiment=sentiment)


# Six drivers due: A and B had a kept promise and were happy, C a broken promise and said so, D a broken
# promise he rated 3 without a comment, E a job with no promise to judge and no rating, F no job at all.
DRIVERS = [
    due(True, lived(True, 5, 10, "positive"), again=True),  # A
    due(True, lived(True, 4, 9, "neutral")),  # B
    due(False, lived(False, 2, 3, "negative")),  # C
    due(True, lived(False, 3, 7, None), again=True),  # D
    due(False, lived(None, None, None, None), again=True),  # E
    due(True, None),  # F
]


def test_cohorts_of_a_hand_made_set_have_the_known_rates() -> None:
    figures = retention(DRIVERS)
    assert figures.overall == Rates(drivers=6, renewal_rate=4 / 6, repeat_rate=3 / 5)  # F had no job to repeat
    promise = figures.cohorts["promise"]
    assert promise["kept"] == Rates(2, 1.0, 0.5)
    assert promise["broken"] == Rates(2, 0.5, 0.5)
    assert promise["unknown"] == Rates(1, 0.0, 1.0)
    assert promise["no_job"] == Rates(1, 1.0, None)
    csat = figures.cohorts["csat"]
    assert (csat["4-5"], csat["3"], csat["1-2"]) == (Rates(2, 1.0, 0.5), Rates(1, 1.0, 1.0), Rates(1, 0.0, 0.0))
    nps = figures.cohorts["nps"]
    assert (nps["promoter"], nps["passive"], nps["detractor"]) == (
        Rates(2, 1.0, 0.5), Rates(1, 1.0, 1.0), Rates(1, 0.0, 0.0),
    )  # fmt: skip
    sentiment = figures.cohorts["sentiment"]
    assert sentiment["positive"] == Rates(1, 1.0, 1.0)
    assert sentiment["neutral"] == Rates(1, 1.0, 0.0)
    assert sentiment["negative"] == Rates(1, 0.0, 0.0)
    assert sentiment["unknown"] == Rates(2, 0.5, 1.0)  # D (no comment) and E
    for dimension in figures.cohorts.values():  # every driver in exactly one cohort of each dimension
        assert sum(r.drivers for r in dimension.values()) == 6


def test_nobody_due_gives_null_rates_in_every_cohort() -> None:
    figures = retention([])
    assert figures.overall == Rates(0, None, None)
    assert all(r == Rates(0, None, None) for group in figures.cohorts.values() for r in group.values())
    assert set(figures.cohorts["nps"]) == {"detractor", "passive", "promoter", "unknown", "no_job"}


def test_a_promise_is_kept_within_the_tolerance() -> None:
    promised = datetime(2026, 1, 5, 8, tzinfo=UTC)
    tolerance = timedelta(minutes=2)
    assert promise_kept(promised + tolerance, promised, tolerance) is True
    assert promise_kept(promised + tolerance + timedelta(seconds=1), promised, tolerance) is False
    assert promise_kept(None, promised, tolerance) is None


@pytest.mark.parametrize(
    ("experience", "open_case", "risks"),
    [
        (lived(True, 5, 10, "positive"), False, []),
        (lived(True, 5, 10, "negative"), False, [Risk.NEGATIVE_COMMENT]),
        (lived(True, 2, None, None), False, [Risk.DETRACTOR]),
        (lived(True, 4, 6, None), False, [Risk.DETRACTOR]),
        (lived(False, 4, 8, None), False, [Risk.BROKEN_PROMISE]),
        (lived(None, None, None, None), True, [Risk.UNRESOLVED_FOLLOW_UP]),
        (None, False, []),
    ],
)
def test_churn_risks(experience: Experience | None, open_case: bool, risks: list[Risk]) -> None:
    assert churn_risks(experience, open_case) == risks


def test_an_order_that_ended_without_help_is_a_risk_unless_he_left_before_the_promise() -> None:
    promised, grace = datetime(2026, 5, 1, 12, 0, tzinfo=UTC), timedelta(minutes=2)
    assert unhelped_risks("unfulfilled", None, promised, grace) == [Risk.NOT_HELPED]
    assert unhelped_risks("cancelled", promised, promised + grace + timedelta(seconds=1), grace) == [
        Risk.NOT_HELPED,
        Risk.BROKEN_PROMISE,
    ]
    assert unhelped_risks("cancelled", promised, promised + grace, grace) == []  # within the grace
    assert unhelped_risks("cancelled", None, promised, grace) == []  # before anyone promised anything
    assert unhelped_risks("completed", promised, promised + timedelta(hours=1), grace) == []


def test_a_renewal_moves_the_date_one_term_on() -> None:
    assert next_renewal(date(2025, 3, 1), date(2026, 3, 1)) == date(2027, 3, 1)  # yearly
    assert next_renewal(date(2026, 1, 31), date(2026, 2, 28)) == date(2026, 3, 28)  # 28 days
    assert next_renewal(date(2025, 12, 15), date(2026, 1, 15)) == date(2026, 2, 15)  # monthly
    assert next_renewal(date(2023, 2, 28), date(2024, 2, 28)) == date(2025, 2, 28)
    assert next_renewal(date(2025, 10, 31), date(2026, 1, 31)) == date(2026, 4, 30)  # quarterly, clipped

"""The calibration of promises on made-up drives whose truth is known: pure, no I/O."""

import math
import random
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from dispatch import calibration
from dispatch.calibration import MIN_OBSERVATIONS, Observation, fit, uncalibrated

UTC_ZONE = ZoneInfo("UTC")
MONDAY = datetime(2026, 11, 30, tzinfo=UTC)
STEADY, SLOW, FAST, NEWCOMER = uuid4(), uuid4(), uuid4(), uuid4()
PACE = {STEADY: 1.0, SLOW: 1.3, FAST: 0.85}
RUSH = {8: 1.5, 17: 1.5}


def drive(technician: UUID, at: datetime, rng: random.Random, estimate_s: float = 300.0) -> Observation:
    truth = RUSH.get(at.hour, 1.0) * PACE[technician] * math.exp(rng.gauss(0.0, 0.08))
    return Observation(technician, at, distance_m=2_000.0, estimate_s=estimate_s, actual_s=estimate_s * truth)


def history(days: int = 14, seed: int = 1) -> list[Observation]:
    rng = random.Random(seed)
    return [
        drive(technician, MONDAY + timedelta(days=day, hours=hour), rng)
        for day in range(days)
        for hour in (3, 8, 11, 13, 17, 21)
        for technician in PACE
    ]


def cell_at(technician: UUID, hour: int) -> calibration.Cell:
    return calibration.cell(technician, MONDAY + timedelta(days=21, hours=hour), 2_000.0, 300.0, UTC_ZONE)


def test_too_few_drives_leave_the_estimate_as_it_is() -> None:
    assert fit(history()[: MIN_OBSERVATIONS - 1], UTC_ZONE) is None
    promise = uncalibrated(300.0)
    assert (promise.promise_s, promise.median_s, promise.quantile, promise.correction) == (300.0, 300.0, None, 1.0)


def test_rush_hours_and_each_technicians_pace_are_learnt() -> None:
    model = fit(history(), UTC_ZONE)
    assert model is not None
    rush = model.promise(300.0, cell_at(STEADY, 8), 0.85)
    midday = model.promise(300.0, cell_at(STEADY, 11), 0.85)
    assert rush.correction / midday.correction == pytest.approx(1.5, rel=0.12)
    slow, fast = model.promise(300.0, cell_at(SLOW, 11), 0.85), model.promise(300.0, cell_at(FAST, 11), 0.85)
    assert slow.correction / midday.correction == pytest.approx(1.3, rel=0.1)
    assert fast.correction / midday.correction == pytest.approx(0.85, rel=0.1)
    for promise in (rush, midday, slow, fast):
        assert promise.promise_s > promise.median_s  # the promise is a quantile above the median
        assert promise.median_s == pytest.approx(300.0 * promise.correction)
    assert rush.basis["hour_of_day"] > 1.2
    assert rush.basis["technician"] == pytest.approx(1.0, abs=0.06)


def test_a_newcomer_gets_the_fleets_correction_and_nothing_shorter() -> None:
    model = fit(history(), UTC_ZONE)
    assert model is not None
    for hour in (3, 8, 11, 17):
        newcomer = model.promise(300.0, cell_at(NEWCOMER, hour), 0.85)
        fleet = model.fleet + sum(
            model.effects[f].get(cell_at(NEWCOMER, hour).key(f), 0.0) for f in calibration.FACTORS
        )
        assert newcomer.basis["technician"] == 1.0
        assert newcomer.basis["technician_jobs"] == 0
        assert newcomer.median_s == pytest.approx(300.0 * math.exp(fleet + model.residual_quantile(0.5)))
        assert newcomer.promise_s >= model.promise(300.0, cell_at(FAST, hour), 0.85).promise_s


def test_a_few_jobs_move_a_technician_only_part_of_the_way() -> None:
    rng = random.Random(2)
    few = [Observation(SLOW, MONDAY + timedelta(hours=11), 2_000.0, 300.0, 600.0) for _ in range(3)]
    model = fit([drive(STEADY, MONDAY + timedelta(days=d, hours=11), rng) for d in range(40)] + few, UTC_ZONE)
    assert model is not None
    factor = math.exp(model.effects["technician"][SLOW])
    assert 1.05 < factor < 1.4  # three drives at twice the time: a hint, not yet his measure


def test_the_promise_covers_its_quantile_on_drives_it_has_not_seen() -> None:
    model = fit(history(days=30), UTC_ZONE)
    assert model is not None
    rng = random.Random(99)
    fresh = [drive(t, MONDAY + timedelta(days=40 + d, hours=h), rng) for d in range(20) for h in (3, 8, 13, 17)
             for t in PACE]  # fmt: skip
    for quantile in (0.5, 0.85, 0.95):
        kept = [
            o.actual_s
            <= model.promise(o.estimate_s, calibration.cell(o.technician_id, o.assigned_at, o.distance_m,
                                                            o.estimate_s, UTC_ZONE), quantile).promise_s
            for o in fresh
        ]  # fmt: skip
        assert sum(kept) / len(kept) == pytest.approx(quantile, abs=0.06)


def test_a_promise_with_a_grace_is_kept_its_quantile_counting_the_grace_and_never_undercuts_the_median() -> None:
    model = fit(history(days=30), UTC_ZONE)
    assert model is not None
    rng = random.Random(7)
    fresh = [drive(t, MONDAY + timedelta(days=40 + d, hours=h), rng, estimate_s=e) for d in range(20)
             for h in (3, 8, 13, 17) for t in PACE for e in (120.0, 600.0, 1_800.0)]  # fmt: skip
    grace_s = 120.0
    promised = [
        (o, model.promise(o.estimate_s, calibration.cell(o.technician_id, o.assigned_at, o.distance_m, o.estimate_s,
                                                         UTC_ZONE), 0.9, grace_s))
        for o in fresh
    ]  # fmt: skip
    kept = [o.actual_s <= p.promise_s + grace_s for o, p in promised]
    assert sum(kept) / len(kept) >= 0.88
    assert all(p.promise_s >= p.median_s for _, p in promised)
    short = [p for o, p in promised if o.estimate_s == 120.0]
    assert all(p.promise_s == p.median_s for p in short)  # the grace alone covers a short drive's spread
    long = [(o, p) for o, p in promised if o.estimate_s == 1_800.0]
    without_grace = [model.promise(o.estimate_s, calibration.cell(o.technician_id, o.assigned_at, o.distance_m,
                                                                  o.estimate_s, UTC_ZONE), 0.9) for o, _ in long]  # fmt: skip
    assert all(
        p.promise_s == pytest.approx(q.promise_s - grace_s) for (_, p), q in zip(long, without_grace, strict=True)
    )
    assert all(p.basis["spread"] == pytest.approx(p.promise_s / p.median_s, abs=1e-3) for _, p in promised)


def test_a_broken_observation_cannot_swing_the_fleet() -> None:
    rng = random.Random(3)
    drives = [drive(STEADY, MONDAY + timedelta(days=d, hours=11), rng) for d in range(30)]
    broken = Observation(STEADY, MONDAY + timedelta(hours=11), 2_000.0, 300.0, 300.0 * 200)  # a day late
    with_broken, without = fit([*drives, broken], UTC_ZONE), fit(drives, UTC_ZONE)
    assert with_broken is not None
    assert without is not None
    assert math.exp(with_broken.fleet - without.fleet) < 1.06


def test_a_rounds_corrections_are_the_promises_own_medians() -> None:
    # Dispatch ranks a round's candidates by the calibrated median drive, computed for thousands at once; each
    # must be the median the promise would give the same drive, across distance and road-speed bands.
    rng = random.Random(9)
    varied = []  # drives of every length and road speed: short town drives slower than OSRM says, long ones faster
    for observation in history():
        metres = rng.uniform(100, 30_000)
        estimate = metres / rng.uniform(2, 15)
        varied.append(
            Observation(observation.technician_id, observation.assigned_at, metres, estimate,
                        observation.actual_s / observation.estimate_s * estimate * (1.3 if metres < 2_500 else 0.9))
        )  # fmt: skip
    model = fit(varied, UTC_ZONE)
    assert model is not None
    at = MONDAY + timedelta(days=21, hours=17, minutes=20)
    drives = [
        (rng.choice([STEADY, SLOW, FAST, NEWCOMER]), rng.uniform(0, 30_000), rng.uniform(0, 3_000)) for _ in range(400)
    ]
    drives += [(STEADY, bound, 300.0) for bound in calibration.DISTANCE_BANDS_M]  # on a band's edge
    factors = model.median_factors(
        at, [t for t, _, _ in drives], np.array([m for _, m, _ in drives]), np.array([s for _, _, s in drives])
    )
    expected = [model.promise(s, calibration.cell(t, at, m, s, UTC_ZONE), 0.85).correction for t, m, s in drives]
    assert factors.tolist() == pytest.approx(expected, rel=1e-12)
    assert len(set(np.round(factors, 9))) > 8  # the drives fall in many cells, not one

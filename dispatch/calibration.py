"""Calibrated arrival promises: how real drives compare with OSRM's estimate at acceptance, learnt from our
own finished jobs. Pure: the observations come in, a fitted model goes out.

Each observation is y = ln(actual drive / OSRM's estimate). The model is additive in y:

    y ≈ fleet + hour_of_day[h] + hour_of_week[w] + distance_band[b] + route_speed[s] + technician[t] + residual

fitted by backfitting, every effect shrunk towards zero with PRIOR_JOBS pseudo-observations (as the trust
score shrinks a technician towards the fleet), so a cell with few jobs says little and a technician with
none gets exactly the fleet's correction. The hour of the week refines the hour of the day (a Friday rush
differs from a Sunday one) without needing 168 full cells. The route's speed as OSRM sees it (straight-line
km/h under its estimate) stands for the kind of road: OSRM's speeds come from map tags, and how wrong they
are differs between town streets and through roads. The residuals' empirical quantiles give the
spread: the live ETA is the median, the promise the chosen quantile (a long tail of stalls widens the
promise, as it should), less the grace an arrival has past its promise and still keeps it (the service's
arrival tolerance, as the SLA watcher and the KPIs count a promise kept), never below the median. Effects are kept in the basis of each promise, so the decision explains it.
"""

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import numpy as np

PRIOR_JOBS = 10.0  # pseudo-observations at the fleet's value behind every effect
BACKFIT_ROUNDS = 4
MIN_OBSERVATIONS = 20  # fewer than this in a region: OSRM's estimate is taken as it is
# Distance bands by their upper bound, in straight-line metres from the technician to the driver at acceptance
# (known for every candidate of a dispatch round without asking OSRM for distances); the last is open-ended.
DISTANCE_BANDS_M = (1_000.0, 2_500.0, 5_000.0, 10_000.0, 20_000.0)
ROUTE_SPEED_BANDS_KMH = (8.0, 12.0, 18.0, 25.0, 35.0)  # straight-line distance over OSRM's time
# A ratio beyond these is a broken observation (a phone that reported the arrival late, a wrong estimate), not a
# drive: it is clipped so that one cannot swing the fleet.
MIN_RATIO, MAX_RATIO = 0.33, 4.0
FACTORS = ("hour_of_day", "hour_of_week", "distance_band", "route_speed", "technician")


@dataclass(frozen=True, slots=True)
class Observation:
    technician_id: UUID
    assigned_at: datetime
    distance_m: float  # straight-line, at acceptance
    estimate_s: float  # OSRM's, at acceptance
    actual_s: float  # acceptance to arrival


@dataclass(frozen=True, slots=True)
class Cell:
    """Where a drive falls: the keys of each factor."""

    hour_of_day: int
    hour_of_week: int
    distance_band: int
    route_speed: int
    technician: UUID

    def key(self, factor: str) -> object:
        return getattr(self, factor)


@dataclass(frozen=True, slots=True)
class Promise:
    """A calibrated estimate: the median and promised drive, the median's multiplier, and why."""

    median_s: float
    promise_s: float
    quantile: float | None  # None: not calibrated (too few finished jobs yet)
    correction: float  # median / raw
    basis: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Model:
    observations: int
    fleet: float
    effects: dict[str, dict[object, float]]
    jobs: dict[str, dict[object, int]]
    residuals: tuple[float, ...]  # sorted
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    def residual_quantile(self, q: float) -> float:
        return _quantile(self.residuals, q)

    def median_factors(
        self, at: datetime, technicians: Sequence[UUID], distances_m: np.ndarray, estimates_s: np.ndarray
    ) -> np.ndarray:
        """The median correction of each drive from `at` (its technician, straight-line metres and OSRM
        seconds), in the drives' order: the correction `promise` gives the same drive, for a round's
        thousands at once."""
        hours = cell(UUID(int=0), at, 0.0, 1.0, self.zone)
        base = (
            self.fleet
            + self.effects["hour_of_day"].get(hours.hour_of_day, 0.0)
            + self.effects["hour_of_week"].get(hours.hour_of_week, 0.0)
            + self.residual_quantile(0.5)
        )
        bands = self._by_band("distance_band", DISTANCE_BANDS_M)
        speeds = self._by_band("route_speed", ROUTE_SPEED_BANDS_KMH)
        own = self.effects["technician"]
        paces = np.fromiter((own.get(t, 0.0) for t in technicians), dtype=float, count=len(technicians))
        kmh = distances_m / np.maximum(estimates_s, 1.0) * 3.6
        logs = (
            base
            + bands[np.searchsorted(DISTANCE_BANDS_M, distances_m)]
            + speeds[np.searchsorted(ROUTE_SPEED_BANDS_KMH, kmh)]
        )
        factors: np.ndarray = np.exp(logs + paces)
        return factors

    def _by_band(self, factor: str, bounds: Sequence[float]) -> np.ndarray:
        """The factor's effect of each band (as distance_band and route_speed number them), in an array."""
        return np.array([self.effects[factor].get(band, 0.0) for band in range(len(bounds) + 1)])

    def promise(self, raw_s: float, cell: Cell, quantile: float, grace_s: float = 0.0) -> Promise:
        """The promise for a drive OSRM puts at raw_s: its median, and the time that is kept `quantile` of the
        time once the `grace_s` an arrival may come after its promise (and still keep it) is counted, never
        shorter than the median."""
        effects = {factor: self.effects[factor].get(cell.key(factor), 0.0) for factor in FACTORS}
        log_median = self.fleet + sum(effects.values()) + self.residual_quantile(0.5)
        log_promise = self.fleet + sum(effects.values()) + self.residual_quantile(quantile)
        median = math.exp(log_median)
        promise_s = max(raw_s * median, raw_s * math.exp(log_promise) - grace_s)
        basis = {
            "observations": self.observations,
            "fleet": round(math.exp(self.fleet), 4),
            **{f"{factor}": round(math.exp(value), 4) for factor, value in effects.items()},
            "technician_jobs": self.jobs["technician"].get(cell.technician, 0),
            "residual_median": round(math.exp(self.residual_quantile(0.5)), 4),
            "spread": round(promise_s / (raw_s * median), 4) if raw_s > 0 else 1.0,
            "grace_s": grace_s,
        }
        return Promise(
            median_s=raw_s * median,
            promise_s=promise_s,
            quantile=quantile,
            correction=median,
            basis=basis,
        )


def uncalibrated(raw_s: float) -> Promise:
    return Promise(median_s=raw_s, promise_s=raw_s, quantile=None, correction=1.0,
                   basis={"observations": 0})  # fmt: skip


def distance_band(distance_m: float) -> int:
    return bisect.bisect_left(DISTANCE_BANDS_M, distance_m)


def route_speed(distance_m: float, estimate_s: float) -> int:
    return bisect.bisect_left(ROUTE_SPEED_BANDS_KMH, distance_m / max(estimate_s, 1.0) * 3.6)


def cell(technician_id: UUID, at: datetime, distance_m: float, estimate_s: float, zone: ZoneInfo) -> Cell:
    local = at.astimezone(zone)
    return Cell(
        hour_of_day=local.hour,
        hour_of_week=local.weekday() * 24 + local.hour,
        distance_band=distance_band(distance_m),
        route_speed=route_speed(distance_m, estimate_s),
        technician=technician_id,
    )


def log_ratio(observation: Observation) -> float:
    ratio = observation.actual_s / observation.estimate_s
    return math.log(min(max(ratio, MIN_RATIO), MAX_RATIO))


def fit(observations: Sequence[Observation], zone: ZoneInfo) -> Model | None:
    """The model of these observations; None if there are too few to say anything."""
    usable = [o for o in observations if o.estimate_s > 0 and o.actual_s > 0]
    if len(usable) < MIN_OBSERVATIONS:
        return None
    ys = [log_ratio(o) for o in usable]
    cells = [cell(o.technician_id, o.assigned_at, o.distance_m, o.estimate_s, zone) for o in usable]
    fleet = sum(ys) / len(ys)
    keys = {factor: [c.key(factor) for c in cells] for factor in FACTORS}
    jobs: dict[str, dict[object, int]] = {}
    for factor in FACTORS:
        counts: dict[object, int] = {}
        for key in keys[factor]:
            counts[key] = counts.get(key, 0) + 1
        jobs[factor] = counts
    effects: dict[str, dict[object, float]] = {factor: {} for factor in FACTORS}
    explained = [0.0] * len(ys)  # the sum of every effect on each drive, kept as effects change
    for _ in range(BACKFIT_ROUNDS):
        for factor in FACTORS:
            codes, before = keys[factor], effects[factor]
            sums: dict[object, float] = {}
            for i, y in enumerate(ys):
                key = codes[i]
                sums[key] = sums.get(key, 0.0) + (y - fleet - explained[i] + before.get(key, 0.0))
            after = {key: total / (jobs[factor][key] + PRIOR_JOBS) for key, total in sums.items()}
            for i in range(len(ys)):
                key = codes[i]
                explained[i] += after[key] - before.get(key, 0.0)
            effects[factor] = after
    residuals = sorted(y - fleet - explained[i] for i, y in enumerate(ys))
    return Model(len(usable), fleet, effects, jobs, tuple(residuals), zone)


def _quantile(ordered: Sequence[float], q: float) -> float:
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

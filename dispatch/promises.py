"""The arrival promised to a driver, made from OSRM's estimate and what our finished jobs say about it
(calibration.py). The fitted model of each region is kept per process and refitted as drives finish: at
once while the region has few, then when they have grown by REFIT_GROWTH or REFIT_AFTER has passed."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.orders.service import EtaEstimate
from app.sla.rules import SlaPolicy
from dispatch import calibration, repository
from dispatch.calibration import Model

REFIT_GROWTH = 0.02
REFIT_AFTER = timedelta(minutes=10)
MAX_DRIVES = 20_000  # the most recent drives a fit reads


@dataclass(frozen=True, slots=True)
class PromisePolicy:
    calibrate: bool
    quantile: float
    window: timedelta
    zone: ZoneInfo  # where a region has none of its own in `zones`
    levels: SlaPolicy = field(default_factory=SlaPolicy)  # each service's grace past a promise that still keeps it
    zones: Mapping[str, ZoneInfo] = field(default_factory=dict)

    def zone_of(self, region: str | None) -> ZoneInfo:
        """Whose hours of the day and week the region's drives are learnt by."""
        return self.zones.get(region or "", self.zone)

    @classmethod
    def from_settings(cls, settings: Settings) -> "PromisePolicy":
        return cls(
            calibrate=settings.promise_calibration,
            quantile=settings.promise_quantile,
            window=timedelta(days=settings.calibration_window_days),
            zone=ZoneInfo(settings.timezone),
            levels=SlaPolicy.from_settings(settings),
            zones={region: ZoneInfo(name) for region, name in settings.region_timezones.items()},
        )


@dataclass(frozen=True, slots=True)
class _Fit:
    model: Model | None
    drives: int
    fitted_at: datetime


_fits: dict[str, _Fit] = {}


async def model(session: AsyncSession, policy: PromisePolicy, region: str | None, now: datetime) -> Model | None:
    """The region's calibration as of now; None while it is off or has too few finished drives."""
    if not policy.calibrate:
        return None
    key = region or ""
    since = now - policy.window
    count = await repository.drive_count(session, key, since)
    fit = _fits.get(key)
    if fit is not None and count == fit.drives:
        return fit.model
    grown = fit is None or count - fit.drives >= max(1.0, REFIT_GROWTH * fit.drives)
    if fit is not None and not grown and now - fit.fitted_at < REFIT_AFTER:
        return fit.model
    fitted = calibration.fit(await repository.drives(session, key, since, MAX_DRIVES), policy.zone_of(region))
    _fits[key] = _Fit(fitted, count, now)
    return fitted


def forget() -> None:
    """Drops every cached fit (a database that was emptied under the process, as in tests)."""
    _fits.clear()


def promise(
    fitted: Model | None, policy: PromisePolicy, technician_id: UUID, service: str, estimate: EtaEstimate,
    straight: float, at: datetime,
) -> EtaEstimate:  # fmt: skip
    """The estimate OSRM gave, turned into the promise: its median drive, and the time kept the policy's
    quantile of the time as the service's SLA counts a promise kept."""
    if fitted is None:
        made = calibration.uncalibrated(estimate.seconds)
    else:
        where = calibration.cell(technician_id, at, straight, estimate.seconds, fitted.zone)
        grace = policy.levels.arrival_tolerance(service).total_seconds()
        made = fitted.promise(estimate.seconds, where, policy.quantile, grace)
    return EtaEstimate(
        seconds=made.promise_s,
        confidence=estimate.confidence,
        distance_m=estimate.distance_m,
        raw_seconds=estimate.seconds,
        straight_m=straight,
        correction=made.correction,
        quantile=made.quantile,
        basis=made.basis,
    )


def median_factors(
    fitted: Model | None, at: datetime, technicians: Sequence[UUID], distances_m: np.ndarray, estimates_s: np.ndarray
) -> np.ndarray:
    """The median correction of each drive starting at `at` (its technician, straight-line metres and OSRM
    seconds), in the drives' order: what dispatch multiplies OSRM's estimate by to rank technicians by when they
    will really be there."""
    if fitted is None:
        return np.ones(len(technicians))
    return fitted.median_factors(at, technicians, distances_m, estimates_s)

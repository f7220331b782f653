"""The simulated world of the dispatch study: technicians with a hidden quality, drivers who break down
and rate what happened. Pure: every draw comes from the random generators handed in.

Each technician belongs to a hidden class. Good ones drive at the pace OSRM expects, fix most cars on the
spot and leave drivers happy; poor ones run late, fix less and leave drivers unhappy. Nothing here is
visible to the dispatcher: it learns only from ratings and from what the technicians do.

The map is wrong, as real maps are: a drive takes OSRM's free-flow estimate times the hour of the day's
traffic (rush hours slower, nights faster), the kind of road (slow town streets, fast through roads, read
from the drive's speed as OSRM sees it) and the technician's own pace, with noise; some drives stall for
minutes (a wrong turn, a coffee, a delivery), and phones go dark for minutes now and then.
"""

import math
import random
from dataclasses import dataclass
from enum import StrEnum

from app.enums import Service
from app.geo import Point

# The share of demand by hour of the day (UTC): quiet at night, rush hours at 7-9 and 16-18.
HOURLY_DEMAND = (0.3, 0.2, 0.2, 0.2, 0.3, 0.5, 0.9, 1.6, 1.7, 1.2, 1.0, 1.0,
                 1.1, 1.0, 1.0, 1.2, 1.6, 1.7, 1.3, 1.0, 0.8, 0.6, 0.5, 0.4)  # fmt: skip


class Calibre(StrEnum):
    GOOD = "good"
    AVERAGE = "average"
    POOR = "poor"


# Real drive time / OSRM's estimate by the hour of the day (UTC): what calibration has to learn.
# Peaks about 50 % slower than free flow, as city congestion indices report; nights faster than OSRM's defaults.
HOURLY_TRAFFIC = (0.75, 0.75, 0.75, 0.75, 0.78, 0.82, 0.9, 1.45, 1.55, 1.0, 0.85, 0.82,
                  0.85, 0.82, 0.82, 0.95, 1.45, 1.55, 1.05, 0.85, 0.8, 0.78, 0.76, 0.75)  # fmt: skip
# By the drive's straight-line speed under OSRM's estimate (km/h): town streets, roads between, through roads.
ROAD_CLASSES = ((12.0, 1.2), (25.0, 0.95), (math.inf, 0.8))
TRAFFIC_NOISE = 0.08  # the spread (log) of a drive around its expected time
PACE_SPREAD = 0.06  # the spread (log) of technicians' own paces within their class
DARK_PER_DAY = 1.0  # how often a technician's phone goes dark...
DARK_MINUTES = (3.0, 10.0)  # ...and for how long
STALL_MINUTES = (3.0, 12.0)


@dataclass(frozen=True, slots=True)
class Profile:
    calibre: Calibre
    quality: float  # 0..1: how the driver feels about the work and the manner
    pace: float  # true driving time / OSRM's estimate
    fixes: float  # chance to fix on site
    accepts: float  # chance to accept an offer
    declines: float  # chance to decline it (else he lets it lapse)
    work_minutes: float  # mean time on site
    stalls: float = 0.0  # chance that a drive stalls for STALL_MINUTES


CALIBRES = {
    Calibre.GOOD: Profile(Calibre.GOOD, quality=0.92, pace=0.95, fixes=0.9, accepts=0.92, declines=0.05,
                          work_minutes=25, stalls=0.01),
    Calibre.AVERAGE: Profile(Calibre.AVERAGE, quality=0.72, pace=1.02, fixes=0.8, accepts=0.88, declines=0.08,
                             work_minutes=30, stalls=0.02),
    Calibre.POOR: Profile(Calibre.POOR, quality=0.42, pace=1.15, fixes=0.6, accepts=0.8, declines=0.1,
                          work_minutes=35, stalls=0.06),
}  # fmt: skip
FLEET_MIX = ((Calibre.GOOD, 1 / 3), (Calibre.AVERAGE, 5 / 12), (Calibre.POOR, 1 / 4))


@dataclass(frozen=True, slots=True)
class Breakdown:
    at_s: float  # seconds after the study's start
    where: Point
    service: Service


@dataclass(frozen=True, slots=True)
class Rating:
    csat: int
    nps: int
    ces: int
    tags: tuple[str, ...]


def fleet(size: int) -> list[Profile]:
    """The fleet's hidden classes in the mix of FLEET_MIX (rounded), the rest average."""
    profiles: list[Profile] = []
    for calibre, share in FLEET_MIX:
        profiles += [CALIBRES[calibre]] * round(size * share)
    profiles = profiles[:size]
    profiles += [CALIBRES[Calibre.AVERAGE]] * (size - len(profiles))
    return profiles


def breakdowns(
    rng: random.Random, days: int, per_day: float, box: tuple[float, float, float, float]
) -> list[Breakdown]:
    """A Poisson stream of breakdowns following HOURLY_DEMAND, at uniform places in the box (to be snapped)."""
    south, west, north, east = box
    peak = max(HOURLY_DEMAND)
    mean = sum(HOURLY_DEMAND) / len(HOURLY_DEMAND)
    peak_rate_per_s = per_day / 86400 * peak / mean
    found: list[Breakdown] = []
    t = 0.0
    while True:
        t += rng.expovariate(peak_rate_per_s)
        if t >= days * 86400:
            return found
        if rng.random() < HOURLY_DEMAND[int(t // 3600) % 24] / peak:  # thinning to the hour's rate
            where = Point(lat=rng.uniform(south, north), lon=rng.uniform(west, east))
            found.append(Breakdown(t, where, rng.choice(list(Service))))


def own_pace(profile: Profile, rng: random.Random) -> float:
    """A technician's pace: his class's, and his own within it."""
    return profile.pace * math.exp(rng.gauss(0.0, PACE_SPREAD))


def road_factor(estimate_s: float, straight_m: float) -> float:
    speed_kmh = straight_m / max(estimate_s, 1.0) * 3.6
    return next(factor for below, factor in ROAD_CLASSES if speed_kmh < below)


def slowdown(estimate_s: float, straight_m: float, hour: int, rng: random.Random) -> float:
    """How much longer than OSRM's estimate a drive takes at OSRM's own pace: the hour's traffic, the road and
    noise."""
    return HOURLY_TRAFFIC[hour] * road_factor(estimate_s, straight_m) * math.exp(rng.gauss(0.0, TRAFFIC_NOISE))


def driving_time_s(
    profile: Profile, pace: float, estimate_s: float, straight_m: float, hour: int, rng: random.Random
) -> float:
    """How long he really takes: OSRM's estimate times the hour's traffic, the road, his pace and noise, and
    now and then a stall."""
    seconds = estimate_s * pace * slowdown(estimate_s, straight_m, hour, rng)
    if rng.random() < profile.stalls:
        seconds += 60 * rng.uniform(*STALL_MINUTES)
    return seconds


def dark_spells(rng: random.Random, days: int) -> list[tuple[float, float]]:
    """When a technician's phone is dark: (start, end) in seconds after the study's start."""
    spells: list[tuple[float, float]] = []
    t = 0.0
    while True:
        t += rng.expovariate(DARK_PER_DAY / 86400)
        if t >= days * 86400:
            return spells
        spells.append((t, t + 60 * rng.uniform(*DARK_MINUTES)))


def work_time_s(profile: Profile, rng: random.Random) -> float:
    return rng.expovariate(1 / (profile.work_minutes * 60)) + 300.0


def rating(profile: Profile, late_s: float, fixed: bool, rng: random.Random, tolerance_s: float) -> Rating:
    """What the driver answers: the technician's manner and work, minus lateness beyond the promise's
    tolerance (the service's, as the SLA watcher and the KPIs count it)."""
    stars = 1 + 4 * profile.quality + rng.gauss(0.0, 0.5)
    tags: list[str] = []
    if late_s > tolerance_s:
        stars -= 1.0 if late_s < 600 else 2.0
        tags.append("late")
    if not fixed:
        stars -= 1.0
    if fixed and late_s <= 0:
        tags.append("fixed_fast")
    csat = min(5, max(1, round(stars)))
    nps = min(10, max(0, round(2 * stars + rng.gauss(0.0, 0.8))))
    ces = min(7, max(1, round(8 - stars + rng.gauss(0.0, 0.5))))
    return Rating(csat, nps, ces, tuple(tags))


# The drivers' memory: whether a driver renews his cover after the job, by what he lived through. A base
# chance, lowered by help that never came, a broken promise, a detractor's score or a negative comment, and
# raised by a kept promise and a promoter's score; kept within [RENEWAL_FLOOR, RENEWAL_CEILING].
RENEWAL_BASE = 0.80
RENEWAL_EFFECTS = {
    "no_help": -0.30,  # cancelled while waiting, or nobody came
    "broken_promise": -0.15,  # arrived past the promise and its tolerance
    "kept_promise": +0.05,
    "detractor": -0.15,  # NPS 0-6
    "promoter": +0.07,  # NPS 9-10
    "negative_comment": -0.10,  # the simulated drivers write no comments: this term never applies here
}
RENEWAL_FLOOR, RENEWAL_CEILING = 0.05, 0.98


def renewal_probability(helped: bool, kept: bool | None, nps: int | None, negative_comment: bool = False) -> float:
    """The chance that a driver renews his cover after this experience (RENEWAL_EFFECTS)."""
    p = RENEWAL_BASE
    if not helped:
        p += RENEWAL_EFFECTS["no_help"]
    elif kept is not None:
        p += RENEWAL_EFFECTS["kept_promise" if kept else "broken_promise"]
    if nps is not None and nps <= 6:
        p += RENEWAL_EFFECTS["detractor"]
    elif nps is not None and nps >= 9:
        p += RENEWAL_EFFECTS["promoter"]
    if negative_comment:
        p += RENEWAL_EFFECTS["negative_comment"]
    return min(RENEWAL_CEILING, max(RENEWAL_FLOOR, p))


def renews(probability: float, breakdown_key: str) -> bool:
    """The driver's decision, drawn from a generator seeded by his breakdown: the same driver faces the same
    draw under every policy (common random numbers), so retention differs only by what each policy did."""
    return random.Random(f"renewal:{breakdown_key}").random() < probability

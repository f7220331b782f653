"""Two weeks of past jobs for the demo, so that its KPI tiles, trends and trust scores mean something from
the first second. Written straight into the database (a tool, not the service): orders with their
timelines, ratings, follow-ups and the trust evidence the listeners would have kept, from the same hidden
technician classes the simulator plays (tools/study/world.py), then every technician's score refreshed."""

import random
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.enums import Role, Service
from app.geo import Point, to_geography
from app.orders.models import JobEvent, Order, OrderStatus, Resolution
from app.technicians.models import Technician
from app.users.models import Driver, User
from dispatch.models import EtaObservation
from feedback import scores
from feedback.ledger import rating_evidence
from feedback.models import Feedback, FollowUp, FollowUpStatus, TrustEvidence
from feedback.service import is_detractor
from feedback.trust import Signal
from tools.people import driver_name, mobile_number
from tools.study import world
from tools.study.world import Profile

TOLERANCE_S = 120.0
RATES = 0.85


async def seed_history(
    session: AsyncSession, region: str, area: BaseGeometry, now: datetime, days: int = 14, per_day: float = 30.0,
    seed: int = 5,
) -> int:  # fmt: skip
    """Past jobs of the region's fleet over the last `days` days; returns how many orders it wrote."""
    if await session.scalar(select(func.count()).select_from(Order).where(Order.region == region)):
        return 0
    fleet = list(
        (
            await session.execute(
                select(Technician)
                .where((Technician.region == region) | Technician.region.is_(None))
                .order_by(Technician.name, Technician.id)
            )
        ).scalars()
    )
    if not fleet:
        return 0
    profiles = dict(zip((t.id for t in fleet), world.fleet(len(fleet)), strict=True))  # as the simulator plays them
    rng = random.Random(seed)
    drivers = [uuid4() for _ in range(40)]
    names = [driver_name(region, n) for n in range(len(drivers))]
    await session.execute(
        insert(User), [{"id": d, "role": Role.DRIVER, "name": names[n]} for n, d in enumerate(drivers)]
    )
    await session.execute(insert(Driver), [{"id": d, "phone": mobile_number(region, n)} for n, d in enumerate(drivers)])
    start = now - timedelta(days=days)
    west, south, east, north = area.bounds
    writer = _Writer()
    for breakdown in world.breakdowns(rng, days, per_day, (south, west, north, east)):
        created = start + timedelta(seconds=breakdown.at_s)
        if created > now - timedelta(hours=2):
            break  # the last hours belong to the live demo
        able = [t for t in fleet if breakdown.service.value in t.skills]
        if not able:
            continue
        technician = rng.choice(able)
        writer.job(rng, region, breakdown.where, breakdown.service, created, rng.choice(drivers), technician.id,
                   profiles[technician.id])  # fmt: skip
    await writer.flush(session)
    await scores.refresh(session, {t.id: ("past_jobs", None, now) for t in fleet})
    return writer.orders


class _Writer:
    def __init__(self) -> None:
        self.rows: dict[type, list[dict[str, Any]]] = {
            Order: [],
            JobEvent: [],
            Feedback: [],
            FollowUp: [],
            TrustEvidence: [],
            EtaObservation: [],
        }
        self.orders = 0

    def job(
        self, rng: random.Random, region: str, where: Point, service: Service, created: datetime, driver: UUID,
        technician: UUID, profile: Profile,
    ) -> None:  # fmt: skip
        order_id = uuid4()
        self.orders += 1
        base = {"id": order_id, "driver_id": driver, "service": service, "location": to_geography(where),
                "region": region, "created_at": created}  # fmt: skip
        events = [(OrderStatus.SEARCHING, created)]
        if rng.random() < 0.03:  # nobody free in time
            ended = created + timedelta(minutes=15)
            self.rows[Order].append({**base, "status": OrderStatus.UNFULFILLED, "updated_at": ended})
            self._events(order_id, [*events, (OrderStatus.UNFULFILLED, ended)])
            return
        accepted = created + timedelta(seconds=rng.uniform(20, 150))
        estimate_s = rng.uniform(240, 900)
        straight_m = estimate_s * rng.uniform(3.0, 9.0)  # town streets to through roads
        promised = accepted + timedelta(seconds=estimate_s)
        drive_s = world.driving_time_s(profile, profile.pace, estimate_s, straight_m, accepted.hour, rng)
        arrived = accepted + timedelta(seconds=drive_s)
        late_s = (arrived - promised).total_seconds()
        events += [(OrderStatus.ASSIGNED, accepted), (OrderStatus.EN_ROUTE, accepted + timedelta(seconds=40))]
        if late_s > 20 * 60 and rng.random() < 0.5:  # the driver gave up
            self.rows[Order].append({**base, "status": OrderStatus.CANCELLED, "technician_id": technician,
                                     "assigned_at": accepted, "promised_arrival_at": promised,
                                     "promise_confidence": "high", "updated_at": promised + timedelta(minutes=20),
                                     "cancel_reason": "waited too long"})  # fmt: skip
            self._events(order_id, [*events, (OrderStatus.CANCELLED, promised + timedelta(minutes=20))])
            self._evidence(technician, order_id, service, Signal.RESPONSIVE, 1.0, accepted, "offer_accepted",
                           {"outcome": "accepted"})  # fmt: skip
            self._evidence(technician, order_id, service, Signal.KEPT_JOBS, 0.0, accepted, "cancelled",
                           {"after_promise": True})  # fmt: skip
            return
        fixed = rng.random() < profile.fixes
        done = arrived + timedelta(seconds=world.work_time_s(profile, rng))
        status = OrderStatus.COMPLETED if fixed else OrderStatus.FAILED
        resolution = (Resolution.TOWED if service is Service.TOW else Resolution.FIXED_ON_SITE) if fixed else (
            Resolution.NOT_FIXED
        )  # fmt: skip
        self.rows[Order].append({**base, "status": status, "technician_id": technician, "assigned_at": accepted,
                                 "promised_arrival_at": promised, "promise_confidence": "high",
                                 "eta_raw_s": estimate_s, "eta_distance_m": straight_m, "eta_correction": 1.0,
                                 "resolution": resolution, "updated_at": done})  # fmt: skip
        self.rows[EtaObservation].append({"order_id": order_id, "region": region, "technician_id": technician,
                                          "assigned_at": accepted, "distance_m": straight_m,
                                          "estimate_s": estimate_s, "actual_s": drive_s, "observed_at": arrived})  # fmt: skip
        events += [(OrderStatus.ARRIVED, arrived), (OrderStatus.IN_PROGRESS, arrived + timedelta(minutes=1)),
                   (status, done)]  # fmt: skip
        self._events(order_id, events)
        on_time = late_s <= TOLERANCE_S
        self._evidence(technician, order_id, service, Signal.RESPONSIVE, 1.0, accepted, "offer_accepted",
                       {"outcome": "accepted"})  # fmt: skip
        self._evidence(technician, order_id, service, Signal.ON_TIME, 1.0 if on_time else 0.0, arrived, "arrived",
                       {"late_s": round(late_s), "tolerance_s": TOLERANCE_S, "promised_at": promised.isoformat()})  # fmt: skip
        self._evidence(technician, order_id, service, Signal.FIRST_FIX, 1.0 if fixed else 0.0, done, status.value)
        self._evidence(technician, order_id, service, Signal.KEPT_JOBS, 1.0, accepted, status.value)
        if rng.random() < RATES:
            self._rating(rng, order_id, service, driver, technician, profile, late_s, fixed, done)

    def _rating(
        self, rng: random.Random, order_id: UUID, service: Service, driver: UUID, technician: UUID, profile: Profile,
        late_s: float, fixed: bool, done: datetime,
    ) -> None:  # fmt: skip
        given = world.rating(profile, late_s, fixed, rng, TOLERANCE_S)
        rated = done + timedelta(minutes=rng.uniform(3, 90))
        feedback_id = uuid4()
        self.rows[Feedback].append({"id": feedback_id, "order_id": order_id, "driver_id": driver,
                                    "technician_id": technician, "csat": given.csat, "nps": given.nps,
                                    "ces": given.ces, "tags": list(given.tags), "created_at": rated})  # fmt: skip
        self._evidence(technician, order_id, service, Signal.RATING, rating_evidence(given.csat), rated, "rating",
                       {"csat": given.csat})  # fmt: skip
        if is_detractor(given.csat, given.nps):
            resolved = rated + timedelta(minutes=rng.uniform(10, 50))
            self.rows[FollowUp].append({"id": uuid4(), "feedback_id": feedback_id, "order_id": order_id,
                                        "driver_id": driver, "technician_id": technician,
                                        "reason": "detractor",
                                        "due_at": rated + timedelta(hours=1), "status": FollowUpStatus.RESOLVED,
                                        "note": "Called back; apologised.", "resolved_at": resolved,
                                        "created_at": rated})  # fmt: skip

    def _events(self, order_id: UUID, events: list[tuple[OrderStatus, datetime]]) -> None:
        self.rows[JobEvent] += [{"order_id": order_id, "status": s, "created_at": at} for s, at in events]

    def _evidence(
        self, technician: UUID, order_id: UUID, service: Service, signal: Signal, value: float, at: datetime,
        cause: str, detail: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        self.rows[TrustEvidence].append({"technician_id": technician, "order_id": order_id, "service": service.value,
                                         "signal": signal.value, "value": value, "at": at, "cause": cause,
                                         "detail": detail or {}, "settled_at": at})  # fmt: skip

    async def flush(self, session: AsyncSession) -> None:
        for model in (Order, JobEvent, Feedback, FollowUp, TrustEvidence, EtaObservation):
            rows = self.rows[model]
            for start in range(0, len(rows), 1000):
                await session.execute(insert(model), rows[start : start + 1000])

from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock, events
from app.auth.tokens import Principal
from app.enums import Role, Service
from app.errors import NotFound
from app.geo import from_geography
from app.orders import repository as orders
from app.orders.models import OrderStatus
from app.pagination import decode_text_cursor, next_cursor
from app.regions import service as regions
from app.schemas import Page
from app.technicians import repository, reputation
from app.technicians.models import Technician
from app.technicians.schemas import OwnProfile, TechnicianCreate, TechnicianRead
from app.users import repository as users


async def create_technician(session: AsyncSession, data: TechnicianCreate) -> TechnicianRead:
    if data.region is not None:
        await regions.ensure_served(session, [data.region])
    user = await users.create(session, Role.TECHNICIAN, data.name)
    technician = Technician(
        id=user.id,
        name=data.name,
        display_name=data.display_name,
        gender=data.gender,
        photo_url=data.photo_url,
        phone=data.phone,
        skills=sorted({skill.value for skill in data.skills}),
        vehicle=data.vehicle.model_dump(exclude_none=True) if data.vehicle else None,
        region=data.region,
        online=False,
    )
    session.add(technician)
    await session.flush()
    return await with_reputation(session, technician)


async def get_own(session: AsyncSession, principal: Principal) -> Technician:
    technician = await repository.get(session, principal.user_id)
    if technician is None:
        raise NotFound("No technician profile belongs to this account.")
    return technician


async def get_by_id(session: AsyncSession, technician_id: UUID) -> Technician:
    technician = await repository.get(session, technician_id)
    if technician is None:
        raise NotFound("No such technician.")
    return technician


async def set_availability(session: AsyncSession, principal: Principal, online: bool) -> Technician:
    technician = await repository.get_for_update(session, principal.user_id)
    if technician is None:
        raise NotFound("No technician profile belongs to this account.")
    was_online, technician.online = technician.online, online
    await session.flush()
    if online:
        await events.publish(session, events.TechnicianAvailable(at=clock.now(), technician_id=technician.id))
    elif was_online:
        await events.publish(session, events.TechnicianWentOffline(at=clock.now(), technician_id=technician.id))
    return technician


class SilentTechnicians:
    """A watch round: sets offline the free technicians whose phones have sent no position for `after_s`
    (a phone switched off at the end of the day, the app closed while online), and tells each by push. Left
    online, they would count as the fleet an operator can call on, and every nearest-first search for an order
    would step over them. One on a job is left to the stall ladder."""

    def __init__(self, after_s: int) -> None:
        self._after_s = after_s

    async def __call__(self, session: AsyncSession, now: datetime) -> list[UUID]:
        active_job = OrderStatus.values(OrderStatus.active_job())
        silenced = await repository.set_silent_offline(session, now - timedelta(seconds=self._after_s), active_job)
        for technician_id in silenced:
            await events.publish(
                session, events.TechnicianSetOffline(at=now, technician_id=technician_id, offline_after_s=self._after_s)
            )
        return silenced


def present(technician: Technician, trust_score: float | None) -> TechnicianRead:
    return TechnicianRead(
        id=technician.id,
        name=technician.name,
        display_name=technician.shown_name,
        gender="female" if technician.gender == "female" else "male" if technician.gender == "male" else None,
        photo_url=technician.photo_url,
        phone=technician.phone,
        skills=[Service(skill) for skill in technician.skills],
        vehicle=technician.vehicle,
        region=technician.region,
        online=technician.online,
        position=from_geography(technician.position) if technician.position is not None else None,
        position_at=technician.position_at,
        trust_score=trust_score,
    )


async def list_technicians(
    session: AsyncSession, region: str | None, limit: int, cursor: str | None
) -> Page[TechnicianRead]:
    fleet = await repository.list_all(session, region, limit + 1, decode_text_cursor(cursor) if cursor else None)
    standing = await reputation.of(session, [t.id for t in fleet[:limit]])
    return Page(
        items=[present(t, standing[t.id].trust_score if t.id in standing else None) for t in fleet[:limit]],
        next_cursor=next_cursor(fleet, limit, lambda t: (t.name, t.id)),
    )


async def own_profile(session: AsyncSession, technician: Technician, position_stale: timedelta) -> OwnProfile:
    read = await with_reputation(session, technician)
    current = await orders.active_job_of(session, technician.id)
    return OwnProfile(
        **read.model_dump(), current_order_id=current,
        no_offers_because=why_no_offers(technician, current is not None, clock.now() - position_stale),
    )  # fmt: skip


def why_no_offers(
    technician: Technician, on_a_job: bool, fresh_after: datetime
) -> Literal["offline", "on_a_job", "no_position", "position_stale"] | None:
    """What keeps dispatch from offering him a job, in the order he would mend it; None when nothing does."""
    if not technician.online:
        return "offline"
    if on_a_job:
        return "on_a_job"
    if technician.position_at is None:
        return "no_position"
    return "position_stale" if technician.position_at < fresh_after else None


async def with_reputation(session: AsyncSession, technician: Technician) -> TechnicianRead:
    standing = (await reputation.of(session, [technician.id])).get(technician.id)
    return present(technician, standing.trust_score if standing else None)

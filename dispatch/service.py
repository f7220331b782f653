from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock, events
from app.auth.tokens import Principal
from app.config import Settings
from app.errors import Conflict, NotFound
from app.geo import from_geography, haversine_m, travel_heading
from app.orders import repository as orders_repository
from app.orders import service as orders
from app.orders.models import Order, OrderStatus
from app.orders.schemas import OrderRead
from app.orders.views import present as present_order
from app.pagination import decode_cursor, next_cursor
from app.routing.osrm import OsrmClient
from app.schemas import Page
from app.technicians import repository as technicians_repository
from app.technicians.models import Technician
from dispatch import promises, repository
from dispatch.dispatcher import NO_ROAD_SAID_AFTER_S
from dispatch.models import DispatchDecision, Offer, OfferStatus
from dispatch.promises import PromisePolicy
from dispatch.schemas import (
    DecisionCandidate,
    DecisionRead,
    DecisionRound,
    OfferCreate,
    OfferRead,
    TechnicianChoice,
    TechnicianChoices,
)
from dispatch.why import Standing, why_not
from feedback import scores
from feedback import service as feedback


async def estimate_arrival(osrm: OsrmClient, technician: Technician, order: Order) -> orders.EtaEstimate | None:
    """Road travel time from the technician's last position to the driver; None if he has no position."""
    if technician.position is None:
        return None
    origin, destination = (
        from_geography(technician.position),
        from_geography(order.location),
    )
    heading = travel_heading(technician.heading, technician.speed_mps)
    table = await osrm.table([origin], [destination], with_distances=True, headings=[heading])
    duration, distance = table.durations[0][0], table.distances[0][0]
    if duration is None:
        return None
    return orders.EtaEstimate(seconds=duration, confidence=table.confidence, distance_m=distance)


async def promised_arrival(
    session: AsyncSession, osrm: OsrmClient, policy: PromisePolicy, technician: Technician, order: Order
) -> orders.EtaEstimate | None:
    """The arrival to promise if this technician takes the order now: OSRM's estimate, calibrated."""
    estimate = await estimate_arrival(osrm, technician, order)
    if estimate is None or technician.position is None:
        return estimate
    now = clock.now()
    fitted = await promises.model(session, policy, order.region, now)
    straight = haversine_m(from_geography(technician.position), from_geography(order.location))
    return promises.promise(fitted, policy, technician.id, order.service.value, estimate, straight, now)


def median_seconds(eta: orders.EtaEstimate) -> float:
    """The calibrated median drive (what a technician is told an offer takes, what a live ETA is)."""
    return (eta.raw_seconds if eta.raw_seconds is not None else eta.seconds) * eta.correction


CHOICES = 25  # the technicians nearest in a straight line, ranked again by road


async def choices(session: AsyncSession, osrm: OsrmClient, settings: Settings, order_id: UUID) -> TechnicianChoices:
    """Who an operator could offer or give the order to, soonest by road first: the same rules as an offer or an
    assignment would check (skill, region, free, not blocked by the driver). None once the order is past acting on."""
    order = await orders_repository.get(session, order_id)
    if order is None:
        raise NotFound("No such order.")
    if order.status not in {OrderStatus.SEARCHING, *OrderStatus.on_the_way()}:
        return TechnicianChoices(order_id=order.id, confidence=None, items=[])
    now = clock.now()
    blocked = await feedback.blocked_pairs(session, {order.driver_id}, settings.block_csat_at_or_below)
    found = await repository.pickable(
        session, order.id, now=now, cross_border=settings.cross_border, blocked=[t for _, t in blocked],
        limit=CHOICES,
    )  # fmt: skip
    located = [p for p in found if p.position is not None]
    road: dict[UUID, tuple[float | None, float | None]] = {}
    confidence = None
    if located:
        table = await osrm.table(
            [p.position for p in located if p.position is not None], [from_geography(order.location)],
            with_distances=True, headings=[p.heading for p in located],
        )  # fmt: skip
        confidence = table.confidence
        road = {
            p.technician_id: (table.durations[i][0], table.distances[i][0]) for i, p in enumerate(located)
        }  # fmt: skip
    medians = await _median_drives(session, settings, order, found, road, now)
    trust = await scores.for_services(session, {(p.technician_id, order.service.value) for p in found})
    items = []
    for p in found:
        raw_eta_s, road_m = road.get(p.technician_id, (None, None))
        score = trust[p.technician_id, order.service.value]
        items.append(
            TechnicianChoice(
                technician_id=p.technician_id, name=p.name, region=p.region, eta_s=medians.get(p.technician_id),
                raw_eta_s=raw_eta_s, road_m=road_m, straight_m=p.straight_m,
                position_age_s=(now - p.position_at).total_seconds() if p.position_at is not None else None,
                trust_score=score.value, ratings=score.ratings, offered_this=p.offered_this,
                offered_elsewhere=p.offered_elsewhere,
            )
        )  # fmt: skip
    # By road; then those no road leads from, by straight line; then those nobody knows the whereabouts of.
    items.sort(key=lambda c: (c.eta_s is None, c.straight_m is None, c.eta_s or c.straight_m or 0.0, c.name))
    return TechnicianChoices(order_id=order.id, confidence=confidence, items=items)


async def _median_drives(
    session: AsyncSession, settings: Settings, order: Order, found: list[repository.Pickable],
    road: dict[UUID, tuple[float | None, float | None]], now: datetime,
) -> dict[UUID, float]:  # fmt: skip
    """Each reachable technician's calibrated median drive to the order: OSRM's estimate times the correction
    dispatch ranks him by (the region's fitted model; none fitted: OSRM's estimate as it is)."""
    drives = [(p, seconds) for p in found if (seconds := road.get(p.technician_id, (None, None))[0]) is not None]
    if not drives:
        return {}
    fitted = await promises.model(session, PromisePolicy.from_settings(settings), order.region, now)
    factors = promises.median_factors(
        fitted, now, [p.technician_id for p, _ in drives],
        np.array([p.straight_m or 0.0 for p, _ in drives]), np.array([seconds for _, seconds in drives]),
    )  # fmt: skip
    return {p.technician_id: seconds * float(factor) for (p, seconds), factor in zip(drives, factors, strict=True)}


async def _locked_order(session: AsyncSession, order_id: UUID) -> Order:
    order = await orders_repository.get_for_update(session, order_id)
    if order is None:
        raise NotFound("No such order.")
    return order


async def ensure_not_blocked(session: AsyncSession, settings: Settings, order: Order, technician_id: UUID) -> None:
    if await feedback.is_blocked(session, order.driver_id, technician_id, settings.block_csat_at_or_below):
        raise Conflict("This driver asked never to be served by this technician again.")


async def create_offer(
    session: AsyncSession, osrm: OsrmClient, settings: Settings, order_id: UUID, data: OfferCreate
) -> OfferRead:
    order = await _locked_order(session, order_id)
    if order.status is not OrderStatus.SEARCHING:
        raise Conflict(f"Only a searching order can be offered; this one is {order.status.value}.")
    technician = await technicians_repository.get(session, data.technician_id)
    if technician is None:
        raise NotFound("No such technician.")
    orders.ensure_offers(technician, order)
    orders.ensure_serves_region(technician, order, settings.cross_border)
    await ensure_not_blocked(session, settings, order, technician.id)
    eta = await promised_arrival(session, osrm, PromisePolicy.from_settings(settings), technician, order)
    offer = Offer(
        order_id=order.id,
        technician_id=technician.id,
        status=OfferStatus.PENDING,
        source="operator",
        eta_seconds=round(median_seconds(eta)) if eta else None,
        distance_m=eta.distance_m if eta else None,
        expires_at=clock.now() + timedelta(seconds=data.ttl_s),
    )
    session.add(offer)
    await session.flush()
    await events.publish(
        session,
        events.OfferMade(at=clock.now(), offer_id=offer.id, order_id=order.id, technician_id=technician.id,
                         service=order.service, eta_seconds=offer.eta_seconds, ttl_s=data.ttl_s, source="operator"),
    )  # fmt: skip
    return present(offer, order)


async def list_pending(
    session: AsyncSession, osrm: OsrmClient, principal: Principal, limit: int, cursor: str | None
) -> Page[OfferRead]:
    """The technician's open offers; the road distance is measured now, from where he is."""
    after = decode_cursor(cursor) if cursor else None
    pairs = await repository.pending_for_technician(session, principal.user_id, clock.now(), limit + 1, after)
    offers = [present(offer, order) for offer, order in pairs[:limit]]
    technician = await technicians_repository.get(session, principal.user_id)
    if offers and technician is not None and technician.position is not None:
        table = await osrm.table(
            [from_geography(technician.position)], [offer.location for offer in offers], with_distances=True,
            headings=[travel_heading(technician.heading, technician.speed_mps)],
        )  # fmt: skip
        offers = [
            offer.model_copy(update={"distance_m": table.distances[0][k]}) if offer.distance_m is None else offer
            for k, offer in enumerate(offers)
        ]
    return Page(items=offers, next_cursor=next_cursor(pairs, limit, lambda pair: (pair[0].expires_at, pair[0].id)))


async def _locked_own_offer(session: AsyncSession, principal: Principal, offer_id: UUID) -> tuple[Offer, Order]:
    """Locks the order first, then the offer: every writer of offers holds its order's lock, so none deadlock."""
    offer = await repository.get(session, offer_id)
    if offer is None or offer.technician_id != principal.user_id:
        raise NotFound("No such offer.")
    order = await _locked_order(session, offer.order_id)
    offer = await repository.get_for_update(session, offer_id)
    assert offer is not None
    return offer, order


# Why an offer no longer open is closed, as its technician reads it on a refused answer.
CLOSED_BECAUSE = {
    OfferStatus.ACCEPTED: "you accepted it already",
    OfferStatus.DECLINED: "you declined it",
    OfferStatus.EXPIRED: "it has expired",
    OfferStatus.WITHDRAWN: "it was withdrawn",
}


def _ensure_open(offer: Offer) -> None:
    if offer.status is not OfferStatus.PENDING:
        raise Conflict(f"The offer is no longer open: {CLOSED_BECAUSE[offer.status]}.")
    if offer.expires_at <= clock.now():  # past its time, before a round has marked it so: as if it had
        raise Conflict(f"The offer is no longer open: {CLOSED_BECAUSE[OfferStatus.EXPIRED]}.")


async def accept(
    session: AsyncSession, osrm: OsrmClient, policy: PromisePolicy, principal: Principal, offer_id: UUID
) -> OrderRead:
    offer, order = await _locked_own_offer(session, principal, offer_id)
    _ensure_open(offer)
    if order.status is not OrderStatus.SEARCHING:
        raise Conflict("The order was taken or closed.")
    technician = await technicians_repository.get(session, principal.user_id)
    assert technician is not None
    eta = await promised_arrival(session, osrm, policy, technician, order)
    await orders.assign(session, order, technician, principal.user_id, eta)
    # The order's other pending offers are withdrawn when the assignment is delivered; this one is accepted.
    offer.status = OfferStatus.ACCEPTED
    offer.responded_at = clock.now()
    await session.flush()
    await _answered(session, offer, order, events.OfferOutcome.ACCEPTED)
    return await present_order(session, order, principal.role)


async def decline(session: AsyncSession, principal: Principal, offer_id: UUID, reason: str | None) -> OfferRead:
    offer, order = await _locked_own_offer(session, principal, offer_id)
    _ensure_open(offer)
    offer.status = OfferStatus.DECLINED
    offer.responded_at = clock.now()
    offer.decline_reason = reason
    await session.flush()
    await _answered(session, offer, order, events.OfferOutcome.DECLINED)
    return present(offer, order)


async def _answered(session: AsyncSession, offer: Offer, order: Order, outcome: events.OfferOutcome) -> None:
    assert offer.responded_at is not None
    await events.publish(
        session,
        events.OfferAnswered(at=offer.responded_at, offer_id=offer.id, order_id=order.id,
                             technician_id=offer.technician_id, service=order.service, outcome=outcome),
    )  # fmt: skip


async def manual_assign(
    session: AsyncSession,
    osrm: OsrmClient,
    settings: Settings,
    principal: Principal,
    order_id: UUID,
    technician_id: UUID,
) -> OrderRead:
    """An operator's assignment: it overrides the dispatcher, whose open offers for the order are withdrawn."""
    order = await _locked_order(session, order_id)
    technician = await technicians_repository.get_for_update(session, technician_id)
    if technician is None:
        raise NotFound("No such technician.")
    orders.ensure_serves_region(technician, order, settings.cross_border)
    await ensure_not_blocked(session, settings, order, technician.id)
    eta = await promised_arrival(session, osrm, PromisePolicy.from_settings(settings), technician, order)
    await orders.assign(session, order, technician, principal.user_id, eta)
    return await present_order(session, order, principal.role)


def present(offer: Offer, order: Order) -> OfferRead:
    return OfferRead(
        id=offer.id,
        order_id=offer.order_id,
        technician_id=offer.technician_id,
        status=offer.status,
        service=order.service,
        location=from_geography(order.location),
        address=order.address,
        notes=order.notes,
        eta_seconds=offer.eta_seconds,
        distance_m=offer.distance_m,
        expires_at=offer.expires_at,
    )


async def search_outcome(session: AsyncSession, order_id: UUID) -> Literal["no_road"] | None:
    """What the driver's link should know of the search: the latest round found no road to his pin."""
    latest = await repository.latest_outcome(session, order_id)
    return "no_road" if latest and latest[0] == "no_road" and latest[1] >= NO_ROAD_SAID_AFTER_S else None


async def explain(session: AsyncSession, order_id: UUID) -> DecisionRead:
    """Why the order went (or did not go) to each candidate, round by round, newest first."""
    order = await orders_repository.get(session, order_id)
    if order is None:
        raise NotFound("No such order.")
    rounds = await repository.decisions_for_order(session, order_id)
    assigned_by = None
    if order.technician_id is not None:
        accepted = await repository.accepted_offer(session, order_id)
        assigned_by = accepted.source if accepted and accepted.technician_id == order.technician_id else "operator"
    ids = {UUID(str(c["technician_id"])) for d in rounds for c in d.candidates}
    names = await technicians_repository.names(session, [*ids, *([order.technician_id] if order.technician_id else [])])
    return DecisionRead(
        order_id=order.id,
        status=order.status.value,
        technician_id=order.technician_id,
        technician_name=names.get(order.technician_id) if order.technician_id else None,
        assigned_by=assigned_by,
        rounds=[_explained_round(d, names) for d in rounds],
    )


def _explained_round(decision: DispatchDecision, names: dict[UUID, str]) -> DecisionRound:
    candidates = [DecisionCandidate.model_validate(c) for c in decision.candidates]
    winner = next((c for c in candidates if c.chosen), None)
    standing = Standing(winner.eta_s, winner.trust_score, winner.cost) if winner else None
    return DecisionRound(
        round_id=decision.round_id,
        at=decision.created_at,
        outcome=decision.outcome,
        winner=decision.chosen_technician_id,
        winner_name=names.get(decision.chosen_technician_id) if decision.chosen_technician_id else None,
        unassigned_cost=decision.unassigned_cost,
        waited_s=decision.waited_s,
        weights=decision.weights,
        candidates=[
            c.model_copy(update={
                "technician_name": names.get(c.technician_id),
                "why_not": None if c.chosen else why_not(
                    Standing(c.eta_s, c.trust_score, c.cost), standing, decision.unassigned_cost
                ),
            })
            for c in candidates
        ],
    )  # fmt: skip

"""Facts other domains react to, published once in the transaction that makes them true.

A change of an order (and an offer answered, a rating given, an ETA moved) is published here as a typed
event. The domains that react subscribe from their own packages (`notifications.listeners`,
`feedback.listeners`, ...); the core never imports them. Publishing buffers the event on the session;
`deliver(session)` runs the listeners before the transaction commits, in the same transaction, so that
what they write (pushes, trust scores, webhooks) commits or rolls back with the change itself: a crash
loses nothing between the commit and the reaction. `app.db.transaction` and the request session deliver
before every commit; a commit with undelivered events is refused.

Listeners may publish further events; they are delivered in the same pass. Work that should happen once
per transaction however many events asked for it (a technician's trust refresh) is deferred with
`once_per_transaction`, which runs after the events have drained.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.enums import Service


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    at: datetime
    # A durable event changes something a crash must not lose: its transaction commits synchronously.
    durable: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCreated(Event):
    order_id: UUID
    driver_id: UUID
    service: Service


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderStatusChanged(Event):
    """An order moved in its lifecycle. `technician_id` is the technician after the change; on a
    reassignment `previous_technician_id` is the one taken off the job."""

    order_id: UUID
    driver_id: UUID
    service: Service
    status: str
    previous_status: str
    technician_id: UUID | None
    previous_technician_id: UUID | None
    actor_id: UUID | None
    promised_at: datetime | None
    resolution: str | None
    reason: str | None = None
    cause: str | None = None  # a cancellation's cause (app.orders.models.CancelCause), worded by the pushes


class OfferOutcome(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferMade(Event):
    offer_id: UUID
    order_id: UUID
    technician_id: UUID
    service: Service
    eta_seconds: int | None
    ttl_s: int
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NoRoadToOrder(Event):
    """A dispatch round found free technicians near a searching order and no road from any of them to it (a
    pin off the road network, or on a road island of the map). Said again by each round while it stays so."""

    durable: ClassVar[bool] = False  # the next round says it again

    order_id: UUID
    driver_id: UUID
    service: Service


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferAnswered(Event):
    """A technician accepted or declined an offer, or let it lapse."""

    offer_id: UUID
    order_id: UUID
    technician_id: UUID
    service: Service
    outcome: OfferOutcome


# How far past the promise an estimate must fall to be news: the SLA's default arrival tolerance, from which it
# counts the promise broken. A wider margin let a promise break with no word to the driver or the partner.
PROMISE_SLIP = timedelta(minutes=2)


def slips(arrival_at: datetime, promised_at: datetime | None) -> bool:
    """The estimate falls past the promise by more than a driver would shrug off: the pushes say so, the
    tracking page and the console call it late."""
    return promised_at is not None and arrival_at - promised_at > PROMISE_SLIP


@dataclass(frozen=True, slots=True, kw_only=True)
class ArrivalEstimated(Event):
    """The live ETA of a job on its way was recomputed from the technician's position."""

    durable: ClassVar[bool] = False  # recomputed from the next position anyway

    order_id: UUID
    driver_id: UUID
    technician_id: UUID
    service: Service
    status: str
    promised_at: datetime | None
    arrival_at: datetime

    @property
    def slipped(self) -> bool:
        """The live ETA moved past the promise by more than a driver would shrug off: worth telling him."""
        return slips(self.arrival_at, self.promised_at)


@dataclass(frozen=True, slots=True, kw_only=True)
class StallEscalated(Event):
    """A technician on his way stopped making progress ("stalled") or sent no position ("no signal"), and a
    step of the escalation ladder came due (app/live/progress.py): 1 ask him, 2 the order at risk, 3 offer
    to re-dispatch and tell the driver. Each step once per episode."""

    order_id: UUID
    driver_id: UUID
    technician_id: UUID
    service: Service
    trouble: str
    since: datetime
    quiet_since: datetime  # his last progress (stalled) or position (no signal)
    step: int
    promised_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class TechnicianStalled(Event):
    """An episode became a stall: it counts against his on-time record, once (a dark phone alone does not)."""

    order_id: UUID
    technician_id: UUID
    service: Service
    since: datetime
    improved_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class StallCleared(Event):
    """Progress resumed (or a silent phone came back without a stall): the episode is over."""

    order_id: UUID
    technician_id: UUID
    trouble: str
    since: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class TechnicianAvailable(Event):
    """A technician came online (and may take work)."""

    technician_id: UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class TechnicianWentOffline(Event):
    """A technician went offline from his app (and takes no new work)."""

    technician_id: UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class TechnicianSetOffline(Event):
    """A free technician's phone sent no position for so long that he was set offline (he goes online again
    from his app)."""

    technician_id: UUID
    offline_after_s: int  # the silence that sets a free technician offline


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackGiven(Event):
    feedback_id: UUID
    order_id: UUID
    driver_id: UUID
    technician_id: UUID | None
    service: Service
    csat: int
    nps: int | None
    ces: int | None
    tags: tuple[str, ...]
    comment: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SlaChanged(Event):
    """An open order's SLA state rose (at risk, breached)."""

    order_id: UUID
    service: Service
    state: str
    reason: str | None  # in words, as the console shows it
    cause: str | None = None  # the reason's kind (app.sla.rules.SlaReason), which pushes word in each language
    minutes: int = 0  # the minutes the reason names, if any


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUpChanged(Event):
    """A case for operators to call an unhappy driver back: opened, resolved or overdue."""

    followup_id: UUID
    order_id: UUID
    status: str
    due_at: datetime
    overdue: bool = False


Listener = Callable[[AsyncSession, Any], Awaitable[None]]
Deferred = Callable[[AsyncSession], Awaitable[None]]

_listeners: dict[type[Event], list[Listener]] = {}
_installed = False
MAX_ROUNDS = 20  # listeners publishing events that publish events: a loop is a bug, not a workload


class ListenersNotInstalled(RuntimeError):
    pass


def subscribe[E: Event](event_type: type[E], listener: Callable[[AsyncSession, E], Awaitable[None]]) -> None:
    """Registers a listener for one event type (called by each domain's `install`)."""
    _listeners.setdefault(event_type, []).append(listener)


def reset() -> None:
    """Forgets every listener (before a composition root installs them again)."""
    global _installed
    _listeners.clear()
    _installed = False


def mark_installed() -> None:
    """Every domain that must react has subscribed: publishing is allowed from now on."""
    global _installed
    _installed = True


def listeners_of(event_type: type[Event]) -> Sequence[Listener]:
    return tuple(_listeners.get(event_type, ()))


@dataclass
class _Pending:
    events: list[Event] = field(default_factory=list)
    deferred: dict[str, Deferred] = field(default_factory=dict)


def _pending(session: AsyncSession) -> _Pending:
    pending = session.info.get("events")
    if pending is None:
        pending = session.info["events"] = _Pending()
    assert isinstance(pending, _Pending)
    return pending


async def publish(session: AsyncSession, event: Event) -> None:
    """Buffers the event; its listeners run when the transaction delivers, before it commits."""
    if not _installed:
        raise ListenersNotInstalled("publish() before the composition root installed the listeners")
    _pending(session).events.append(event)
    if event.durable:
        require_durable_commit(session)


def once_per_transaction(session: AsyncSession, key: str, action: Deferred) -> None:
    """Runs `action` once, after the transaction's events have been delivered (the last registration of a
    key wins, so an action can read state the listeners gathered in session.info)."""
    _pending(session).deferred[key] = action


async def deliver(session: AsyncSession) -> None:
    """Runs the listeners of every published event, then the deferred actions, until nothing is left."""
    pending = _pending(session)
    for _ in range(MAX_ROUNDS):
        if pending.events:
            batch, pending.events = pending.events, []
            for event in batch:
                for listener in listeners_of(type(event)):
                    await listener(session, event)
        elif pending.deferred:
            key = next(iter(pending.deferred))
            await pending.deferred.pop(key)(session)
        else:
            return
    raise RuntimeError(f"events still pending after {MAX_ROUNDS} rounds: a listener loop")


def undelivered(session: AsyncSession | Session) -> bool:
    pending = session.info.get("events")
    return isinstance(pending, _Pending) and bool(pending.events or pending.deferred)


def require_durable_commit(session: AsyncSession) -> None:
    """This transaction writes something a crash must not lose: it commits synchronously."""
    session.info["durable"] = True


def allow_relaxed_commit(session: AsyncSession, *, relaxed_by_next_statement: bool = False) -> None:
    """This transaction may commit without waiting for the disk, unless it turns out to be durable. With
    `relaxed_by_next_statement`, the caller's next statement turns `synchronous_commit` off itself, which saves
    a round trip at the commit."""
    session.info["relaxed"] = True
    if relaxed_by_next_statement:
        session.info["relaxed_in_sql"] = True


def commits_relaxed(session: AsyncSession | Session) -> bool:
    return bool(session.info.get("relaxed")) and not session.info.get("durable")


def synchronous_commit_before_commit(session: AsyncSession | Session) -> str | None:
    """The `synchronous_commit` the transaction must switch to before it commits, if it must switch: off when
    relaxed, back on when a statement relaxed it and the transaction turned out durable."""
    relaxed, relaxed_in_sql = commits_relaxed(session), bool(session.info.get("relaxed_in_sql"))
    if relaxed and not relaxed_in_sql:
        return "off"
    if relaxed_in_sql and not relaxed:
        return "on"
    return None

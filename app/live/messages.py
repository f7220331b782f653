"""Live messages: delivered to every API process when their transaction commits (by PostgreSQL NOTIFY or the
configured broker, app/live/publishing.py), kept small."""

from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app import events
from app.channels import LIVE_CHANNEL, notify_on_commit
from app.live import publishing

NOTIFY_PAYLOAD_LIMIT = 7_900  # PostgreSQL refuses payloads of 8,000 bytes or more


def rfc3339(moment: datetime) -> str:
    """UTC with a Z, as the API's own JSON writes times."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def encode(message: dict[str, Any]) -> str:
    payload = orjson.dumps(message).decode()
    if len(payload) > NOTIFY_PAYLOAD_LIMIT:
        raise ValueError(f"live message too large for NOTIFY ({len(payload)} bytes): send ids, not bodies")
    return payload


async def publish(session: AsyncSession, message: dict[str, Any]) -> None:
    await publish_encoded(session, encode(message))


async def publish_encoded(session: AsyncSession, payload: str) -> None:
    if publishing.through_database():
        await notify_on_commit(session, LIVE_CHANNEL, payload)
    else:
        publishing.after_commit(session, payload)


async def publish_for_operators(session: AsyncSession, kind: str, order_id: UUID, **fields: Any) -> None:
    """A message about an order for the operators' stream only: it carries the order under "order", not
    "order_id", so the hub does not route it to the driver's stream."""
    await publish(session, {"type": kind, "order": str(order_id), **fields})


async def publish_status(
    session: AsyncSession, order_id: UUID, status: str, at: datetime, technician: dict[str, Any] | None = None,
    cancel_cause: str | None = None,
) -> None:  # fmt: skip
    """A status change; one that changes who is coming carries him (the order's `technician` block), a
    cancellation its cause."""
    message: dict[str, Any] = {"order_id": str(order_id), "type": "status", "status": status, "at": rfc3339(at)}
    if technician is not None:
        message["technician"] = technician
    if cancel_cause is not None:
        message["cancel_cause"] = cancel_cause
    await publish(session, message)


def position_message(
    order_id: UUID | None, technician_id: UUID, lat: float, lon: float, heading: float | None, at: datetime
) -> str:
    """A technician's position: for the operators always, for a driver when `order_id` is given."""
    message: dict[str, Any] = {"type": "position", "technician_id": str(technician_id), "lat": lat, "lon": lon,
                               "at": rfc3339(at)}  # fmt: skip
    if heading is not None:
        message["heading"] = heading
    if order_id is not None:
        message["order_id"] = str(order_id)
    return encode(message)


async def publish_eta(
    session: AsyncSession, order_id: UUID, seconds: int, arrival_at: datetime, promised_at: datetime | None,
    confidence: str,
) -> None:  # fmt: skip
    await publish(
        session,
        {"order_id": str(order_id), "type": "eta", "seconds": seconds, "arrival_at": rfc3339(arrival_at),
         "promised_at": rfc3339(promised_at) if promised_at else None, "confidence": confidence,
         "late": events.slips(arrival_at, promised_at)},
    )  # fmt: skip


async def publish_search(session: AsyncSession, order_id: UUID, outcome: Literal["no_road"], at: datetime) -> None:
    """How the search for a technician goes, where the driver should know: no road from those near to his pin."""
    await publish(session, {"order_id": str(order_id), "type": "search", "outcome": outcome, "at": rfc3339(at)})


async def publish_held_up(session: AsyncSession, order_id: UUID, trouble: str | None, at: datetime) -> None:
    """The technician seems held up (the trouble the driver was told of by push), or no longer (None)."""
    await publish(session, {"order_id": str(order_id), "type": "held_up", "trouble": trouble, "at": rfc3339(at)})


async def publish_availability(
    session: AsyncSession, technician_id: UUID, online: bool, cause: Literal["app", "no_position"], at: datetime
) -> None:
    """A technician went online or offline (from his app, or set offline for a silent phone): for the
    operators' fleet, as it carries no order."""
    await publish(
        session,
        {"type": "availability", "technician_id": str(technician_id), "online": online, "cause": cause,
         "at": rfc3339(at)},
    )  # fmt: skip


async def publish_route_changed(session: AsyncSession, order_id: UUID) -> None:
    """Routes are too big for NOTIFY: listeners load the geometry once per process and fan it out."""
    await publish(session, {"order_id": str(order_id), "type": "route"})

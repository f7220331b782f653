"""The live streams described for machines: an AsyncAPI 3 document (`GET /asyncapi.json`) of the WebSocket
of an order, the operators' WebSocket, the order's Server-Sent Events and the tracking link's WebSocket, with a JSON Schema per message
(the shapes below, which tests/live/test_asyncapi.py holds against what the server really sends)."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from app.orders.schemas import AssignedTechnician, OrderRead
from app.tracking.schemas import TrackedTechnician, TrackingRead


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LivePosition(Message):
    lat: float
    lon: float
    heading: float | None = None
    at: datetime


class Snapshot(Message):
    """First on every connection: the order as the caller may see it, and the technician's position while
    he is on the way (else null). A client that reconnects starts from here; the events after it may repeat
    a change it already shows."""

    type: Literal["snapshot"]
    order: OrderRead
    position: LivePosition | None


class StatusChange(Message):
    """The order moved on; when the change is who is coming, `technician` says who."""

    type: Literal["status"]
    status: str
    at: datetime
    technician: AssignedTechnician | None = None


class Position(Message):
    """Where the technician is (only between assigned and arrived)."""

    type: Literal["position"]
    lat: float
    lon: float
    heading: float | None = None
    at: datetime


class EtaUpdate(Message):
    type: Literal["eta"]
    seconds: int
    arrival_at: datetime
    promised_at: datetime | None
    confidence: Literal["high", "low"]
    late: bool  # past the promise by more than its grace, as the order's `eta.late`


class RouteUpdate(Message):
    type: Literal["route"]
    geometry: dict[str, Any]  # a GeoJSON LineString
    distance_m: float
    duration_s: float


class HeldUp(Message):
    """The driver was told by push that the technician seems held up ("stalled": no progress towards the car;
    "no signal": his phone went quiet); trouble null when he is coming again."""

    type: Literal["held_up"]
    trouble: Literal["stalled", "no signal"] | None
    at: datetime


class SearchUpdate(Message):
    """How the search for a technician goes, where the driver should know: "no_road" when technicians are near
    and none has a road to the pin (said again by each dispatch round while it stays so; the driver has a push)."""

    type: Literal["search"]
    outcome: Literal["no_road"]
    at: datetime


class TrackingSnapshot(Message):
    """First on the tracking link's stream: the order as the link shows it (GET /v1/track/{token})."""

    type: Literal["snapshot"]
    order: TrackingRead
    position: LivePosition | None


class TrackingStatusChange(Message):
    """The order moved on; when the change is who is coming, `technician` says who (his public face)."""

    type: Literal["status"]
    status: str
    at: datetime
    technician: TrackedTechnician | None = None


class Closed(Message):
    """SSE only: the caller may no longer see the order (or the token ran out); the stream ends."""

    type: Literal["closed"]


class Hello(Message):
    type: Literal["hello"]
    role: Literal["operator"]


class Resync(Message):
    """The server lost live events (its broker connection broke and came back): reload what is shown."""

    type: Literal["resync"]


class OpsStatusChange(StatusChange):
    order_id: UUID


class OpsPosition(Message):
    """Every technician's position; `order_id` while he is on his way to a job."""

    type: Literal["position"]
    technician_id: UUID
    order_id: UUID | None = None
    lat: float
    lon: float
    heading: float | None = None
    at: datetime


class OpsEtaUpdate(EtaUpdate):
    order_id: UUID


class OpsRouteUpdate(RouteUpdate):
    order_id: UUID


class SlaChange(Message):
    """An order's (or a follow-up's) service level rose."""

    type: Literal["sla"]
    order: UUID
    state: Literal["at_risk", "breached"]
    reason: str | None
    at: datetime
    followup_id: UUID | None = None
    status: str | None = None
    due_at: datetime | None = None


class StallChange(Message):
    """A technician on his way stopped making progress ("stalled") or sends no position ("no signal") and the
    escalation ladder took a step (2 at risk, 3 re-dispatch offered), or it ended (trouble null, step 0)."""

    type: Literal["stall"]
    order: UUID
    trouble: Literal["stalled", "no signal"] | None
    step: int
    since: datetime
    redispatch_offered: bool
    at: datetime


class AvailabilityChange(Message):
    """A technician went online or offline: from his app ("app"), or set offline because his phone sent no
    position for `TRUSTLOOP_OFFLINE_AFTER_S` while he was free ("no_position")."""

    type: Literal["availability"]
    technician_id: UUID
    online: bool
    cause: Literal["app", "no_position"]
    at: datetime


class FollowUpChange(Message):
    type: Literal["followup"]
    order: UUID
    followup_id: UUID
    status: str
    due_at: datetime


ORDER_MESSAGES: dict[str, type[Message]] = {
    "snapshot": Snapshot, "status": StatusChange, "position": Position, "eta": EtaUpdate, "route": RouteUpdate,
    "held_up": HeldUp, "search": SearchUpdate,
}  # fmt: skip
OPS_MESSAGES: dict[str, type[Message]] = {
    "hello": Hello, "status": OpsStatusChange, "position": OpsPosition, "eta": OpsEtaUpdate,
    "route": OpsRouteUpdate, "sla": SlaChange, "followup": FollowUpChange, "stall": StallChange,
    "availability": AvailabilityChange, "resync": Resync,
}  # fmt: skip
SSE_MESSAGES: dict[str, type[Message]] = {**ORDER_MESSAGES, "closed": Closed}
TRACKING_MESSAGES: dict[str, type[Message]] = {
    **ORDER_MESSAGES, "snapshot": TrackingSnapshot, "status": TrackingStatusChange,
}  # fmt: skip

CHANNELS: dict[str, tuple[str, str, dict[str, type[Message]]]] = {
    "orderLive": ("/v1/orders/{orderId}/live", "WebSocket: one order, for its driver, its technician or an operator",
                  ORDER_MESSAGES),
    "opsLive": ("/v1/ops/live", "WebSocket: every order and technician event, for operators", OPS_MESSAGES),
    "orderEvents": ("/v1/orders/{orderId}/events", "Server-Sent Events: the order's stream for clients without "
                    "WebSockets (the SSE event name is the message's type)", SSE_MESSAGES),
    "trackingLive": ("/v1/track/{token}/live", "WebSocket: one order for whoever holds its tracking link (no bearer "
                     "token; the link's token is in the path); closed with 1000 when the job ends", TRACKING_MESSAGES),
}  # fmt: skip
PARAMETERS = {"orderId": "The order's id", "token": "The token of the order's tracking link"}


REF = "#/components/schemas/{model}"


def add_schema(schemas: dict[str, Any], model: type[BaseModel]) -> None:
    """The model's JSON Schema and those it uses, all under components/schemas."""
    schema = model.model_json_schema(ref_template=REF, mode="serialization")
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema


def document(version: str) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for channel, (address, description, kinds) in CHANNELS.items():
        channel_messages = {}
        for kind, model in kinds.items():
            name = f"{channel}.{kind}"
            add_schema(schemas, model)
            messages[name.replace(".", "_")] = {
                "name": kind, "title": model.__name__, "summary": (model.__doc__ or kind).strip().splitlines()[0],
                "contentType": "application/json", "payload": {"$ref": f"#/components/schemas/{model.__name__}"},
            }  # fmt: skip
            channel_messages[kind] = {"$ref": f"#/components/messages/{name.replace('.', '_')}"}
        channels[channel] = {
            "address": address, "description": description, "messages": channel_messages,
            **({"parameters": {name: {"description": text} for name, text in PARAMETERS.items()
                               if f"{{{name}}}" in address}} if "{" in address else {}),
        }  # fmt: skip
        operations[f"receive_{channel}"] = {
            "action": "receive", "channel": {"$ref": f"#/channels/{channel}"},
            "summary": f"What the server sends on {address}",
            "messages": [{"$ref": f"#/channels/{channel}/messages/{kind}"} for kind in kinds],
        }  # fmt: skip
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Trustloop live streams",
            "version": version,
            "description": (
                "Live events of orders and technicians. Authenticate with the bearer token as the WebSocket "
                "subprotocol pair `bearer, <token>`, or `?access_token=`. Close codes: 4401 bad or expired "
                "token or revoked API key (within `TRUSTLOOP_API_KEY_RECHECK_S`), 4403 not (or no longer) "
                "allowed to see the order, 4429 too many open streams. A stream "
                "may send another `snapshot` (the operators' stream a `resync`) when the server missed events: "
                "it replaces what is shown."
            ),
        },
        "servers": {"api": {"host": "localhost:8000", "protocol": "ws", "description": "the API's own origin"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }

"""The events a partner's receiver gets, described in the OpenAPI document (its `webhooks`), so that /docs and
/redoc show an integrator each type, its body and its headers before the first one arrives."""

from typing import Annotated
from uuid import UUID

from fastapi import FastAPI, Header, Response, status

from app.events import PROMISE_SLIP
from webhooks.listeners import ETA_CHANGED, ETA_RENOTIFY, FEEDBACK_RECEIVED, STATUS_EVENTS
from webhooks.schemas import WebhookEvent
from webhooks.signing import SIGNATURE_HEADER

WHEN = {
    "order.assigned": "A technician took the member's job (again, when it was handed to another one).",
    "order.en_route": "The technician set out.",
    "order.arrived": "The technician is at the car.",
    "order.completed": "The job is done: `data.order.resolution` says how (fixed on site, towed).",
    "order.failed": "The technician could not help; an operator follows up.",
    "order.cancelled": "The order was called off: `data.order.cancel_cause` says why.",
    "order.unfulfilled": "Nobody could be found in time; an operator follows up.",
    ETA_CHANGED: f"The live estimate moved more than {PROMISE_SLIP.seconds // 60} min past the promise (and again each"
    f" time it moves {ETA_RENOTIFY.seconds // 60} min more): `data.estimate`.",
    FEEDBACK_RECEIVED: "The member rated the job: `data.feedback`.",
}
RECEIVING = (
    '\n\nVerify `Trustloop-Signature` (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"` keyed with the'
    " webhook secret) before trusting the body, and answer any 2xx within 10 s; anything else is retried with"
    " backoff for 25 hours under the same event id. One order's events arrive in order."
)


async def _delivered(
    event: WebhookEvent,
    signed: Annotated[str, Header(alias=SIGNATURE_HEADER, description="t=<unix seconds>,v1=<hex HMAC-SHA256>")],
    event_id: Annotated[UUID, Header(alias="Trustloop-Event-Id", description="The event's `id`, on every retry")],
) -> Response:
    return Response(status_code=status.HTTP_200_OK)  # never called: the receiver is the partner's


def describe(app: FastAPI) -> None:
    for event_type in [*STATUS_EVENTS.values(), ETA_CHANGED, FEEDBACK_RECEIVED]:
        app.webhooks.add_api_route(
            event_type, _delivered, methods=["POST"], summary=event_type, description=WHEN[event_type] + RECEIVING,
            operation_id=f"webhook_{event_type.replace('.', '_')}", tags=["partner webhooks"],
            responses={200: {"description": "Any 2xx: delivered"}},
        )  # fmt: skip

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from app.orders.schemas import OrderRead
from webhooks.models import DeliveryStatus


class AttemptRead(BaseModel):
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryRead(BaseModel):
    id: UUID
    event_id: UUID
    event_type: str
    order_id: UUID
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None  # none once delivered or dead
    delivered_at: datetime | None
    created_at: datetime
    history: list[AttemptRead]  # every attempt, oldest first


class EstimateSent(BaseModel):
    """The live estimate that moved past the promise, and the promise."""

    arrival_at: datetime
    promised_at: datetime | None


class FeedbackSent(BaseModel):
    """The member's rating: CSAT 1-5, NPS 0-10, CES 1-7, tags and comment as given."""

    csat: int
    nps: int | None
    ces: int | None
    tags: list[str]
    comment: str | None


class EventData(BaseModel):
    order: OrderRead  # the order as it stands after the event, as GET /v1/partner/orders/{id} gives it
    estimate: EstimateSent | None = Field(default=None, description="`order.eta_changed` only")
    feedback: FeedbackSent | None = Field(default=None, description="`feedback.received` only")


class WebhookEvent(BaseModel):
    """One event, POSTed as JSON to the partner's `webhook_url`. Its `id` is the same on every retry of it
    and in the `Trustloop-Event-Id` header: a receiver drops an id it has handled."""

    id: UUID
    type: str
    created_at: datetime
    data: EventData

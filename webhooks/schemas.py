from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

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

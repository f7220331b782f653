from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from app.geo import Point
from app.live.schemas import StallRead


class SlaItem(BaseModel):
    order_id: UUID
    status: str
    service: str
    location: Point
    region: str | None  # the served region whose area holds it
    created_at: datetime
    technician_id: UUID | None
    promised_at: datetime | None
    live_eta_at: datetime | None
    sla_state: str
    sla_reason: str | None
    sla_changed_at: datetime | None
    driver_name: str | None = None
    driver_phone: str | None = None
    stall: StallRead | None = None


class SlaBoard(BaseModel):
    at_risk: list[SlaItem]
    breached: list[SlaItem]

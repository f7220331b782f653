from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from app.enums import Service
from app.geo import Point
from app.schemas import Name, Phone, RequestModel, Vehicle


class TechnicianCreate(RequestModel):
    name: Name
    phone: Phone | None = None
    skills: list[Service] = Field(min_length=1, max_length=len(Service))
    vehicle: Vehicle | None = None


class Availability(RequestModel):
    online: bool = Field(strict=True)


class TechnicianRead(BaseModel):
    id: UUID
    name: str
    phone: str | None
    skills: list[Service]
    vehicle: dict[str, Any] | None
    online: bool
    position: Point | None
    position_at: datetime | None
    trust_score: float | None

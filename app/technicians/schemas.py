from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from app.enums import Service
from app.geo import Point
from app.schemas import Figure, Name, Phone, RequestModel, ShortText, SingleLine, Vehicle, VehicleRead

Gender = Literal["female", "male"]
PhotoUrl = Annotated[str, Field(strict=True, max_length=500, pattern=r"^(https://|/)[^\s]+$"), SingleLine]


class TechnicianCreate(RequestModel):
    name: Name
    display_name: ShortText | None = None  # what drivers see; his first name when not given
    gender: Gender | None = None  # for the grammar of the pushes; neutral wording when not given
    photo_url: PhotoUrl | None = None
    phone: Phone | None = None
    skills: list[Service] = Field(min_length=1, max_length=len(Service))
    vehicle: Vehicle | None = None
    region: ShortText | None = None  # the served region whose orders he takes; any region's when not given


class Availability(RequestModel):
    online: bool = Field(strict=True)


class TechnicianRead(BaseModel):
    id: UUID
    name: str
    display_name: str
    gender: Gender | None
    photo_url: str | None
    phone: str | None
    skills: list[Service]
    vehicle: VehicleRead | None
    region: str | None = None
    online: bool
    position: Point | None
    position_at: datetime | None
    trust_score: Figure | None


class OwnProfile(TechnicianRead):
    """The technician's own profile, as his app reads it on start: with the job he is on now, if any (given him by
    an operator or a re-dispatch as well as accepted from an offer)."""

    current_order_id: UUID | None
    # Why no offer can reach him now, if none can: "offline", "on_a_job", "no_position" (none sent yet) or
    # "position_stale" (none for longer than dispatch trusts a position: his app should send one).
    no_offers_because: Literal["offline", "on_a_job", "no_position", "position_stale"] | None = None

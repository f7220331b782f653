from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field

from app.geo import Point

Heading = Annotated[float, Field(strict=True, ge=0, lt=360)]


class LocationFix(Point):
    recorded_at: AwareDatetime
    accuracy_m: float | None = Field(default=None, strict=True, ge=0)
    heading: Heading | None = None
    speed_mps: float | None = Field(default=None, strict=True, ge=0)


class LocationBatch(BaseModel):
    points: list[LocationFix] = Field(min_length=1, max_length=100)


class LocationResult(BaseModel):
    accepted: int
    rejected: int
    reasons: dict[str, int]

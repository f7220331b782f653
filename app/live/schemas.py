from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from app.geo import Point
from app.live.progress import Step
from app.schemas import Moment, RequestModel

Heading = Annotated[float, Field(strict=True, ge=0, lt=360)]


class LocationFix(Point):
    recorded_at: Moment
    accuracy_m: float | None = Field(default=None, strict=True, ge=0, le=100_000)
    heading: Heading | None = Field(
        default=None,
        description="Degrees clockwise from north, the way the van is driving, as the phone gives it. While he moves,"
        " his live route starts on a road near him that runs this way, not merely the nearest one (at a corner,"
        " beside the other carriageway).",
    )
    speed_mps: float | None = Field(
        default=None, strict=True, ge=0, le=1_000,
        description="Metres per second. Below 2 the heading is not used: a van standing still has no reliable one.",
    )  # fmt: skip


class LocationBatch(RequestModel):
    points: list[LocationFix] = Field(min_length=1, max_length=100)


class LocationResult(BaseModel):
    accepted: int
    rejected: int
    reasons: dict[str, int]


class StallRead(BaseModel):
    """A technician on his way who stopped making progress ("stalled") or sends no position ("no signal"):
    the escalation ladder's steps taken (1 asked, 2 at risk, 3 re-dispatch offered)."""

    trouble: str
    since: datetime
    step: int
    redispatch_offered: bool

    @classmethod
    def of(cls, trouble: str, since: datetime, step: int) -> "StallRead":
        return cls(trouble=trouble, since=since, step=step, redispatch_offered=step >= Step.OFFER_REDISPATCH)

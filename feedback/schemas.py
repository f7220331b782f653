from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from app.technicians.schemas import TechnicianRead

Tag = Annotated[str, Field(strict=True, min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]


class FeedbackCreate(BaseModel):
    csat: int = Field(strict=True, ge=1, le=5)
    nps: int | None = Field(default=None, strict=True, ge=0, le=10)
    ces: int | None = Field(default=None, strict=True, ge=1, le=7)
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    comment: str | None = Field(default=None, strict=True, max_length=2000)


class FeedbackRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    order_id: UUID
    technician_id: UUID | None
    csat: int
    nps: int | None
    ces: int | None
    tags: list[str]
    comment: str | None
    created_at: datetime


class FollowUpResolve(BaseModel):
    note: str = Field(strict=True, min_length=1, max_length=2000)


class FollowUpRead(BaseModel):
    id: UUID
    order_id: UUID
    driver_id: UUID
    technician_id: UUID | None
    reason: str
    due_at: datetime
    overdue: bool
    status: str
    note: str | None
    created_at: datetime
    resolved_at: datetime | None


class TrustPart(BaseModel):
    """One signal of the score: its shrunk rate, his own observed rate, the evidence and its share."""

    signal: str
    value: float
    observed: float | None
    events: int
    effective_events: float
    prior: float
    weight: float
    contribution: float


class ScoreChange(BaseModel):
    score: float
    previous: float | None
    cause: str
    order_id: UUID | None
    at: datetime


class TrustParts(BaseModel):
    score: float
    prior: float
    ratings: int
    parts: list[TrustPart]
    by_service: dict[str, float]
    history: list[ScoreChange]


class Scorecard(TechnicianRead):
    trust: TrustParts
    jobs: dict[str, int]
    csat: float | None
    nps: float | None
    fcr: float | None
    on_time_rate: float | None
    offers: dict[str, int]

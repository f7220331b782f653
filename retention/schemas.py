from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import Moment, Phone, RequestModel, ShortText

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 1, 1)
Day = Annotated[date, Field(ge=EARLIEST_DAY, le=LATEST_DAY)]


class CoverSet(RequestModel):
    """The driver's roadside cover: its plan and current term (renewal after the start), and the partner who
    covers him, if any."""

    plan: ShortText
    starts_on: Day
    renews_on: Day
    partner_id: UUID | None = None


class CoverEventCreate(RequestModel):
    """A renewal (the renewal date moves one term on) or a lapse. `renews_on` names the renewal date it
    answers (default: the cover's current one); the same type for the same date is recorded once."""

    type: Literal["renewed", "lapsed"]
    at: Moment
    renews_on: Day | None = None


class CoverRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    driver_id: UUID
    plan: str
    starts_on: date
    renews_on: date
    partner_id: UUID | None
    status: str
    updated_at: datetime


class CoverEventRead(BaseModel):
    id: int
    type: str
    at: datetime
    renews_on: date  # the renewal date it answered
    created: bool  # False: the same event was already recorded, nothing changed
    cover: CoverRead


class CoverEventItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    type: str
    at: datetime
    renews_on: date


class CohortRates(BaseModel):
    """Drivers due for renewal in the cohort, the share who renewed and the share who ordered again after
    their last job (null where the cohort has nobody to count)."""

    drivers: int
    renewal_rate: float | None
    repeat_rate: float | None


class RetentionRead(BaseModel):
    """Cohorts by the experience of each due driver's last finished job before his renewal date: `promise`
    (kept, broken), `csat` (1-2, 3, 4-5), `nps` (detractor, passive, promoter), `sentiment` (negative, neutral,
    positive); each also has `unknown` (nothing to judge by) and `no_job`."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    since: datetime = Field(alias="from")
    until: datetime = Field(alias="to")
    overall: CohortRates
    cohorts: dict[str, dict[str, CohortRates]]


class MemberCoverSet(RequestModel):
    """A partner's cover for its member, known by the phone it ordered help for."""

    phone: Phone
    plan: ShortText
    starts_on: Day
    renews_on: Day


class MemberCoverEventCreate(CoverEventCreate):
    phone: Phone

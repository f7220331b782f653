from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import Figure, FreeText, Note, RequestModel
from app.technicians.schemas import TechnicianRead
from feedback.models import ContactOutcome, FollowUpOutcome

Tag = Annotated[str, Field(strict=True, min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]
Comment = Annotated[str, Field(strict=True, max_length=2000), FreeText]


class FeedbackCreate(RequestModel):
    csat: int = Field(strict=True, ge=1, le=5)
    nps: int | None = Field(default=None, strict=True, ge=0, le=10)
    ces: int | None = Field(default=None, strict=True, ge=1, le=7)
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    comment: Comment | None = None


class CommentCue(BaseModel):
    """Words of the comment that counted: negative weight for a complaint, positive for praise. Where the learned
    second opinion overruled the rules, one cue gives its verdict ("learned model: no complaint (words, ...)", or
    "a complaint"), naming the comment's words that weighed most, weighted by its log-odds against a complaint."""

    phrase: str
    topic: str | None
    weight: float


class CommentAnalysisRead(BaseModel):
    language: Literal["en", "ru", "other"]
    sentiment: Literal["negative", "neutral", "positive"]
    score: float  # -1 (angry) .. 1 (delighted)
    topics: list[str]
    cues: list[CommentCue]  # why: the words that drove it


class CommentText(RequestModel):
    text: Annotated[str, Field(strict=True, min_length=1, max_length=10_000), FreeText]


class WeekTopics(BaseModel):
    week: date  # the Monday (UTC)
    comments: int
    negative: int
    topics: dict[str, int]  # comments naming each topic


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
    comment_analysis: CommentAnalysisRead | None = None  # arrives a moment after the rating
    # A low score opens a call-back case: by when an operator calls the driver (None: no call asked for by the stars;
    # a negative comment may still open one once it is analysed).
    call_back_by: datetime | None = None


class FollowUpResolve(RequestModel):
    note: Note
    outcome: FollowUpOutcome | None = None


class ContactCreate(RequestModel):
    outcome: ContactOutcome
    note: Note | None = None


class ContactRead(BaseModel):
    outcome: str
    note: str | None
    at: datetime
    by: UUID | None
    by_name: str | None


class FollowUpRead(BaseModel):
    id: UUID
    order_id: UUID
    driver_id: UUID
    technician_id: UUID | None
    reason: str  # detractor, negative_comment, churn_risk
    topics: list[str] = Field(default_factory=list)  # what the comment was about
    risks: list[str] = Field(default_factory=list)  # a churn-risk case: why he may not renew
    due_at: datetime
    overdue: bool
    status: str
    note: str | None
    created_at: datetime
    resolved_at: datetime | None
    region: str | None = None  # the order's: the car's clock is the region's
    # Who to call and what they said; who has the case; each attempt; what it came to.
    driver_name: str | None = None
    driver_phone: str | None = None
    csat: int | None = None
    nps: int | None = None
    comment: str | None = None
    tags: list[str] = Field(default_factory=list)
    taken_by: UUID | None = None
    taken_by_name: str | None = None
    taken_at: datetime | None = None
    first_contact_at: datetime | None = None
    contacts: list[ContactRead] = Field(default_factory=list)
    outcome: str | None = None


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


class JobCounts(BaseModel):
    completed: int
    failed: int
    cancelled: int


class OfferCounts(BaseModel):
    accepted: int
    declined: int
    expired: int


class DriversWords(BaseModel):
    """What drivers wrote about a technician's jobs: the last `weeks` weeks' comments summed up (topics most
    named first), and his newest ratings with their comments' analyses."""

    weeks: int
    comments: int
    negative: int
    topics: dict[str, int]
    recent: list[FeedbackRead]


class Scorecard(TechnicianRead):
    trust: TrustParts
    jobs: JobCounts
    csat: float | None
    nps: float | None
    fcr: float | None
    on_time_rate: float | None
    offers: OfferCounts
    drivers_said: DriversWords


class Percentiles(BaseModel):
    p50: Figure | None
    p90: Figure | None


class EtaError(BaseModel):
    """How far an arrival estimate made at acceptance was from the drive it promised: the mean absolute error
    and the shares of drives it called within 2 and 5 minutes."""

    mae_s: float | None
    within_2_min: float | None
    within_5_min: float | None


class Kpis(BaseModel):
    """NPS in -100..100; CSAT, FCR and the rates as fractions 0..1; CES the mean; times in seconds."""

    orders: int
    nps: float | None
    csat: float | None
    ces: float | None
    fcr: float | None
    first_response_s: Percentiles
    time_to_arrival_s: Percentiles
    first_contact_s: Percentiles = Percentiles(p50=None, p90=None)  # from a follow-up's opening to the first call
    eta_promise_kept: float | None
    cancel_rate: float | None
    # The feedback-request response rate: every finished job (completed or failed) asks its driver to rate it
    # (the feedback_request push), so this is the share of finished jobs that were rated.
    feedback_rate: float | None
    # Journey completion: the share of orders that reached a fixed (on site) or towed outcome.
    journey_completion: float | None = None
    # The ETA made when the technician took the job against the drive it really was: OSRM's estimate as it
    # was, and the calibrated median (the two are equal while a region is not calibrated).
    eta_error_raw: EtaError = EtaError(mae_s=None, within_2_min=None, within_5_min=None)
    eta_error_calibrated: EtaError = EtaError(mae_s=None, within_2_min=None, within_5_min=None)
    # How many observations each figure rests on (ratings, finished jobs, arrivals, ...), by field name.
    samples: dict[str, int] = Field(default_factory=dict)


class PeriodKpis(Kpis):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    since: datetime = Field(alias="from")
    until: datetime = Field(alias="to")


class DayKpis(Kpis):
    day: date


class EvidenceLine(BaseModel):
    """One fact of his record as the score counts it, in plain words."""

    signal: str
    effect: Literal["for", "against", "not_held_against"]
    words: str
    order_id: UUID | None
    at: datetime


class OwnScoreChange(ScoreChange):
    words: str  # the cause in plain words: "A driver rated a job"


class OwnScore(BaseModel):
    """A technician's own trust score: the score, its parts, what counted, and how the score moved, newest first."""

    score: float
    prior: float
    ratings: int
    parts: list[TrustPart]
    evidence: list[EvidenceLine]
    history: list[OwnScoreChange] = []

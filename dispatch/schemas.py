from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from app.enums import Service
from app.geo import Point
from app.schemas import Reason, RequestModel
from dispatch.models import OfferStatus


class OfferCreate(RequestModel):
    technician_id: UUID
    ttl_s: int = Field(default=30, strict=True, ge=5, le=600)


class OfferDecline(RequestModel):
    reason: Reason | None = None


class OfferRead(BaseModel):
    id: UUID
    order_id: UUID
    technician_id: UUID
    status: OfferStatus
    service: Service
    location: Point
    address: str | None = None  # as the driver gave it, and the notes that say where to look (the offer push has it)
    notes: str | None = None
    eta_seconds: int | None
    distance_m: float | None
    expires_at: datetime


class DecisionCandidate(BaseModel):
    technician_id: UUID
    technician_name: str | None = None
    chosen: bool
    eta_s: float  # when he would really be there: OSRM's estimate times the calibrated median correction
    raw_eta_s: float | None = None  # OSRM's estimate (absent from rounds decided before calibration)
    trust_score: float
    ratings: int
    trust_factor: float
    trust_s: float | None = None  # the drive seconds his score added (or took off), capped; absent from older rounds
    newcomer_factor: float
    cost: float
    why_not: str | None = None  # in words, for a candidate who lost


class DecisionRound(BaseModel):
    round_id: UUID
    at: datetime
    # offered; left_open (candidates, none chosen this round); no_candidates (no free technician with the skill
    # within the search radius); no_road (free technicians near, and no road from any of them to the pin)
    outcome: str
    winner: UUID | None
    winner_name: str | None = None
    unassigned_cost: float
    waited_s: float
    weights: dict[str, float]
    candidates: list[DecisionCandidate]


class DecisionRead(BaseModel):
    order_id: UUID
    status: str
    technician_id: UUID | None
    technician_name: str | None = None
    assigned_by: str | None
    rounds: list[DecisionRound]


class TechnicianChoice(BaseModel):
    """A technician an operator could give the order to."""

    technician_id: UUID
    name: str
    region: str | None
    # By road from his last position: the calibrated median drive, as dispatch ranks technicians and its decision
    # shows them (OSRM's estimate where the region has too few finished drives to calibrate); None: no position
    # known, or no road.
    eta_s: float | None
    raw_eta_s: float | None = None  # OSRM's own estimate of that drive
    road_m: float | None
    straight_m: float | None
    position_age_s: float | None  # how old that position is; None: none known
    trust_score: float  # for the order's service, as dispatch weighs it
    ratings: int
    offered_this: bool  # this order's offer waits for his answer (offering it again would ask him twice)
    offered_elsewhere: bool  # another order's offer waits for his answer


class TechnicianChoices(BaseModel):
    order_id: UUID
    # Of the road estimates: "low" when the road engine could not answer and straight lines stand in; None when
    # there was nothing to estimate (nobody listed, or nobody with a known position).
    confidence: str | None
    items: list[TechnicianChoice]

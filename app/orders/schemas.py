from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from app.enums import Locale, Role, Service
from app.geo import Point
from app.live.schemas import StallRead
from app.orders.models import CancelCause, OrderStatus, Resolution
from app.schemas import FreeText, Reason, RequestModel, Said, Vehicle, VehicleRead

Notes = Annotated[str, Field(strict=True, max_length=2000), FreeText]
Address = Annotated[str, Field(strict=True, max_length=500), FreeText]


class OrderCreate(RequestModel):
    service: Service
    location: Point
    address: Address | None = None
    vehicle: Vehicle | None = None
    notes: Notes | None = None


class OrderCancel(RequestModel):
    """`cause` is what the driver's and the technician's pushes say, in their language; `reason`, free text in
    any language, is kept on the order (`cancel_reason`) for the record and is not pushed. A driver calling his
    own request off needs neither: the cause is then always `driver_asked`."""

    cause: CancelCause | None = None
    reason: Reason | None = None


TechnicianReportedStatus = Literal["en_route", "arrived", "in_progress", "completed", "failed"]


class StatusChange(RequestModel):
    status: TechnicianReportedStatus
    resolution: Resolution | None = None


class StatusOverride(StatusChange):
    """An operator records a step for the technician (his phone cannot), and says why."""

    reason: Annotated[Reason, Field(min_length=1), Said]


class ManualAssign(RequestModel):
    technician_id: UUID


class TimelineEntry(BaseModel):
    status: OrderStatus
    at: datetime
    promised_at: datetime | None = None  # on the arrival: the promise it is measured against


class AssignedTechnician(BaseModel):
    """Who is coming, as the driver may know him: a display name, a photo, what to look out for."""

    id: UUID
    name: str
    # His photo, or the initials portrait the tracking page shows where he has none; a path (`/avatars/...`) is
    # on this API's own origin.
    photo_url: str
    rating: float | None
    vehicle: VehicleRead | None


class Eta(BaseModel):
    seconds: int
    arrival_at: datetime
    promised_at: datetime | None
    confidence: Literal["high", "low"]
    late: bool = False  # past the promise by more than its grace: the driver has been told by push


class Route(BaseModel):
    geometry: dict[str, Any]
    distance_m: float
    duration_s: float


class OrderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    status: OrderStatus
    service: Service
    location: Point
    region: str | None = None  # the served region whose area holds it: its clock is the car's
    address: str | None
    vehicle: VehicleRead | None  # the driver's car
    notes: str | None
    created_at: datetime
    technician: AssignedTechnician | None
    eta: Eta | None
    route: Route | None
    resolution: Resolution | None
    cancel_reason: str | None
    cancel_cause: CancelCause | None = None
    timeline: list[TimelineEntry]
    # A link to follow this order without the app (for family; see /v1/track); none for the technician.
    tracking_url: str | None
    partner_reference: str | None = None  # an order a partner placed: the partner's own reference
    # The language given for this order (a partner's member): its pushes and tracking page speak it. None: the
    # driver's own app setting speaks for him.
    locale: Locale | None = None


class NoteCreate(RequestModel):
    text: Annotated[Notes, Field(min_length=1), Said]


class NoteRead(BaseModel):
    at: datetime
    author: str | None
    text: str


class DriverContact(BaseModel):
    id: UUID
    name: str | None
    phone: str | None


class PromiseRead(BaseModel):
    """What the arrival promise was made of: OSRM's estimate when the technician took the job, the calibrated
    median drive and the quantile promised (none while the region has too few finished drives to calibrate),
    and the basis: each factor's multiplier (fleet, hour of day and of week, distance band, route speed,
    technician, residual median; their product is the correction), the spread from the median to the
    quantile, the technician's finished drives and how many the calibration had learnt from."""

    promised_at: datetime
    raw_s: float
    median_s: float
    promised_s: float
    correction: float
    quantile: float | None
    basis: dict[str, Any]


class TimelineChange(BaseModel):
    """A status change as operators read it: who made it (`by_role`, and `by`, the person's or partner's name
    when known; neither when the service itself did, e.g. an arrival seen from the van's position) and, for an
    assignment, to whom and from whom."""

    status: OrderStatus
    at: datetime
    by_role: Role | None = None
    by: str | None = None
    technician: str | None = None
    previous_technician: str | None = None
    reason: str | None = None  # what the person said of it: an operator's override, a cancellation's note


class OperatorOrderRead(OrderRead):
    """The order as the operators' console shows it: the driver to call, the SLA state and why, and the
    operators' notes beside the timeline."""

    driver: DriverContact
    sla_state: str
    sla_reason: str | None
    operator_notes: list[NoteRead]
    changes: list[TimelineChange] = []  # the timeline with who made each change
    stall: StallRead | None = None  # a stall or a dark phone on the way, and the ladder's step
    promise: PromiseRead | None = None

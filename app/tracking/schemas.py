from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from app.enums import Service
from app.geo import Point
from app.orders.models import CancelCause, OrderStatus, Resolution
from app.orders.schemas import Eta, Route
from app.schemas import VehicleRead


class TrackedTechnician(BaseModel):
    """Who is coming, as anyone holding the link may know him: no id, no phone, no rating."""

    name: str
    photo_url: str  # on our own origin (the page loads nothing from elsewhere)
    vehicle: VehicleRead | None


class TrackedPosition(BaseModel):
    lat: float
    lon: float
    heading: float | None = None
    at: datetime


class TrackingRead(BaseModel):
    """One order as its tracking link shows it: no driver, no address, no notes, no phone numbers."""

    status: OrderStatus
    service: Service
    technician: TrackedTechnician | None
    eta: Eta | None
    position: TrackedPosition | None  # only while the technician drives to the car
    route: Route | None
    resolution: Resolution | None
    cancel_cause: CancelCause | None = None  # why it was called off, as the driver's push said it
    feedback_open: bool
    rated: bool
    # Someone will call the driver by then: his low rating opened a case nobody has called about yet.
    call_back_by: datetime | None = None
    expires_at: datetime | None  # 24 h after the job ended; None while it runs
    time_zone: str  # the IANA zone where the car is: the page tells clock times by it, as the pushes do
    # Once the driver has been told by push that the technician seems held up ("stalled": no progress towards
    # the car; "no signal": his phone went quiet), the page says so too, instead of a confident arrival time.
    held_up: Literal["stalled", "no signal"] | None = None
    # While searching: the latest dispatch round found technicians near and no road from any of them to the pin
    # (as the live "search" message and the no_road push say it).
    search: Literal["no_road"] | None = None
    # While searching and while the technician drives there: where the car is as the order has it, the pin the
    # search looks for a road to (the page shows it when no road is found, so that the driver sees where we think he
    # is), and then the technician's goal. His route ends there, or on the nearest road a van can reach, short of it.
    car: Point | None = None

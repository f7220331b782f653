"""Every mapped model, imported once so that metadata (and Alembic) sees all tables."""

from app.db import Base
from app.idempotency.models import IdempotencyKey
from app.orders.models import JobEvent, Order
from app.outbox.models import OutboxMessage
from app.regions.models import Region
from app.technicians.models import Technician
from app.users.models import Driver, User
from dispatch.models import DispatchDecision, Offer
from feedback.models import Feedback
from notifications.models import Device

__all__ = [
    "Base",
    "Device",
    "DispatchDecision",
    "Driver",
    "Feedback",
    "IdempotencyKey",
    "JobEvent",
    "Offer",
    "Order",
    "OutboxMessage",
    "Region",
    "Technician",
    "User",
]

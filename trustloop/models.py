"""Every mapped model, imported once so that metadata (and Alembic) sees all tables."""

from app.db import Base
from app.idempotency.models import IdempotencyKey
from app.limits.models import RateWindow
from app.live.models import LiveConnection, LocationPoint, OrderTracking
from app.orders.models import JobEvent, Order, OrderNote
from app.partners.models import Partner, PartnerKey, PartnerMember
from app.regions.models import Region
from app.sla.models import OrderSla
from app.technicians.models import Technician
from app.users.models import Driver, User
from dispatch.models import DispatchDecision, DispatchRound, Offer
from feedback.models import (
    AnalysedComment,
    Feedback,
    FollowUp,
    FollowUpContact,
    TrustEvidence,
    TrustScoreChange,
    TrustScoreRow,
)
from notifications.models import Delivery, Device, Notification
from retention.models import ChurnCall, Cover, CoverEvent
from webhooks.models import WebhookAttempt, WebhookDelivery

__all__ = [
    "AnalysedComment",
    "Base",
    "ChurnCall",
    "Cover",
    "CoverEvent",
    "Delivery",
    "Device",
    "DispatchDecision",
    "DispatchRound",
    "Driver",
    "Feedback",
    "FollowUp",
    "FollowUpContact",
    "IdempotencyKey",
    "JobEvent",
    "LiveConnection",
    "LocationPoint",
    "Notification",
    "Offer",
    "Order",
    "OrderNote",
    "OrderSla",
    "OrderTracking",
    "Partner",
    "PartnerKey",
    "PartnerMember",
    "RateWindow",
    "Region",
    "Technician",
    "TrustEvidence",
    "TrustScoreChange",
    "TrustScoreRow",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
]

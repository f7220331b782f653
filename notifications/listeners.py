"""How pushes react to the facts of the core: every status change, offer, slipping ETA, stall
and SLA alert
becomes push rows in the transaction of the fact."""

from app import events
from app.config import Settings
from notifications import policy


def install(settings: Settings) -> None:
    events.subscribe(events.OrderStatusChanged, policy.on_status_change)
    events.subscribe(events.OfferMade, policy.on_offer)
    events.subscribe(events.NoRoadToOrder, policy.on_no_road)
    events.subscribe(events.FeedbackGiven, policy.on_feedback)
    events.subscribe(events.ArrivalEstimated, policy.on_eta_update)
    events.subscribe(events.StallEscalated, policy.on_stall)
    events.subscribe(events.TechnicianSetOffline, policy.on_set_offline)
    alerts = policy.SlaAlerts(settings.sla_alert_on)
    events.subscribe(events.SlaChanged, alerts.on_sla)
    events.subscribe(events.FollowUpChanged, alerts.on_follow_up)

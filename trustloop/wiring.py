"""The composition root's wiring: which domain reacts to which fact, who provides the core's ports, whose
metrics are read. Every process (an API server, a worker, the study) wires itself once before it works."""

from app import events, metrics
from app.config import Settings
from app.live import listeners as live_listeners
from app.live import publishing as live_publishing
from app.orders import metrics as orders_metrics
from app.regions import service_area
from app.sla import metrics as sla_metrics
from app.technicians import reputation
from app.tracking import links as tracking_links
from app.tracking import ratings as tracking_ratings
from app.tracking import search as tracking_search
from dispatch import listeners as dispatch_listeners
from dispatch import metrics as dispatch_metrics
from dispatch import service as dispatch
from feedback import listeners as feedback_listeners
from feedback import metrics as feedback_metrics
from feedback import service as feedback
from notifications import listeners as notifications_listeners
from notifications import metrics as notifications_metrics
from webhooks import listeners as webhooks_listeners
from webhooks import metrics as webhooks_metrics


def wire(settings: Settings) -> None:
    events.reset()
    # The order matters where listeners read what an earlier one wrote: the live view of a job is set up
    # before the pushes quote its ETA.
    live_listeners.install()
    dispatch_listeners.install()
    notifications_listeners.install(settings)
    feedback_listeners.install(settings)
    webhooks_listeners.install(settings)
    events.mark_installed()
    reputation.provide(feedback.reputations)
    tracking_links.configure(settings)
    service_area.configure(settings)
    live_publishing.configure(settings)
    tracking_ratings.provide(feedback.is_rated, feedback.call_back_promised)
    tracking_search.provide(dispatch.search_outcome)
    metrics.reset_readings()
    for reading in (
        orders_metrics.readings,
        sla_metrics.readings,
        dispatch_metrics.readings,
        notifications_metrics.readings,
        feedback_metrics.readings,
        webhooks_metrics.readings,
    ):
        metrics.register_reading(reading)

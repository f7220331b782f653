"""How the feedback domain reacts to the facts of the core: each becomes trust evidence for the technician
it concerns (feedback/ledger.py), and his score is refreshed once per transaction."""

from app import events
from app.config import Settings
from app.sla.rules import SlaPolicy
from feedback import commenting, ledger


def install(settings: Settings) -> None:
    rules = ledger.StatusRules(SlaPolicy.from_settings(settings).arrival_tolerance)
    events.subscribe(events.OrderStatusChanged, rules.on_status_changed)
    events.subscribe(events.OfferAnswered, ledger.on_offer_answered)
    events.subscribe(events.TechnicianStalled, ledger.on_stalled)
    events.subscribe(events.FeedbackGiven, ledger.on_feedback)
    events.subscribe(events.FeedbackGiven, commenting.on_feedback)  # the comment waits for its analysis

"""How the feedback domain reacts to the facts of the core: each becomes trust evidence for the technician
it concerns (feedback/ledger.py), and his score is refreshed once per transaction."""

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app import events
from app.config import Settings
from app.orders.models import OrderStatus
from app.sla.rules import SlaPolicy
from feedback import commenting, ledger, service
from feedback.models import FollowUpReason


def install(settings: Settings) -> None:
    rules = ledger.StatusRules(SlaPolicy.from_settings(settings).arrival_tolerance)
    events.subscribe(events.OrderStatusChanged, rules.on_status_changed)
    events.subscribe(events.OfferAnswered, ledger.on_offer_answered)
    events.subscribe(events.TechnicianStalled, ledger.on_stalled)
    events.subscribe(events.FeedbackGiven, ledger.on_feedback)
    events.subscribe(events.FeedbackGiven, commenting.on_feedback)  # the comment waits for its analysis
    # The ends whose push promises the driver a call, the case that keeps the promise and when it is due.
    promised_calls = {
        OrderStatus.FAILED.value: (FollowUpReason.FAILED_JOB, timedelta(seconds=settings.failed_job_call_within_s)),
        OrderStatus.UNFULFILLED.value: (
            FollowUpReason.UNFULFILLED,
            timedelta(seconds=settings.unfulfilled_call_within_s),
        ),
    }

    async def on_promised_call(session: AsyncSession, event: events.OrderStatusChanged) -> None:
        if event.status in promised_calls and event.previous_status != event.status:
            reason, within = promised_calls[event.status]
            await service.call_as_promised(session, event, reason, within)

    events.subscribe(events.OrderStatusChanged, on_promised_call)

"""The churn-risk round of the SLA watcher: a driver whose cover renews within the notice period and whose
last experience is a risk (a detractor's score, a negative comment, a broken promise, an order nobody
came for, or a case about him still open) gets a proactive call from the operators before his renewal date, once per renewal date."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.orders import repository as orders
from app.orders.models import OrderStatus
from app.sla.rules import SlaPolicy
from feedback import commenting, followups
from feedback.models import FollowUpReason
from feedback.service import open_case
from retention import cohorts, repository
from retention.service import experiences, start_of


class ChurnRound:
    def __init__(self, notice_days: int, call_within_s: float, policy: SlaPolicy) -> None:
        self._notice = timedelta(days=notice_days)
        self._call_within = timedelta(seconds=call_within_s)
        self._policy = policy

    @classmethod
    def from_settings(cls, settings: Settings) -> "ChurnRound":
        return cls(settings.churn_notice_days, settings.churn_call_within_s, SlaPolicy.from_settings(settings))

    async def __call__(self, session: AsyncSession, now: datetime) -> list[UUID]:
        """The drivers called this round."""
        today = now.astimezone(UTC).date()
        covers = await repository.covers_renewing(session, today, (now + self._notice).astimezone(UTC).date())
        if not covers:
            return []
        lived = await experiences(session, self._policy, {c.driver_id: now for c in covers})
        last_orders = await orders.last_jobs(session, {c.driver_id: now for c in covers}, OrderStatus.ended())
        unresolved = await followups.drivers_with_open_cases(
            session, [c.driver_id for c in covers], excluding=[FollowUpReason.CHURN_RISK]
        )
        called = []
        for cover in covers:
            job, experience = lived.get(cover.driver_id, (None, None))
            risks = cohorts.churn_risks(experience, cover.driver_id in unresolved)
            last = last_orders.get(cover.driver_id)
            if last is not None and (job is None or last.order_id != job.order_id):  # his last order was not a job
                tolerance = self._policy.arrival_tolerance(last.service)
                if left := cohorts.unhelped_risks(last.status, last.promised_at, last.ended_at, tolerance):
                    job, risks = last, [*left, *(r for r in risks if r is cohorts.Risk.UNRESOLVED_FOLLOW_UP)]
            if job is None or not risks:  # nothing to call about (a case needs the job it is about)
                continue
            if not await repository.claim_churn_call(session, cover.driver_id, cover.renews_on, risks):
                continue
            topics = (await commenting.ratings_of_orders(session, [job.order_id])).get(job.order_id)
            case = await open_case(
                session, order_id=job.order_id, driver_id=cover.driver_id, technician_id=job.technician_id,
                reason=FollowUpReason.CHURN_RISK, due_at=min(now + self._call_within, start_of(cover.renews_on)),
                topics=topics.topics if topics else [], risks=risks,
            )  # fmt: skip
            await repository.record_churn_case(session, cover.driver_id, cover.renews_on, case.id)
            called.append(cover.driver_id)
        return called

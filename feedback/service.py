from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import Principal
from app.errors import Conflict
from app.orders.models import OrderStatus
from app.orders.service import load_visible
from feedback.models import Feedback
from feedback.schemas import FeedbackCreate, FeedbackRead

RATEABLE = frozenset({OrderStatus.COMPLETED, OrderStatus.FAILED})
FEEDBACK_WINDOW = timedelta(days=14)


async def give_feedback(
    session: AsyncSession, principal: Principal, order_id: UUID, data: FeedbackCreate
) -> FeedbackRead:
    """The driver's rating of a finished job: only his own order, once, after it ended, within the window."""
    order = await load_visible(session, principal, order_id, lock=True)
    if order.status not in RATEABLE:
        raise Conflict("Feedback opens when the job is completed or failed.")
    if datetime.now(UTC) - order.updated_at > FEEDBACK_WINDOW:
        raise Conflict("The time to rate this job has passed.")
    feedback = Feedback(
        order_id=order.id,
        driver_id=order.driver_id,
        technician_id=order.technician_id,
        csat=data.csat,
        nps=data.nps,
        ces=data.ces,
        tags=sorted(set(data.tags)),
        comment=data.comment,
        created_at=datetime.now(UTC),
    )
    session.add(feedback)
    await session.flush()
    return FeedbackRead(
        id=feedback.id,
        order_id=feedback.order_id,
        technician_id=feedback.technician_id,
        csat=feedback.csat,
        nps=feedback.nps,
        ces=feedback.ces,
        tags=feedback.tags,
        comment=feedback.comment,
        created_at=feedback.created_at,
    )

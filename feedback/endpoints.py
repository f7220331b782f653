from uuid import UUID

from fastapi import APIRouter, status

from app.auth.dependencies import DriverUser
from app.db import DbSession
from feedback import service
from feedback.schemas import FeedbackCreate, FeedbackRead

router = APIRouter(tags=["feedback"])


@router.post("/v1/orders/{order_id}/feedback", status_code=status.HTTP_201_CREATED, response_model=FeedbackRead)
async def give_feedback(order_id: UUID, body: FeedbackCreate, session: DbSession, driver: DriverUser) -> FeedbackRead:
    return await service.give_feedback(session, driver, order_id, body)

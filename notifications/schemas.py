from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from app.enums import Locale
from app.schemas import RequestModel, SingleLine
from notifications.models import Platform

# As FCM and APNs issue them (under 200 characters of letters, digits and ":_-"): printable ASCII, well within what
# the unique index on devices can hold.
DeviceToken = Annotated[str, Field(strict=True, min_length=1, max_length=1024, pattern=r"^[!-~]+$"), SingleLine]


class DeviceRegister(RequestModel):
    token: DeviceToken
    platform: Platform
    locale: Locale = Locale.EN


class DeviceRead(BaseModel):
    token: str
    platform: Platform
    locale: Locale
    active: bool


class PushPreview(BaseModel):
    title: str
    body: str


class NotificationRead(BaseModel):
    id: UUID
    user_id: UUID
    kind: str
    order_id: UUID | None
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    preview: dict[str, PushPreview]
    # The languages of the phones it reached or is being retried on (while it waits to be sent, its recipient's
    # active phones); empty when it reached none.
    read_in: list[Locale]

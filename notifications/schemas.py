from typing import Annotated

from pydantic import BaseModel, Field

from notifications.models import Locale, Platform

DeviceToken = Annotated[str, Field(strict=True, min_length=1, max_length=4096)]


class DeviceRegister(BaseModel):
    token: DeviceToken
    platform: Platform
    locale: Locale = Locale.EN


class DeviceRead(BaseModel):
    token: str
    platform: Platform
    locale: Locale
    active: bool

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, AnyHttpUrl, BaseModel, Field, UrlConstraints

from app.enums import Locale, Service
from app.orders.schemas import OrderCreate
from app.partners.models import PartnerKind
from app.schemas import Name, Phone, RequestModel, ShortText, SingleLine
from app.sla.rules import check_contract

WEBHOOK_URL_MAX = 2000  # the column's size


def _checked_contract(targets: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    check_contract(targets)
    return targets


def _fits_stored(url: AnyHttpUrl) -> AnyHttpUrl:
    if len(str(url)) > WEBHOOK_URL_MAX:  # as stored: non-ASCII letters and spaces percent-encoded, three times longer
        raise ValueError(f"must be at most {WEBHOOK_URL_MAX} characters once encoded")
    return url


WebhookUrl = Annotated[
    AnyHttpUrl,
    UrlConstraints(max_length=WEBHOOK_URL_MAX, allowed_schemes=["http", "https"]),
    AfterValidator(_fits_stored),
]
# Seconds by target and service, as TRUSTLOOP_SLA_TARGETS: {"default": {"arrival_within": 2700}}; applied to the
# partner's orders over the house's targets.
ContractTargets = Annotated[
    dict[ShortText, dict[ShortText, Annotated[float, Field(gt=0, le=7 * 86400)]]],
    Field(max_length=len(Service) + 1),
    AfterValidator(_checked_contract),
]
Reference = Annotated[str, Field(strict=True, min_length=1, max_length=200), SingleLine]


class PartnerCreate(RequestModel):
    name: Name
    kind: PartnerKind
    services: list[Service] = Field(default_factory=list, max_length=len(Service))  # empty: every service
    regions: list[ShortText] = Field(default_factory=list, max_length=100)  # empty: every region
    sla_targets: ContractTargets = Field(default_factory=dict)
    webhook_url: WebhookUrl | None = None


class PartnerUpdate(RequestModel):
    webhook_url: WebhookUrl | None = None


class PartnerRead(BaseModel):
    id: UUID
    name: str
    kind: PartnerKind
    services: list[Service]
    regions: list[str]
    sla_targets: dict[str, Any]
    webhook_url: str | None
    created_at: datetime
    keys: list["PartnerKeyRead"]


class PartnerKeyRead(BaseModel):
    id: UUID
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class PartnerCreated(PartnerRead):
    """The only response that shows the first API key and the webhook secret: store them now."""

    api_key: str
    webhook_secret: str


class KeyIssued(BaseModel):
    id: UUID
    api_key: str


class Member(RequestModel):
    name: Name
    phone: Phone
    reference: Annotated[str, Field(strict=True, min_length=1, max_length=200), SingleLine] | None = None


class PartnerOrderCreate(OrderCreate):
    """A partner's order for its member, who may have no app: the member's name and phone, the partner's own
    reference, and the language the member speaks (for the tracking page)."""

    member: Member
    locale: Locale | None = None

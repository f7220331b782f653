"""Partners and their keys, and the orders they place for their members. A key is `tlp_` and 43 random
URL-safe characters (256 bits); only its SHA-256 is stored, so a leaked database does not leak keys."""

import hashlib
import secrets
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.auth.tokens import Principal
from app.enums import Role
from app.errors import InvalidInput, NotFound
from app.orders import service as orders
from app.orders.schemas import OrderRead
from app.orders.views import present
from app.pagination import decode_cursor, next_cursor
from app.partners import repository
from app.partners.models import Partner, PartnerKey
from app.partners.schemas import (
    KeyIssued,
    PartnerCreate,
    PartnerCreated,
    PartnerKeyRead,
    PartnerOrderCreate,
    PartnerRead,
    PartnerUpdate,
)
from app.partners.targets import checked_target
from app.regions import service as regions
from app.routing.osrm import OsrmClient
from app.schemas import Page
from app.users import repository as users

KEY_PREFIX = "tlp_"


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def is_partner_key(token: str) -> bool:
    return token.startswith(KEY_PREFIX)


async def principal_of_key(session: AsyncSession, api_key: str) -> Principal | None:
    partner_id = await repository.partner_of_key(session, key_hash(api_key))
    return Principal(user_id=partner_id, role=Role.PARTNER) if partner_id is not None else None


async def create_partner(session: AsyncSession, data: PartnerCreate, *, private_targets: bool) -> PartnerCreated:
    await regions.ensure_served(session, data.regions)
    webhook_url = checked_target(data.webhook_url, private_allowed=private_targets)
    user = await users.create(session, Role.PARTNER, data.name)
    partner = Partner(
        id=user.id,
        name=data.name,
        kind=data.kind,
        services=[s.value for s in data.services],
        regions=list(data.regions),
        sla_targets=data.sla_targets,
        webhook_url=webhook_url,
        webhook_secret="whsec_" + secrets.token_urlsafe(32),
        created_at=clock.now(),
    )
    session.add(partner)
    await session.flush()
    issued = await issue_key(session, partner.id)
    read = await _present(session, partner)
    return PartnerCreated(**read.model_dump(), api_key=issued.api_key, webhook_secret=partner.webhook_secret)


async def issue_key(session: AsyncSession, partner_id: UUID) -> KeyIssued:
    if await repository.get(session, partner_id) is None:
        raise NotFound("No such partner.")
    api_key = KEY_PREFIX + secrets.token_urlsafe(32)
    key = PartnerKey(partner_id=partner_id, key_hash=key_hash(api_key), prefix=api_key[:12], created_at=clock.now())
    session.add(key)
    await session.flush()
    return KeyIssued(id=key.id, api_key=api_key)


async def revoke_key(session: AsyncSession, partner_id: UUID, key_id: UUID) -> None:
    if not await repository.revoke_key(session, partner_id, key_id, clock.now()):
        raise NotFound("No such key.")


async def update_partner(
    session: AsyncSession, partner_id: UUID, data: PartnerUpdate, *, private_targets: bool
) -> PartnerRead:
    partner = await _get(session, partner_id)
    if "webhook_url" in data.model_fields_set:
        partner.webhook_url = checked_target(data.webhook_url, private_allowed=private_targets)
    return await _present(session, partner)


async def read_partner(session: AsyncSession, partner_id: UUID) -> PartnerRead:
    return await _present(session, await _get(session, partner_id))


async def list_partners(session: AsyncSession, limit: int, cursor: str | None) -> Page[PartnerRead]:
    found = await repository.page(session, limit + 1, decode_cursor(cursor) if cursor else None)
    return Page(
        items=[await _present(session, p) for p in found[:limit]],
        next_cursor=next_cursor(found, limit, lambda p: (p.created_at, p.id)),
    )


async def place_member_order(
    session: AsyncSession, osrm: OsrmClient, principal: Principal, data: PartnerOrderCreate
) -> OrderRead:
    """The partner's order for its member: the member's driver account is found by phone or made now."""
    partner = await _get(session, principal.user_id)
    if partner.services and data.service.value not in partner.services:
        raise InvalidInput(f"Your contract does not cover the service {data.service.value}.")
    driver_id = await repository.member_driver(session, partner.id, data.member.phone)
    if driver_id is None:
        member = await users.create(session, Role.DRIVER, data.member.name, phone=data.member.phone)
        driver_id = await repository.remember_member(session, partner.id, data.member.phone, member.id)
    order = await orders.place_order(
        session, osrm, driver_id, partner.id, data,
        partner_id=partner.id, partner_reference=data.member.reference, allowed_regions=partner.regions,
        locale=data.locale,
    )  # fmt: skip
    return await present(session, order)


async def _get(session: AsyncSession, partner_id: UUID) -> Partner:
    partner = await repository.get(session, partner_id)
    if partner is None:
        raise NotFound("No such partner.")
    return partner


async def _present(session: AsyncSession, partner: Partner) -> PartnerRead:
    keys = await repository.keys_of(session, [partner.id])
    return PartnerRead(
        id=partner.id, name=partner.name, kind=partner.kind, services=partner.services, regions=partner.regions,
        sla_targets=partner.sla_targets, webhook_url=partner.webhook_url, created_at=partner.created_at,
        keys=[PartnerKeyRead(id=k.id, prefix=k.prefix, created_at=k.created_at, revoked_at=k.revoked_at) for k in keys],
    )  # fmt: skip

"""Delivering the outbox: claim a batch (leased, so no other sender takes it), send each with its signature
outside any transaction, then record every answer. A sender killed mid-batch leaves leases that run out;
those events go again with the same id (receivers deduplicate by it)."""

import asyncio
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.config import Settings
from app.db import transaction
from app.partners import repository as partners
from app.partners.targets import PublicOnlyResolver, refused_host
from webhooks import repository
from webhooks.backoff import next_attempt
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.signing import SIGNATURE_HEADER, signature

MAX_ANSWER_BYTES = 64 * 1024  # of a receiver's answer body, read and dropped


@dataclass(frozen=True, slots=True)
class SenderConfig:
    batch_size: int
    timeout_s: float
    backoff_base_s: float
    backoff_cap_s: float
    concurrency: int
    private_targets: bool = True  # webhooks may go to private addresses (see app/partners/targets.py)

    @classmethod
    def from_settings(cls, settings: Settings) -> "SenderConfig":
        return cls(
            batch_size=settings.webhook_batch_size, timeout_s=settings.webhook_timeout_s,
            backoff_base_s=settings.webhook_backoff_base_s, backoff_cap_s=settings.webhook_backoff_cap_s,
            concurrency=settings.webhook_concurrency, private_targets=settings.webhooks_reach_private,
        )  # fmt: skip

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.timeout_s * 2 + 5)


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, slots=True)
class SendReport:
    sent: int
    delivered: int


def connector_for(config: SenderConfig) -> aiohttp.TCPConnector:
    """The sender's connections; without private targets, names are resolved to public addresses only."""
    resolver = None if config.private_targets else PublicOnlyResolver()
    return aiohttp.TCPConnector(limit=config.concurrency, limit_per_host=config.concurrency, resolver=resolver)


class Sender:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], client: aiohttp.ClientSession, config: SenderConfig,
        rng: random.Random | None = None,
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._client = client
        self._config = config
        self._rng = rng or random.Random()
        self._limit = asyncio.Semaphore(config.concurrency)
        self._timeout = aiohttp.ClientTimeout(total=config.timeout_s)

    async def send_due(self) -> SendReport:
        now = clock.now()
        lease_until = now + self._config.lease
        async with transaction(self._sessions) as session:
            batch = await repository.claim_due(session, now, lease_until, self._config.batch_size)
            secrets = {p: await _secret(session, p) for p in {d.partner_id for d in batch}}
        # The claim takes at most one event per order (the earliest waiting), so they all go in parallel.
        sent = await asyncio.gather(*(self._send(d, secrets[d.partner_id], lease_until) for d in batch))
        answers = [(d, a) for d, a in zip(batch, sent, strict=True) if a is not None]
        if answers:
            await self._record(answers, lease_until)
        return SendReport(sent=len(answers), delivered=sum(1 for _, a in answers if a.delivered))

    async def _send(self, delivery: WebhookDelivery, secret: str, lease_until: datetime) -> Answer | None:
        """The receiver's answer; None when the lease would run out before the request could: then another
        sender may take the event, and two requests for it must never be in flight together."""
        body = delivery.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Trustloop-Webhooks/1",
            SIGNATURE_HEADER: signature(secret, int(time.time()), body),
            "Trustloop-Event-Id": str(delivery.event_id),
        }
        started = time.perf_counter()
        refused = None if self._config.private_targets else refused_host(delivery.url)
        if refused is not None:  # an address written out is never looked up, so the resolver cannot refuse it
            return Answer(None, f"refused: {refused}", 0)
        async with self._limit:
            if clock.now() + timedelta(seconds=self._config.timeout_s + 1) >= lease_until:
                return None
            try:
                async with self._client.post(delivery.url, data=body, headers=headers, timeout=self._timeout,
                                             allow_redirects=False) as response:  # fmt: skip
                    await _drain(response)
                    code, error = response.status, None
            except (aiohttp.ClientError, TimeoutError, ValueError, OSError) as exc:
                code, error = None, f"{type(exc).__name__}: {exc}"[:500]
        return Answer(code, error, round((time.perf_counter() - started) * 1000))

    async def _record(self, answers: list[tuple[WebhookDelivery, Answer]], lease_until: datetime) -> None:
        """Settles what this sender still holds (its lease); a row replayed or taken over meanwhile is left."""
        now = clock.now()
        async with transaction(self._sessions) as session:
            await repository.record_attempts(session, [
                {"delivery_id": d.id, "at": now, "status_code": a.status_code, "error": a.error,
                 "duration_ms": a.duration_ms}
                for d, a in answers
            ])  # fmt: skip
            delivered = [(d.id, a.status_code or 200) for d, a in answers if a.delivered]
            await repository.mark_delivered(session, delivered, now, lease_until)
            for sent, answer in answers:  # the refused ones: each gets its own next attempt
                if answer.delivered:
                    continue
                delivery = await repository.get_for_update(session, sent.id)
                if delivery is not None and delivery.leased_until == lease_until:
                    settle(delivery, answer, now, self._config, self._rng)


def settle(delivery: WebhookDelivery, answer: Answer, now: datetime, config: SenderConfig, rng: random.Random) -> None:
    delivery.attempts += 1
    delivery.leased_until = None
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error
    if answer.delivered:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
    elif now >= delivery.retry_until:
        delivery.status = DeliveryStatus.DEAD
    else:
        delivery.status = DeliveryStatus.FAILING
        delivery.next_attempt_at = next_attempt(
            now, delivery.attempts, config.backoff_base_s, config.backoff_cap_s, rng
        )


async def _drain(response: aiohttp.ClientResponse) -> None:
    """Reads what the receiver answered (up to a limit, so that a huge answer costs nothing) so that the
    connection goes back to the pool for the next request."""
    left = MAX_ANSWER_BYTES
    while left > 0 and (chunk := await response.content.read(left)):
        left -= len(chunk)


async def _secret(session: AsyncSession, partner_id: UUID) -> str:
    partner = await partners.get(session, partner_id)
    return partner.webhook_secret if partner is not None else ""

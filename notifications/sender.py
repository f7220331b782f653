"""Draining the push outbox: claim due notifications, send them to every active device of the recipient,
record each device's outcome, retry what may succeed later. Runs in the caller's transaction: if the
process dies mid-batch, the claimed rows return to the queue and are sent again, with the same id."""

import random
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from firebase_admin import exceptions, messaging
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.orders import repository as orders
from notifications import repository
from notifications.models import DeliveryStatus, Device, Notification, NotificationStatus
from notifications.templates import render

RETRYABLE = (messaging.QuotaExceededError, exceptions.UnavailableError, exceptions.InternalError,
             exceptions.DeadlineExceededError, exceptions.UnknownError, exceptions.UnauthenticatedError)  # fmt: skip
TOKEN_GONE = (messaging.UnregisteredError, messaging.SenderIdMismatchError)
FCM_ERROR_CODES: dict[type, str] = {
    messaging.QuotaExceededError: "QUOTA_EXCEEDED",
    messaging.UnregisteredError: "UNREGISTERED",
    messaging.SenderIdMismatchError: "SENDER_ID_MISMATCH",
    messaging.ThirdPartyAuthError: "THIRD_PARTY_AUTH_ERROR",
}
FINAL_STATUSES = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.UNREGISTERED)


class PushGateway(Protocol):
    async def send(self, messages: Sequence[messaging.Message]) -> list[messaging.SendResponse]: ...


@dataclass(frozen=True, slots=True)
class SenderConfig:
    timezone: str  # where a region has none of its own in `region_timezones`
    batch_size: int
    max_attempts: int
    backoff_base_s: float
    backoff_cap_s: float
    region_timezones: Mapping[str, str] = field(default_factory=dict)

    def timezone_of(self, region: str | None) -> str:
        return self.region_timezones.get(region or "", self.timezone)

    @classmethod
    def from_settings(cls, settings: Settings) -> "SenderConfig":
        return cls(
            timezone=settings.timezone,
            batch_size=settings.push_batch_size,
            max_attempts=settings.push_max_attempts,
            backoff_base_s=settings.push_backoff_base_s,
            backoff_cap_s=settings.push_backoff_cap_s,
            region_timezones=settings.region_timezones,
        )


@dataclass
class DrainReport:
    notifications: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unregistered: int = 0
    no_devices: int = 0
    deferred: int = 0


def backoff(attempts: int, config: SenderConfig, rng: random.Random) -> timedelta:
    """Exponential backoff with jitter: spreads the retries of a quota storm instead of synchronising them."""
    ceiling = min(config.backoff_cap_s, config.backoff_base_s * 2 ** (attempts - 1))
    return timedelta(seconds=rng.uniform(ceiling / 2, ceiling))


def classify(response: messaging.SendResponse) -> tuple[DeliveryStatus, str | None]:
    if response.success:
        return DeliveryStatus.SENT, None
    error = response.exception
    code = FCM_ERROR_CODES.get(type(error)) or getattr(error, "code", None) or type(error).__name__
    if isinstance(error, TOKEN_GONE):
        return DeliveryStatus.UNREGISTERED, str(code)
    if isinstance(error, RETRYABLE):
        return DeliveryStatus.RETRY, str(code)
    return DeliveryStatus.FAILED, str(code)


def build_message(notification: Notification, device: Device, timezone: str) -> messaging.Message:
    """The push as the device's language says it, its times on the clock where the driver is (`timezone`)."""
    text = render(notification.kind, device.locale, notification.params, timezone)
    data = {
        "type": notification.kind,
        "order_id": str(notification.order_id) if notification.order_id else "",
        "notification_id": str(notification.id),
        "title": text.title,
        "body": text.body,
    }
    collapse = notification.collapse_key
    with warnings.catch_warnings():
        # The SDK now prefers installation ids (fid); the apps register FCM registration tokens.
        warnings.simplefilter("ignore", DeprecationWarning)
        return messaging.Message(
            token=device.token,
            data=data,
            notification=messaging.Notification(title=text.title, body=text.body),
            android=messaging.AndroidConfig(collapse_key=collapse, priority="high"),
            apns=messaging.APNSConfig(headers={"apns-collapse-id": collapse[:64]} if collapse else None),
        )


async def drain_once(
    session: AsyncSession, gateway: PushGateway, now: datetime, config: SenderConfig, rng: random.Random | None = None
) -> DrainReport:
    rng = rng or random.Random()
    report = DrainReport()
    due = await repository.claim_due(session, now, config.batch_size)
    # One notification per person per batch, oldest first: a phone must not hear "completed" before "arrived".
    first_per_user: dict[UUID, Notification] = {}
    for notification in due:
        first_per_user.setdefault(notification.user_id, notification)
    report.deferred = len(due) - len(first_per_user)
    due = list(first_per_user.values())
    report.notifications = len(due)
    if not due:
        return report
    devices_by_user: dict[UUID, list[Device]] = {}
    for device in await repository.active_devices(session, {n.user_id for n in due}):
        devices_by_user.setdefault(device.user_id, []).append(device)
    earlier = await repository.settled_deliveries(session, [n.id for n in due], FINAL_STATUSES)
    settled = {(notification_id, device_id) for notification_id, device_id, _ in earlier}
    reached_before = {notification_id for notification_id, _, status in earlier if status is DeliveryStatus.SENT}

    targets = [
        (notification, device)
        for notification in due
        for device in devices_by_user.get(notification.user_id, [])
        if (notification.id, device.id) not in settled
    ]
    regions = await orders.regions_of(session, {n.order_id for n, _ in targets if n.order_id})
    messages = [build_message(n, d, config.timezone_of(regions.get(n.order_id))) for n, d in targets]
    responses = await gateway.send(messages) if targets else []

    outcomes: dict[UUID, list[DeliveryStatus]] = {}
    errors: dict[UUID, str] = {}
    gone: list[UUID] = []
    rows = []
    for (notification, device), response in zip(targets, responses, strict=True):
        status, code = classify(response)
        outcomes.setdefault(notification.id, []).append(status)
        if code:
            errors[notification.id] = code
        if status is DeliveryStatus.UNREGISTERED:
            gone.append(device.id)
        rows.append(
            {"notification_id": notification.id, "device_id": device.id, "status": status, "error_code": code,
             "fcm_message_id": response.message_id, "updated_at": now}
        )  # fmt: skip
    if rows:
        await repository.record_deliveries(session, rows)
    if gone:
        await repository.deactivate_devices(session, gone, now, "unregistered")
        report.unregistered = len(gone)

    for notification in due:
        statuses = outcomes.get(notification.id, [])
        reached = notification.id in reached_before or DeliveryStatus.SENT in statuses
        notification.attempts += 1
        notification.last_error = errors.get(notification.id, notification.last_error)
        if DeliveryStatus.RETRY in statuses and notification.attempts < config.max_attempts:
            notification.available_at = now + backoff(notification.attempts, config, rng)
            report.retried += 1
            continue
        if not statuses and not any(n == notification.id for n, _ in settled):
            notification.status = NotificationStatus.NO_DEVICES
            report.no_devices += 1
        elif reached:
            notification.status = NotificationStatus.SENT
            notification.sent_at = now
            report.sent += 1
        else:
            notification.status = NotificationStatus.FAILED
            report.failed += 1
    await session.flush()
    return report

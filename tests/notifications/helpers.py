from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from app.config import Settings
from app.db import transaction
from notifications.fcm import FcmGateway
from notifications.sender import DrainReport, SenderConfig, drain_once

CONFIG = replace(SenderConfig.from_settings(Settings()), timezone="Europe/Helsinki")


async def drain(app: FastAPI, gateway: FcmGateway, now: datetime | None = None) -> DrainReport:
    """Runs the sender until nothing is due at `now`; returns the summed report."""
    total = DrainReport()
    while True:
        async with transaction(app.state.sessionmaker) as session:
            report = await drain_once(session, gateway, now or datetime.now(UTC), CONFIG)
        for field in ("notifications", "sent", "retried", "failed", "unregistered", "no_devices"):
            setattr(total, field, getattr(total, field) + getattr(report, field))
        if report.notifications == 0 or (report.retried == report.notifications and not report.deferred):
            return total


def received(standin: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = httpx.get(f"{standin}/received").json()["received"]
    return messages


def attempts(standin: str) -> dict[str, int]:
    counts: dict[str, int] = httpx.get(f"{standin}/received").json()["attempts"]
    return counts


def by_token(standin: str) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for item in received(standin):
        result.setdefault(item["token"], []).append(item["message"]["data"]["type"])
    return result

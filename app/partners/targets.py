"""Where a partner's webhooks may go: public addresses only, unless the deployment allows private ones (outside
production by default, where test receivers listen on the machine itself; or a receiver on the operator's own
network). Otherwise a webhook address would let whoever sets it make our workers call the cloud's metadata
service or a database next to them, and read the answer's status in the console."""

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from app.errors import InvalidInput

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


class PrivateWebhookTarget(InvalidInput):
    problem = "webhook-url-not-public"


def is_public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_global


def refused_host(url: str) -> str | None:
    """Why a webhook to `url` is refused before any lookup: its host is a private, loopback or link-local address
    written out, or a name of this machine. None when only resolving it can tell (see PublicOnlyResolver)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return f"{host} is this machine"
    try:
        return None if is_public(host) else f"{host} is not a public address"
    except ValueError:
        return None  # a name: checked when it is resolved


def checked_target(url: object | None, *, private_allowed: bool) -> str | None:
    """The webhook URL as stored, once it may be used here; None for none."""
    if url is None:
        return None
    stored = str(url)
    refused = None if private_allowed else refused_host(stored)
    if refused is not None:
        raise PrivateWebhookTarget(f"The webhook URL must reach a public address: {refused}.")
    return stored


class PublicOnlyResolver(AbstractResolver):
    """Resolves as aiohttp does, keeping public addresses only: a name that resolves to a private one is refused at
    the moment of connecting (a check at registration alone would miss a name whose record changes later)."""

    def __init__(self) -> None:
        self._resolver = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._resolver.resolve(host, port, family)
        public = [entry for entry in found if is_public(entry["host"])]
        if not public:
            raise OSError(f"{host} resolves to no public address")
        return public

    async def close(self, *args: Any) -> None:
        await self._resolver.close()

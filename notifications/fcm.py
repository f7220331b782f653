"""The push gateway: the real firebase-admin SDK (FCM HTTP v1), optionally pointed at another endpoint."""

import asyncio
from collections.abc import Sequence
from pathlib import Path
from uuid import uuid4

import firebase_admin
from firebase_admin import credentials, messaging

FCM_ORIGIN = "https://fcm.googleapis.com"
MAX_BATCH = 500  # what send_each_async accepts in one call


class FcmGateway:
    """One firebase app per instance; create it inside the event loop that will use it (the SDK's async
    HTTP client binds to the first loop that uses it)."""

    def __init__(self, credentials_file: Path, endpoint: str | None = None) -> None:
        certificate = credentials.Certificate(str(credentials_file))
        self._app = firebase_admin.initialize_app(certificate, name=f"trustloop-{uuid4()}")
        if endpoint:
            _point_at(self._app, endpoint.rstrip("/"))

    async def send(self, messages: Sequence[messaging.Message]) -> list[messaging.SendResponse]:
        responses: list[messaging.SendResponse] = []
        for start in range(0, len(messages), MAX_BATCH):
            batch = await messaging.send_each_async(list(messages[start : start + MAX_BATCH]), app=self._app)
            responses.extend(batch.responses)
        return responses

    async def aclose(self) -> None:
        # delete_app() closes the SDK's async client with asyncio.run(), which cannot run inside a loop:
        # close it here in its own loop first, then let delete_app() finish the rest off the loop.
        client = getattr(messaging._get_messaging_service(self._app), "_async_client", None)
        if client is not None:
            await client.aclose()
        await asyncio.to_thread(firebase_admin.delete_app, self._app)


def _point_at(app: firebase_admin.App, endpoint: str) -> None:
    """Sends this app's messages to `endpoint` instead of Google's (tests and local stand-ins only).

    The SDK keeps the send URL in a private attribute; refuse loudly if a new SDK version moved it.
    """
    service = messaging._get_messaging_service(app)
    url = getattr(service, "_fcm_url", None)
    if not isinstance(url, str) or not url.startswith(f"{FCM_ORIGIN}/v1/projects/"):
        raise RuntimeError("firebase-admin changed how it stores the FCM URL; TRUSTLOOP_FCM_ENDPOINT cannot apply")
    service._fcm_url = endpoint + url.removeprefix(FCM_ORIGIN)

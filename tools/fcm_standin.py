"""A local stand-in for Google's OAuth token endpoint and FCM HTTP v1 `messages:send`: the phones of the demo's
simulated people, of the tests and of the benchmarks (there is no Google account here).

The real firebase-admin SDK talks to it over HTTP, with a service account made by `write_service_account`
whose tokens come from the stand-in. The device token decides the answer:
  unregistered-*        404 UNREGISTERED            mismatch-*      403 SENDER_ID_MISMATCH
  invalid-*             400 INVALID_ARGUMENT        slow-*          waits 3 s, then 200
  quota-N-*             429 QUOTA_EXCEEDED the first N times, then 200
  unavailable-N-*       503 UNAVAILABLE the first N times, then 200
  anything else         200
Run: python -m tools.fcm_standin --port PORT
"""

import argparse
import asyncio
import itertools
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ACCESS_TOKEN = "standin-access-token"
FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError"

received: list[dict[str, Any]] = []
attempts: Counter[str] = Counter()
token_requests = itertools.count()
message_ids = itertools.count(1)


def error(http: int, status: str, fcm_code: str | None = None) -> JSONResponse:
    details = [{"@type": FCM_ERROR, "errorCode": fcm_code}] if fcm_code else []
    body = {"error": {"code": http, "message": f"{status} from the stand-in", "status": status, "details": details}}
    return JSONResponse(body, status_code=http)


async def token(_: Request) -> JSONResponse:
    next(token_requests)
    return JSONResponse({"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"})


async def send(request: Request) -> JSONResponse:
    if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
        return error(401, "UNAUTHENTICATED")
    message = (await request.json())["message"]
    device = message.get("token", "")
    attempts[device] += 1
    kind, _, rest = device.partition("-")
    if kind == "unregistered":
        return error(404, "NOT_FOUND", "UNREGISTERED")
    if kind == "mismatch":
        return error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH")
    if kind == "invalid":
        return error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT")
    if kind in ("quota", "unavailable") and attempts[device] <= int(rest.split("-")[0]):
        return (
            error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED")
            if kind == "quota"
            else error(503, "UNAVAILABLE", "UNAVAILABLE")
        )
    if kind == "slow":
        await asyncio.sleep(3)
    name = f"projects/{request.path_params['project']}/messages/{next(message_ids)}"
    received.append({"name": name, "token": device, "at": time.time(), "message": message})
    return JSONResponse({"name": name})


async def list_received(_: Request) -> JSONResponse:
    return JSONResponse({"received": received, "attempts": dict(attempts)})


async def reset(_: Request) -> JSONResponse:
    received.clear()
    attempts.clear()
    return JSONResponse({})


def write_service_account(path: Path, token_uri: str, project: str = "trustloop-test") -> Path:
    """A Google service account file with a key made here, whose tokens come from `token_uri`: the production
    credential path, pointed at the stand-in."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    account = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": "local-key",
        "private_key": pem,
        "client_email": f"push@{project}.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(account))
    return path


app = Starlette(
    routes=[
        Route("/token", token, methods=["POST"]),
        Route("/v1/projects/{project}/messages:send", send, methods=["POST"]),
        Route("/received", list_received),
        Route("/reset", reset, methods=["POST"]),
    ]
)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    uvicorn.run(app, host="127.0.0.1", port=parser.parse_args().port, log_level="warning")

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.openapi import problems
from app.routing.osrm import OsrmClient

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses=problems(503))
async def readyz(request: Request) -> JSONResponse:
    engine: AsyncEngine = request.app.state.engine
    osrm: OsrmClient = request.app.state.osrm
    checks: dict[str, str] = {}
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except (OSError, SQLAlchemyError) as exc:
        checks["database"] = f"down: {type(exc).__name__}"
    checks["osrm"] = "ok" if await osrm.healthy() else "down"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )

"""Responses of our own where FastAPI's serialisation through a response model does not apply."""

from typing import Any

import orjson
from fastapi.responses import JSONResponse


class LargeJSONResponse(JSONResponse):
    """JSON rendered by orjson, for large documents no response model describes (a region's roads)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)

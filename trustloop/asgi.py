"""The ASGI entry point for uvicorn: `uvicorn trustloop.asgi:app`."""

from trustloop.api import create_app

app = create_app()

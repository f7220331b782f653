"""The ASGI entry point for uvicorn: `uvicorn trustloop.asgi:app`."""

from app.config import get_settings
from app.logs import configure_logging
from trustloop.api import create_app

configure_logging(get_settings().log_format, get_settings().log_level, get_settings().access_log)
app = create_app()

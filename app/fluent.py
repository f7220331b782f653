"""Texts people read in their own language, from Project Fluent files (`<directory>/<locale>/<resource>`):
the wording, plurals, cases and grammatical gender are the files' business, the code passes plain variables."""

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import ast

from app.enums import Locale

log = logging.getLogger(__name__)


def load_bundle(directory: Path, locale: Locale, resource: str) -> FluentBundle:
    """The locale's messages; a syntax error in the file fails here, as the process starts, not when a text is
    first needed."""
    path = directory / locale.value / resource
    parsed = FluentResource(path.read_text(encoding="utf-8"))
    junk = [entry for entry in parsed.body if isinstance(entry, ast.Junk)]
    if junk:
        raise ValueError(f"{path.name} ({locale.value}) does not parse: {(junk[0].content or '').strip()[:200]!r}")
    bundle = FluentBundle([locale.value], use_isolating=False)
    bundle.add_resource(parsed)
    return bundle


def say(bundle: FluentBundle, message_id: str, variables: Mapping[str, Any] | None = None) -> str:
    """A message's text. Unknown messages raise KeyError; one that formats with errors (a bug in a .ftl file)
    is still said as it came out, and the errors are logged."""
    message = bundle.get_message(message_id)
    if message.value is None:
        raise KeyError(message_id)
    text, errors = bundle.format_pattern(message.value, dict(variables or {}))
    if errors:
        log.warning("text %s (%s) formatted with errors: %s", message_id, bundle.locales[0], errors)
    return str(text).strip()

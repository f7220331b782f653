"""The house's dependency rules, checked on the source: the domains depend on the core, never the reverse;
tools stay out of the runtime; nothing imports the command-line entry point."""

import ast
import inspect
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIRouter, APIWebSocketRoute
from starlette.routing import BaseRoute

from app.config import PROJECT_ROOT, Settings
from trustloop.api import create_app

PACKAGES = (
    "app", "dispatch", "notifications", "feedback", "webhooks", "retention", "trustloop", "tools", "bench", "tests",
)  # fmt: skip
TOOLING = {"trustloop", "tools", "bench", "tests"}
# What each package must never import. The core knows no domain; a domain knows the core and, for dispatch,
# the trust scores of feedback (acyclic: feedback learns of offers through the core's events); retention reads
# the experiences feedback records and opens its cases, and nothing but the composition root knows retention.
FORBIDDEN: dict[str, set[str]] = {
    "app": {"dispatch", "notifications", "feedback", "webhooks", "retention"} | TOOLING,
    "feedback": {"dispatch", "notifications", "webhooks", "retention"} | TOOLING,
    "notifications": {"dispatch", "feedback", "webhooks", "retention"} | TOOLING,
    "dispatch": {"notifications", "webhooks", "retention"} | TOOLING,
    "webhooks": {"dispatch", "notifications", "feedback", "retention"} | TOOLING,
    "retention": {"dispatch", "notifications", "webhooks"} | TOOLING,
    "trustloop": {"tools", "bench", "tests"},
}
# The command line may start the tools (simulate, seed, study) on request.
EXEMPT = {Path("trustloop/cli.py"): {"tools"}}


def modules(package: str) -> Iterator[Path]:
    yield from sorted((PROJECT_ROOT / package).rglob("*.py"))


def imported(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_dependencies_run_from_the_domains_to_the_core(package: str) -> None:
    broken = []
    for path in modules(package):
        relative = path.relative_to(PROJECT_ROOT)
        allowed = EXEMPT.get(relative, set())
        for name in imported(path):
            top = name.split(".")[0]
            if top in FORBIDDEN[package] - allowed:
                broken.append(f"{relative} imports {name}")
    assert broken == []


def test_nothing_imports_the_command_line() -> None:
    importers = [
        f"{path.relative_to(PROJECT_ROOT)}"
        for package in PACKAGES
        for path in modules(package)
        if any(name == "trustloop.cli" for name in imported(path))
    ]
    assert importers == []


def test_plotting_is_only_for_the_study() -> None:
    users = {
        str(path.relative_to(PROJECT_ROOT))
        for package in PACKAGES
        for path in modules(package)
        if any(name.split(".")[0] == "matplotlib" for name in imported(path))
    }
    assert users <= {"tools/study/report.py"}


def test_the_api_process_loads_no_tool_and_no_plotting() -> None:
    probe = (
        "import sys, trustloop.asgi; "
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('tools', 'matplotlib', 'bench')]; "
        "print(','.join(loaded))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    assert result.stdout.strip() == ""


def _runs_on_the_event_loop(call: object) -> bool:
    """A coroutine (or async generator) function, or an object whose __call__ is one."""
    if not (inspect.isfunction(call) or inspect.ismethod(call)):
        call = type(call).__call__  # a callable instance, such as a security scheme
    return inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)


def _routes(routes: list[BaseRoute]) -> Iterator[APIRoute | APIWebSocketRoute]:
    """The app's routes, through the routers it includes (which FastAPI wraps, keeping the original)."""
    for route in routes:
        if isinstance(route, APIRoute | APIWebSocketRoute):
            yield route
        elif isinstance(included := getattr(route, "original_router", None), APIRouter):
            yield from _routes(included.routes)


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _dependants(child)


def test_no_endpoint_or_dependency_needs_a_thread() -> None:
    """FastAPI runs a plain function, endpoint or dependency, in its thread pool: a thread hop on every request
    for work that does no I/O. Everything on a request's path is a coroutine."""
    app = create_app(Settings())
    routes = list(_routes(app.routes))
    assert set(app.openapi()["paths"]) <= {route.path for route in routes}  # every router's routes are seen
    in_threads = sorted(
        {
            f"{route.path}: {getattr(d.call, '__qualname__', d.call)}"
            for route in routes
            for d in _dependants(route.dependant)
            if d.call is not None and not _runs_on_the_event_loop(d.call)
        }
    )
    assert in_threads == []

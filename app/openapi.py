"""OpenAPI that tells the truth about errors: every error a route can answer is declared, as problem+json.

Routes declare the errors of their own logic (`responses=problems(404, 409)`); the ones every route of a
kind can answer are added here: 422 for any request (the request guard checks paths and queries), 413 for
any with a body, 401 for any that needs a token, 403 for any limited to roles (named as the bearer scheme's scopes). Every error response is
`application/problem+json` with the `Problem` schema; 422 adds `errors`, the shape our handler writes
(not FastAPI's `HTTPValidationError`)."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from app.errors import PROBLEM_JSON

DESCRIPTIONS = {
    401: "No token, or a bad or expired one.",
    403: "The caller's role may never do this.",
    404: "No such object, or not one the caller may see.",
    409: "The current state does not allow it.",
    413: "The request body is too large.",
    422: "The request is not valid (see `errors`).",
    429: "Too many requests: try again after `Retry-After` seconds.",
    503: "A part the service depends on is down.",
}


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str


class ValidationProblem(Problem):
    errors: list[ValidationIssue]


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The errors a route's own logic can answer, for its `responses=`."""
    return {code: {"description": DESCRIPTIONS[code]} for code in codes}


def install_openapi(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes, description=app.description)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        for model in (Problem, ValidationIssue, ValidationProblem):
            components[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components[model.__name__].pop("$defs", None)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                common = {422}
                if "requestBody" in operation:
                    common.add(413)
                if operation.get("security"):
                    common.add(401)
                if any(scopes for requirement in operation.get("security", []) for scopes in requirement.values()):
                    common.add(403)  # limited to the roles named as the scheme's scopes
                for code in common:
                    responses.setdefault(str(code), {"description": DESCRIPTIONS[code]})
                for code, response in responses.items():
                    if code.isdigit() and int(code) >= 400:
                        shape = "ValidationProblem" if code == "422" else "Problem"
                        response["content"] = {PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{shape}"}}}
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]

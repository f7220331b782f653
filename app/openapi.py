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


class OpenOrderProblem(Problem):
    """A new order refused while the driver or the member has one open (`type` …/open-order)."""

    open_order_id: str | None = None  # the open order, when the caller may see it
    partner_reference: str | None = None  # to a partner: its own reference of that order


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str


class ValidationProblem(Problem):
    errors: list[ValidationIssue]


SHAPED = (OpenOrderProblem,)  # problems with members of their own beside `Problem`'s


def problems(*codes: int, shaped: dict[int, type[Problem]] | None = None) -> dict[int | str, dict[str, Any]]:
    """The errors a route's own logic can answer, for its `responses=`; `shaped` names those whose problem has
    members of its own (one of SHAPED)."""
    declared: dict[int | str, dict[str, Any]] = {code: {"description": DESCRIPTIONS[code]} for code in codes}
    for code, shape in (shaped or {}).items():
        declared[code] = {"description": shape.__doc__ or DESCRIPTIONS[code], "x-problem": shape.__name__}
    return declared


OVERVIEW = """
Roadside help on demand: drivers ask for it, technicians take the jobs, operators watch over them, and partners
(insurers, dealers, fleets) order it for their members. Live streams are described in
[`/asyncapi.json`](/asyncapi.json).

**Signing in.** Every call carries `Authorization: Bearer <token>`. The mobile apps send a Firebase ID token;
a partner sends its API key (`tlp_…`), issued by an operator with the partner (`POST /v1/ops/partners`) and shown
once; keys can be rotated (`POST /v1/ops/partners/{id}/keys`) and revoked. A WebSocket takes the same token as
`?access_token=` or in `Sec-WebSocket-Protocol` as `bearer, <token>`.

**Errors** are RFC 9457 `application/problem+json`: `type`, `title`, `status`, `detail`, and on a 422 an `errors`
list of `{loc, msg}`. Types a client may act on: `…/outside-service-area` and `…/no-road-nearby` (422, nothing was
stored), `…/webhook-url-not-public` (422, a partner's webhook URL that reaches a private address, outside
development), `…/unknown-region` (422, a `region` filter naming no served region: the detail lists them),
`…/open-order` (409 on a new order while the driver or member has one open: `open_order_id` names it when the
caller may see it, and a partner also gets its `partner_reference`), `…/no-fresh-position` and
`…/not-near-the-car` (409, an arrival claimed too early), `…/unavailable`
(503 with `Retry-After`: retry). A 500 carries a `reference`, the request's `X-Request-ID`, to quote to support.
Objects a caller may not see are 404, never 403.

**Retries.** `POST /v1/orders`, `/v1/partner/orders`, `/v1/ops/technicians` and `/v1/orders/{id}/feedback` take an
`Idempotency-Key`: a retry with the same key and body gets the first answer again, byte for byte (and is not counted
against the order limit); the same key with another body is a 422.

**Lists** are cursor pages: `{"items", "next_cursor"}`; pass `next_cursor` back as `cursor` until it is `null`.

**Webhooks** (partners) are signed like Stripe's: `Trustloop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<raw body>" keyed with the webhook secret>`. Any 2xx within 10 s delivers; anything else is retried with
backoff for 25 hours under the same event id, and one order's events arrive in order.

**Statuses** go `searching → assigned → en_route → arrived → in_progress → completed | failed` (a job may
also fail, or be cancelled, on arrival), or end `cancelled` or `unfulfilled`; a job handed to another technician goes back to `assigned`.
"""


def install_openapi(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, routes=app.routes, description=app.description,
            webhooks=app.webhooks.routes,
        )  # fmt: skip
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        for model in (Problem, ValidationIssue, ValidationProblem, *SHAPED):
            components[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components[model.__name__].pop("$defs", None)
        for operations in schema.get("webhooks", {}).values():
            for operation in operations.values():  # what the partner's receiver answers: only its 2xx is read
                operation["responses"] = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                common = set()
                if operation.get("parameters") or "requestBody" in operation:
                    common.add(422)  # nothing to refuse in a call that takes nothing
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
                        shape = response.pop("x-problem", "ValidationProblem" if code == "422" else "Problem")
                        response["content"] = {PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{shape}"}}}
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]

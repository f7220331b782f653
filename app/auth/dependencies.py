from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.tokens import Principal, TokenVerifier
from app.enums import Role
from app.errors import Forbidden, Unauthorized

_bearer = HTTPBearer(auto_error=False)


def token_verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.authenticator
    return verifier


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("A bearer token is required.", headers={"WWW-Authenticate": "Bearer"})
    principal = await token_verifier(request).principal(credentials.credentials)
    request.state.user_id = str(principal.user_id)  # for the access log
    return principal


def require_role(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    async def dependency(
        principal: Annotated[Principal, Depends(current_principal)],
    ) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"This action is not available to the {principal.role.value} role.")
        return principal

    return dependency


def _for(*roles: Role) -> Any:
    """The role-restricted caller; the roles appear as the bearer scheme's scopes in the OpenAPI."""
    return Security(require_role(*roles), scopes=[role.value for role in roles])


AnyUser = Annotated[Principal, Depends(current_principal)]
DriverUser = Annotated[Principal, _for(Role.DRIVER)]
TechnicianUser = Annotated[Principal, _for(Role.TECHNICIAN)]
OperatorUser = Annotated[Principal, _for(Role.OPERATOR)]
DriverOrOperator = Annotated[Principal, _for(Role.DRIVER, Role.OPERATOR)]
PartnerUser = Annotated[Principal, _for(Role.PARTNER)]

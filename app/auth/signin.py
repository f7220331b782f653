"""Who a bearer token is: one of our own signed tokens (the demo, the tests, operators' tools), a partner's
API key (`tlp_…`), or a Firebase Authentication ID token from the mobile apps. A Firebase user's first sign-in makes him a driver;
technicians and operators are told apart by custom claims (`role`, and `technician_id` for a technician,
who must exist already)."""

import asyncio
import dataclasses
from datetime import timedelta
from uuid import UUID

import jwt
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.auth.firebase import FirebaseIdentity, FirebaseIdTokens
from app.auth.tokens import ALGORITHM, JwtTokens, Principal
from app.db import transaction
from app.enums import Role
from app.errors import Unauthorized
from app.partners import service as partners
from app.technicians import repository as technicians
from app.users import repository as users

INVALID_TOKEN = "The access token is missing, expired or invalid."
ROLES = {None: Role.DRIVER, "technician": Role.TECHNICIAN, "operator": Role.OPERATOR}


class Authenticator:
    def __init__(
        self,
        ours: JwtTokens,
        firebase: FirebaseIdTokens | None,
        sessions: async_sessionmaker[AsyncSession],
        key_recheck_s: float = 30.0,
    ) -> None:
        self._ours = ours
        self._firebase = firebase
        self._sessions = sessions
        self._key_recheck = timedelta(seconds=key_recheck_s)

    async def principal(self, token: str) -> Principal:
        """The caller the token proves, or Unauthorized."""
        if partners.is_partner_key(token):
            async with self._sessions() as session:
                found = await partners.principal_of_key(session, token)
            if found is None:
                raise Unauthorized("The API key is unknown or revoked.")
            return dataclasses.replace(found, recheck_at=clock.now() + self._key_recheck)
        if (known := self._ours.verified_before(token)) is not None:
            return known
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError as exc:
            raise Unauthorized(INVALID_TOKEN) from exc
        if algorithm == ALGORITHM or self._firebase is None:
            return self._ours.verify(token)
        identity = await asyncio.to_thread(self._firebase.identity, token)  # may fetch Google's certificates
        return await self._signed_in(identity)

    async def _signed_in(self, identity: FirebaseIdentity) -> Principal:
        role = ROLES[identity.role]
        async with transaction(self._sessions) as session:
            if role is Role.TECHNICIAN:
                user_id = await self._technician(session, identity)
            else:
                user = await users.by_firebase_uid(session, identity.uid)
                if user is None:
                    user = await users.of_firebase_account(session, role, identity.name, identity.uid, identity.phone)
                if user.role is not role:
                    raise Unauthorized(INVALID_TOKEN)
                user_id = user.id
        return Principal(user_id=user_id, role=role, expires_at=identity.expires_at)

    @staticmethod
    async def _technician(session: AsyncSession, identity: FirebaseIdentity) -> UUID:
        """A technician signs in as the profile an operator created (its id in his claims); the first time
        links his Firebase account to it."""
        try:
            technician_id = UUID(identity.technician_id or "")
        except ValueError as exc:
            raise Unauthorized(INVALID_TOKEN) from exc
        user = await users.get_for_update(session, technician_id)
        if user is None or user.role is not Role.TECHNICIAN or await technicians.get(session, technician_id) is None:
            raise Unauthorized(INVALID_TOKEN)
        if user.firebase_uid is None:
            user.firebase_uid = identity.uid
        elif user.firebase_uid != identity.uid:
            raise Unauthorized(INVALID_TOKEN)
        return technician_id

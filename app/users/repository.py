from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.enums import Role
from app.users.models import Driver, User


async def create(
    session: AsyncSession, role: Role, name: str | None, firebase_uid: str | None = None, phone: str | None = None
) -> User:
    """A new user; a driver gets his driver row too."""
    user = User(role=role, name=name, firebase_uid=firebase_uid)
    session.add(user)
    await session.flush()
    if role is Role.DRIVER:
        session.add(Driver(id=user.id, phone=phone))
    return user


async def by_firebase_uid(session: AsyncSession, uid: str) -> User | None:
    found = await session.execute(select(User).where(User.firebase_uid == uid).with_for_update())
    return found.scalar_one_or_none()


async def of_firebase_account(
    session: AsyncSession, role: Role, name: str | None, uid: str, phone: str | None = None
) -> User:
    """The user who signs in with this Firebase account, made on his first sign-in. Two first requests at once make
    one user: the second's insert waits for the first's and gives way to it."""
    made = await session.execute(
        insert(User)
        .values(role=role, name=name, firebase_uid=uid)
        .on_conflict_do_nothing(index_elements=[User.firebase_uid])
        .returning(User.id)
    )
    made_id = made.scalar_one_or_none()
    if made_id is not None and role is Role.DRIVER:
        session.add(Driver(id=made_id, phone=phone))
        await session.flush()
    user = await by_firebase_uid(session, uid)
    if user is None:
        raise LookupError(f"the user of a Firebase account vanished as it signed in: {made_id}")
    return user


async def get_for_update(session: AsyncSession, user_id: UUID) -> User | None:
    found = await session.execute(
        select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True)
    )
    return found.scalar_one_or_none()

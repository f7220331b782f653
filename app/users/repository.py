from sqlalchemy.ext.asyncio import AsyncSession

from app.enums import Role
from app.users.models import Driver, User


async def create(session: AsyncSession, role: Role, name: str | None) -> User:
    """A new user; a driver gets his driver row too."""
    user = User(role=role, name=name)
    session.add(user)
    await session.flush()
    if role is Role.DRIVER:
        session.add(Driver(id=user.id))
    return user

from uuid import UUID

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, CreatedAt, UUIDPrimaryKey
from app.enums import Role, text_enum


class User(UUIDPrimaryKey, CreatedAt, Base):
    __tablename__ = "users"

    role: Mapped[Role] = mapped_column(text_enum(Role, "role"))
    name: Mapped[str | None] = mapped_column(String(200))
    firebase_uid: Mapped[str | None] = mapped_column(String(128), unique=True)  # who signs in with Firebase


class Driver(CreatedAt, Base):
    __tablename__ = "drivers"

    id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(40))

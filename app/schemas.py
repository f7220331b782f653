"""Shapes shared by several domains."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

ShortText = Annotated[str, Field(strict=True, min_length=1, max_length=64)]
Name = Annotated[str, Field(strict=True, min_length=1, max_length=200)]
Phone = Annotated[str, Field(strict=True, min_length=3, max_length=40)]
Reason = Annotated[str, Field(strict=True, max_length=500)]


class Vehicle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    make: ShortText | None = None
    model: ShortText | None = None
    plate: ShortText | None = None
    color: ShortText | None = None


class Page[T](BaseModel):
    items: list[T]
    next_cursor: str | None

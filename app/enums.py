from enum import StrEnum

from sqlalchemy import Enum


class Role(StrEnum):
    DRIVER = "driver"
    TECHNICIAN = "technician"
    OPERATOR = "operator"
    PARTNER = "partner"  # an insurer, dealer or fleet ordering help for its members, by API key


class Service(StrEnum):
    TOW = "tow"
    JUMP_START = "jump_start"
    TYRE_CHANGE = "tyre_change"
    FUEL_DELIVERY = "fuel_delivery"
    LOCKOUT = "lockout"
    WINCH = "winch"


class Locale(StrEnum):
    """The languages the product speaks to people in: pushes, the tracking page, partners' members."""

    EN = "en"
    RU = "ru"
    DE = "de"


def text_enum(enum_cls: type[StrEnum], name: str) -> Enum:
    """A StrEnum stored as VARCHAR with a CHECK constraint (no PostgreSQL enum type to migrate)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )

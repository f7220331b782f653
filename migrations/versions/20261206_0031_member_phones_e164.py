"""a partner's member is his number however it is written: members are kept by its E.164 form

"+358 40 555 0202" and "+358-40-555-0202" were two members, each with an open order of his own. Each member's
number becomes its E.164 form, where no other member of the partner holds that form already (the earliest
keeps it; a later one keeps its spelling, and with it his driver account and orders).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 08:00:00.000000
"""

from collections.abc import Sequence

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _e164(phone: str) -> str | None:
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def upgrade() -> None:
    connection = op.get_bind()
    members = connection.execute(
        sa.text("SELECT partner_id, phone FROM partner_members ORDER BY created_at, phone")
    ).all()
    held = {(partner_id, phone) for partner_id, phone in members}
    for partner_id, phone in members:
        number = _e164(phone)
        if number is None or number == phone or (partner_id, number) in held:
            continue
        connection.execute(
            sa.text("UPDATE partner_members SET phone = :number WHERE partner_id = :partner_id AND phone = :phone"),
            {"number": number, "partner_id": partner_id, "phone": phone},
        )
        held.add((partner_id, number))


def downgrade() -> None:
    pass  # the spellings the numbers came in were not kept; E.164 is one of the forms a number may be written in

from uuid import UUID

from sqlalchemy import ARRAY, CheckConstraint, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, CreatedAt, UUIDPrimaryKey
from app.errors import conflict_message


class Feedback(UUIDPrimaryKey, CreatedAt, Base):
    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("csat BETWEEN 1 AND 5", name="csat_range"),
        CheckConstraint("nps IS NULL OR nps BETWEEN 0 AND 10", name="nps_range"),
        CheckConstraint("ces IS NULL OR ces BETWEEN 1 AND 7", name="ces_range"),
    )

    order_id: Mapped[UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    driver_id: Mapped[UUID] = mapped_column(ForeignKey("drivers.id"))
    technician_id: Mapped[UUID | None] = mapped_column(ForeignKey("technicians.id"), index=True)
    csat: Mapped[int] = mapped_column(SmallInteger)
    nps: Mapped[int | None] = mapped_column(SmallInteger)
    ces: Mapped[int | None] = mapped_column(SmallInteger)
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list)
    comment: Mapped[str | None] = mapped_column(Text)


conflict_message("uq_feedback_order_id", "Feedback was already given for this order.")

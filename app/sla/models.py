from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class OrderSla(Base):
    """An open order's service level: ok, at risk or breached, why, and since when. No row: ok."""

    __tablename__ = "order_sla"
    # The few at risk among every order ever flagged: the watcher clears those whose order closed, every round.
    __table_args__ = (Index("ix_order_sla_at_risk", "order_id", postgresql_where=text("state = 'at_risk'")),)

    order_id: Mapped[UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

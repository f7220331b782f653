from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, CreatedAt, UUIDPrimaryKey
from app.enums import text_enum
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


class FollowUpStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class FollowUpReason(StrEnum):
    DETRACTOR = "detractor"  # a low CSAT or NPS
    NEGATIVE_COMMENT = "negative_comment"  # the words were unhappy, whatever the stars said
    CHURN_RISK = "churn_risk"  # a driver likely to lapse, called before his renewal
    FAILED_JOB = "failed_job"  # not fixed on the spot: the push promised a call to arrange another visit or a tow
    UNFULFILLED = "unfulfilled"  # nobody took the request in time: the push promised an operator's call


class FollowUp(UUIDPrimaryKey, CreatedAt, Base):
    """A case for operators: call an unhappy driver back before the due time."""

    __tablename__ = "followups"
    __table_args__ = (Index("ix_followups_open_due_at", "due_at", postgresql_where=text("status = 'open'")),)

    # The rating that opened it; a churn-risk case has none.
    feedback_id: Mapped[UUID | None] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), unique=True)
    order_id: Mapped[UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    driver_id: Mapped[UUID] = mapped_column(ForeignKey("drivers.id"))
    technician_id: Mapped[UUID | None] = mapped_column(ForeignKey("technicians.id"))
    reason: Mapped[str] = mapped_column(String(200))  # a FollowUpReason
    topics: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))  # from the comment
    risks: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))  # why a churn call
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[FollowUpStatus] = mapped_column(text_enum(FollowUpStatus, "status"), default=FollowUpStatus.OPEN)
    note: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[UUID | None] = mapped_column(ForeignKey("users.id"))
    breached_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # not contacted by due_at
    taken_by: Mapped[UUID | None] = mapped_column(ForeignKey("users.id"))  # the operator who has the case
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_contact_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the first call attempt
    outcome: Mapped[str | None] = mapped_column(String(32))  # what resolving it came to


conflict_message("uq_followups_feedback_id", "A follow-up already exists for this feedback.")


class ContactOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    CALLBACK_REQUESTED = "callback_requested"


class FollowUpOutcome(StrEnum):
    APOLOGISED = "apologised"
    REFUNDED = "refunded"
    JOB_REDONE = "job_redone"
    COMPENSATED = "compensated"
    NO_ACTION_NEEDED = "no_action_needed"
    UNREACHABLE = "unreachable"


class FollowUpContact(CreatedAt, Base):
    """One attempt to reach the unhappy driver, and how it went."""

    __tablename__ = "followup_contacts"
    __table_args__ = (Index("ix_followup_contacts_followup_id_id", "followup_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    followup_id: Mapped[UUID] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"))
    outcome: Mapped[ContactOutcome] = mapped_column(text_enum(ContactOutcome, "outcome"))
    note: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[UUID | None] = mapped_column(ForeignKey("users.id"))


class TrustScoreRow(Base):
    """A technician's current score, overall (service '*') and per service, rewritten in the transaction of
    every event that moves it. Dispatch reads these rows."""

    __tablename__ = "trust_scores"

    technician_id: Mapped[UUID] = mapped_column(ForeignKey("technicians.id", ondelete="CASCADE"), primary_key=True)
    service: Mapped[str] = mapped_column(String(32), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    prior: Mapped[float] = mapped_column(Float)
    ratings: Mapped[int] = mapped_column(Integer)
    parts: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrustScoreChange(Base):
    """The history of a technician's overall score: one row per event that changed it, and why."""

    __tablename__ = "trust_score_history"
    __table_args__ = (Index("ix_trust_score_history_technician_id_at", "technician_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    technician_id: Mapped[UUID] = mapped_column(ForeignKey("technicians.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    previous: Mapped[float | None] = mapped_column(Float)
    cause: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[UUID | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrustEvidence(Base):
    """One event of a technician's record as a trust signal counts it: a rating, an arrival against the
    promise, a finished job, a kept or dropped job, an answered offer. Written by the listeners in the
    transaction of the event; the score is the decayed mean of the settled values. A kept-jobs entry is
    written when he accepts and settled when the job ends or is taken from him (value None until then)."""

    __tablename__ = "trust_evidence"
    __table_args__ = (
        Index("ix_trust_evidence_technician_id_at", "technician_id", "at"),
        Index(
            "ix_trust_evidence_unsettled",
            "order_id",
            "technician_id",
            postgresql_where=text("value IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    technician_id: Mapped[UUID] = mapped_column(ForeignKey("technicians.id", ondelete="CASCADE"))
    order_id: Mapped[UUID | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    service: Mapped[str] = mapped_column(String(32))
    signal: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # when it happened: its weight decays from here
    cause: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AnalysedComment(Base):
    """What a feedback comment says (feedback/comments): written pending in the rating's transaction, filled
    in by the comments round moments later, so that the analysis never slows the driver's request."""

    __tablename__ = "comment_analyses"
    __table_args__ = (Index("ix_comment_analyses_pending", "created_at", postgresql_where=text("analysed_at IS NULL")),)

    feedback_id: Mapped[UUID] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    analysed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    language: Mapped[str | None] = mapped_column(String(8))
    sentiment: Mapped[str | None] = mapped_column(String(8))
    score: Mapped[float | None] = mapped_column(Float)
    topics: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    cues: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))

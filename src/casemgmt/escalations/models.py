"""An escalation from the KCC to a service's accountmanager with its answer, and the reusable answers written from
answered escalations.

``Escalation.reusable`` says that the answerer proposed the answer for reuse; it publishes nothing. What
``/antwoorden`` shows is a `ReusableAnswer`: a separate text in general terms that the service's accountmanager
wrote and confirmed holds no personal data, so the escalation's question and client never leave the escalation.
Escalations marked reusable before reusable answers existed (migration ``0008``) wait, unpublished, until one is
written for them."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.escalations.rules import MAX_ANSWER, MAX_QUESTION, MAX_TITLE


class Escalation(BigIntAuditBase):
    __tablename__ = "escalations"
    __table_args__ = (
        Index("ix_escalations_service_status_due", "service_id", "status", "due_at"),
        Index("ix_escalations_assignee_status", "assignee_id", "status"),
        Index("ix_escalations_asked_by", "asked_by_id", "asked_at"),
        Index("ix_escalations_dossier", "dossier_id"),
        Index("ix_escalations_client", "client_id"),
        Index("ix_escalations_reusable", "service_id", "reusable"),
    )

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    question: Mapped[str] = mapped_column(String(MAX_QUESTION))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), default=None)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="RESTRICT"), default=None)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id", ondelete="RESTRICT"), default=None)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    asked_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    status: Mapped[str] = mapped_column(String(20), default="open")
    answer: Mapped[str] = mapped_column(String(MAX_ANSWER), default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    within_norm: Mapped[bool | None] = mapped_column(Boolean, default=None)
    reusable: Mapped[bool] = mapped_column(Boolean, default=False)


class ReusableAnswer(BigIntAuditBase):
    """A reusable answer (herbruikbaar antwoord): a question in general terms and the answer to give, written from
    one answered escalation by an accountmanager of its service, who confirmed it holds no personal data."""

    __tablename__ = "reusable_answers"
    __table_args__ = (Index("ix_reusable_answers_service_written", "service_id", "written_at"),)

    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="RESTRICT"), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    answer: Mapped[str] = mapped_column(String(MAX_ANSWER))
    written_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    written_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))

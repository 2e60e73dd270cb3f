"""An escalation from the KCC to a service's accountmanager, and its (possibly reusable) answer."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class Escalation(BigIntAuditBase):
    __tablename__ = "escalations"
    __table_args__ = (
        Index("ix_escalations_service_status_due", "service_id", "status", "due_at"),
        Index("ix_escalations_assignee_status", "assignee_id", "status"),
        Index("ix_escalations_asked_by", "asked_by_id", "asked_at"),
        Index("ix_escalations_dossier", "dossier_id"),
        Index("ix_escalations_reusable", "service_id", "reusable"),
    )

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    question: Mapped[str] = mapped_column(Text)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), default=None)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="RESTRICT"), default=None)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id", ondelete="RESTRICT"), default=None)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    asked_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    status: Mapped[str] = mapped_column(String(20), default="open")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    within_norm: Mapped[bool | None] = mapped_column(Boolean, default=None)
    reusable: Mapped[bool] = mapped_column(Boolean, default=False)

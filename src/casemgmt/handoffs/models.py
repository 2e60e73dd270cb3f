"""A handoff (overdracht): the dossier or a question moves to another service or employee, with its context."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.handoffs.rules import MAX_CONTEXT_LENGTH, MAX_REASON_LENGTH


class Handoff(BigIntAuditBase):
    __tablename__ = "handoffs"
    __table_args__ = (
        Index("ix_handoffs_dossier_requested", "dossier_id", "requested_at"),
        Index("ix_handoffs_to_employee_status", "to_employee_id", "status"),
        Index("ix_handoffs_to_service_status", "to_service_id", "status"),
        Index("ix_handoffs_from_employee_status", "from_employee_id", "status", "decided_at"),  # declined for me
    )

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="RESTRICT"))
    from_employee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    from_service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    to_service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    to_employee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    reason: Mapped[str] = mapped_column(String(MAX_REASON_LENGTH))
    context: Mapped[str] = mapped_column(String(MAX_CONTEXT_LENGTH))
    requested_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="requested")
    decided_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    decision_reason: Mapped[str] = mapped_column(String(MAX_REASON_LENGTH), default="")

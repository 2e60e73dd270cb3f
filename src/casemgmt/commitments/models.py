"""A commitment (toezegging): a promise to the client, with one owner and a due moment. Never deleted.

Overdue is derived at read time (open and past due), never stored. Owner changes keep their history.
"""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.commitments.rules import MAX_DESCRIPTION, MAX_NOTE, MAX_REASON


class Commitment(BigIntAuditBase):
    __tablename__ = "commitments"
    __table_args__ = (
        Index("ix_commitments_owner_status_due", "owner_id", "status", "due_at"),
        Index("ix_commitments_status_kind_due", "status", "kind", "due_at"),
        Index("ix_commitments_dossier", "dossier_id", "made_at"),
        Index("ix_commitments_dossier_due", "dossier_id", "due_at"),  # a pilot's commitments due in a period
        Index("ix_commitments_client", "client_id"),
        Index("ix_commitments_due_at", "due_at"),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="RESTRICT"), default=None)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="RESTRICT"), default=None)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(MAX_DESCRIPTION))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"), default=None)
    made_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    made_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    kept_on_time: Mapped[bool | None] = mapped_column(Boolean, default=None)
    fulfilling_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="RESTRICT"), default=None
    )
    note: Mapped[str] = mapped_column(String(MAX_NOTE), default="")


class CommitmentOwnerChange(BigIntAuditBase):
    __tablename__ = "commitment_owner_changes"

    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="RESTRICT"), index=True)
    from_owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    to_owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    changed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    reason: Mapped[str] = mapped_column(String(MAX_REASON))

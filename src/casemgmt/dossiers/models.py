"""A dossier and the history of who was assigned to it.

The current casemanager is kept on the dossier (``casemanager_id``) for fast filtering; every assignment, of the
casemanager and of each service's accountmanager, is also a row in ``dossier_assignments`` with since/until, who
made it and why, so earlier assignees keep read access and the history is never lost.
"""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.dossiers.rules import REASON_MAX, SUBJECT_MAX


class Dossier(BigIntAuditBase):
    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_casemanager_status", "casemanager_id", "status"),
        Index("ix_dossiers_client", "client_id"),
        Index("ix_dossiers_opened_at", "opened_at"),
    )

    ref: Mapped[str] = mapped_column(String(16), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    status: Mapped[str] = mapped_column(String(20), default="open")
    outcome: Mapped[str | None] = mapped_column(String(20), default=None)
    opened_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    casemanager_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DossierAssignment(BigIntAuditBase):
    __tablename__ = "dossier_assignments"
    __table_args__ = (
        Index("ix_dossier_assignments_dossier", "dossier_id", "role"),
        Index("ix_dossier_assignments_user", "user_id", "until"),
        # At most one active accountmanager per service per dossier, enforced by the database.
        Index(
            "uq_dossier_assignments_active_service",
            "dossier_id",
            "service_id",
            unique=True,
            sqlite_where=text("until IS NULL AND role = 'accountmanager'"),
            postgresql_where=text("until IS NULL AND role = 'accountmanager'"),
        ),
    )

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))  # "casemanager" | "accountmanager"
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"), default=None)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    since: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    until: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    end_reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")

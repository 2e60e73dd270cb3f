"""A commitment (toezegging): a promise to the client, with one owner and a due moment. Never deleted.

The owner is a person (``owner_id``) or a team, a municipal service (``owner_service_id``): exactly one of the two
(a CHECK constraint). A team promise waits in the service's queue until an employee of the service picks it up.
Overdue is derived at read time (open and past due), never stored. Owner changes (to and from a team) and due
changes keep their history; ``first_due_at`` keeps the moment first promised, against which kept-on-time is judged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.commitments.rules import MAX_DESCRIPTION, MAX_NOTE, MAX_REASON

ONE_OWNER_SQL = (
    "(owner_id IS NOT NULL AND owner_service_id IS NULL) OR (owner_id IS NULL AND owner_service_id IS NOT NULL)"
)
"""A commitment's owner is a person or a team, never both, never neither."""


def _due_at_as_written(context: Any) -> Any:
    """``first_due_at`` left out of an INSERT (the loaders, the generator): the row's ``due_at``."""
    return context.get_current_parameters()["due_at"]


class Commitment(BigIntAuditBase):
    __tablename__ = "commitments"
    __table_args__ = (
        Index("ix_commitments_owner_status_due", "owner_id", "status", "due_at"),
        Index("ix_commitments_status_kind_due", "status", "kind", "due_at"),
        Index("ix_commitments_dossier", "dossier_id", "made_at"),
        Index("ix_commitments_dossier_due", "dossier_id", "due_at"),  # a pilot's commitments due in a period
        Index("ix_commitments_client", "client_id"),
        Index("ix_commitments_due_at", "due_at"),
        Index("ix_commitments_owner_service_status_due", "owner_service_id", "status", "due_at"),
        CheckConstraint(ONE_OWNER_SQL, name="one_owner"),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="RESTRICT"), default=None)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="RESTRICT"), default=None)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(MAX_DESCRIPTION))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    owner_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"), default=None)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"), default=None)
    made_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    made_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    first_due_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_due_at_as_written)
    """The due moment first promised; rescheduling moves ``due_at`` only (kept on time is judged against this)."""
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    kept_on_time: Mapped[bool | None] = mapped_column(Boolean, default=None)
    fulfilling_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="RESTRICT"), default=None
    )
    note: Mapped[str] = mapped_column(String(MAX_NOTE), default="")


class CommitmentOwnerChange(BigIntAuditBase):
    """One change of owner: from a person or a team to a person or a team (a pick-up: from the team to the person
    who picked it up)."""

    __tablename__ = "commitment_owner_changes"

    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="RESTRICT"), index=True)
    from_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    from_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"), default=None)
    to_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    to_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"), default=None)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    changed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    reason: Mapped[str] = mapped_column(String(MAX_REASON))


class CommitmentDueChange(BigIntAuditBase):
    """One rescheduling (verzetten) of a commitment: the due moment before and after, who, when and why."""

    __tablename__ = "commitment_due_changes"

    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="RESTRICT"), index=True)
    from_due_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    to_due_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    changed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    reason: Mapped[str] = mapped_column(String(MAX_REASON))

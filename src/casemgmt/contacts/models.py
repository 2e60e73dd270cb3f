"""A contact (klantcontact). May exist before a dossier does (a KCC call) and be linked to one later, and may have
no client at all (an anonymous caller). An inbound contact names its topic (onderwerp); each transfer attempt during
it is a ``contact_transfers`` row (service, department, connected or not).

A contact's references of other systems live in ``references/`` (``ExternalReference``, re-exported here), shared
with dossiers.
"""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.contacts.rules import SUBJECT_MAX, SUMMARY_MAX
from casemgmt.references.models import ExternalReference as ExternalReference  # shared with dossiers


class Contact(BigIntAuditBase):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_dossier_at", "dossier_id", "occurred_at"),
        Index("ix_contacts_client_at", "client_id", "occurred_at"),
        Index("ix_contacts_service_at", "service_id", "occurred_at"),
    )

    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), default=None)
    """None for an anonymous contact."""
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="RESTRICT"), default=None)
    channel: Mapped[str] = mapped_column(String(10))
    direction: Mapped[str] = mapped_column(String(3))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    occurred_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    outcome: Mapped[str] = mapped_column(String(30))
    transfers: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX), default="")
    representative_id: Mapped[int | None] = mapped_column(
        ForeignKey("representatives.id", ondelete="RESTRICT"), index=True, default=None
    )
    """The representative who made the contact or took part in it (one linked to the client at the time)."""
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="RESTRICT"), default=None, index=True)
    """The topic (onderwerp); required for inbound contacts logged since migration 0016, None for older ones."""


class ContactTransfer(BigIntAuditBase):
    """One attempt to transfer the caller during a contact: to a service (and department), connected or failed."""

    __tablename__ = "contact_transfers"
    __table_args__ = (UniqueConstraint("contact_id", "position", name="uq_contact_transfers_contact_position"),)

    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    """1 for the first attempt, in the order told."""
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), default=None)
    connected: Mapped[bool] = mapped_column(Boolean)

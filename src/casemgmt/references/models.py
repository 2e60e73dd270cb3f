"""The references of other systems (``external_references``: letter, zaak or kenmerk numbers) that a contact or a
dossier carries: one row per (record type, record id, reference), found by the reference (indexed)."""

from __future__ import annotations

from advanced_alchemy.base import BigIntAuditBase
from sqlalchemy import BigInteger, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.references.rules import EXTERNAL_REF_MAX


class ExternalReference(BigIntAuditBase):
    """A reference of another system on a record (``record_type`` "contact" or "dossier"), found exactly."""

    __tablename__ = "external_references"
    __table_args__ = (
        UniqueConstraint("record_type", "record_id", "ref", name="uq_external_references_record_ref"),
        Index("ix_external_references_ref", "ref"),
    )

    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    ref: Mapped[str] = mapped_column(String(EXTERNAL_REF_MAX))

"""A client (klant) and the professionals registered to act for them (vertegenwoordigers).

A client is a person (BSN), an organisation (KvK number) or not identified yet (neither); an unidentified client
merged into the client with its BSN keeps its row, pointing at that client (``merged_into_id``)."""

from __future__ import annotations

from datetime import date

from advanced_alchemy.base import BigIntAuditBase
from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casemgmt.clients.rules import MAX_ADDRESS


class Client(BigIntAuditBase):
    __tablename__ = "clients"
    __table_args__ = (Index("ix_clients_name_lower", "name_normalised"),)

    kind: Mapped[str] = mapped_column(String(20))  # "person" | "organisation" | "unidentified"
    bsn: Mapped[str | None] = mapped_column(String(9), unique=True, default=None)
    kvk: Mapped[str | None] = mapped_column(String(8), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(200))
    name_normalised: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(MAX_ADDRESS), default="")
    pseudonym: Mapped[str] = mapped_column(String(20), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), default=None, index=True)
    """An unidentified client whose records moved to the client with its BSN: kept for its history, out of searches.
    (``NO ACTION``, checked at the end of a statement, rather than ``RESTRICT``: emptying the table in one statement
    must not trip over the order of its rows.)"""

    representatives: Mapped[list[Representative]] = relationship(
        back_populates="client", lazy="raise", order_by="Representative.id"
    )


class Representative(BigIntAuditBase):
    __tablename__ = "representatives"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    relation: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)

    client: Mapped[Client] = relationship(back_populates="representatives", lazy="raise")

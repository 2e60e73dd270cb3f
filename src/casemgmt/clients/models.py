"""A client (klant) and the professionals registered to act for them (vertegenwoordigers).

A client's name is also kept in its searched forms (``name_folded``, ``family_name_folded``: ``clients/rules.fold``),
set whenever the name is set through the ORM (``@validates``) and filled by a column default for bulk inserts that
leave them out, so every writer keeps them."""

from __future__ import annotations

from datetime import date
from typing import Any

from advanced_alchemy.base import BigIntAuditBase
from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from casemgmt.clients.rules import MAX_ADDRESS, MAX_NAME, family_name_key, fold


def _folded_default(context: DefaultExecutionContext) -> str:
    return fold(context.get_current_parameters().get("name") or "")


def _family_default(context: DefaultExecutionContext) -> str:
    return family_name_key(context.get_current_parameters().get("name") or "")


def prefix_index(name: str, column: str) -> Index:
    """A B-tree index a ``LIKE 'prefix%'`` can use on PostgreSQL whatever the database's collation (SQLite uses the
    plain index for the range the search asks there)."""
    return Index(name, column, postgresql_ops={column: "varchar_pattern_ops"})


class Client(BigIntAuditBase):
    __tablename__ = "clients"
    __table_args__ = (
        Index("ix_clients_name_lower", "name_normalised"),
        prefix_index("ix_clients_name_folded", "name_folded"),
        prefix_index("ix_clients_family_name_folded", "family_name_folded"),
    )

    kind: Mapped[str] = mapped_column(String(20))  # "person" | "organisation"
    bsn: Mapped[str | None] = mapped_column(String(9), unique=True, default=None)
    kvk: Mapped[str | None] = mapped_column(String(8), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(200))
    name_normalised: Mapped[str] = mapped_column(String(200), default="")
    name_folded: Mapped[str] = mapped_column(String(MAX_NAME), default=_folded_default, server_default="")
    """The name as searched: lower case, without diacritics ("ozturk" for "Öztürk")."""
    family_name_folded: Mapped[str] = mapped_column(String(MAX_NAME), default=_family_default, server_default="")
    """The folded family name without its particles ("graaf" for "Michael de Graaf"), ranked first in a search."""
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(MAX_ADDRESS), default="")
    pseudonym: Mapped[str] = mapped_column(String(20), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)

    representatives: Mapped[list[Representative]] = relationship(
        back_populates="client", lazy="raise", order_by="Representative.id"
    )

    @validates("name")
    def _keep_search_keys(self, _key: str, name: Any) -> Any:
        self.name_folded = fold(name or "")
        self.family_name_folded = family_name_key(name or "")
        return name


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

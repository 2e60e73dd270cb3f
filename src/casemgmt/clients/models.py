"""A client (klant), the history of corrections to their details (``client_changes``), and the professionals
registered to act for them (vertegenwoordigers).

A client is a person (BSN), an organisation (KvK number) or not identified yet (neither); an unidentified client
merged into the client with its BSN keeps its row, pointing at that client (``merged_into_id``). A client's phone is
stored in E.164 (``+31701234567``; a number kept as typed when the migration could not read it), the postcode
normalised (``2511AB``); ``version`` starts at 1 and goes up with every change (a stale version: 409).

A client's name is also kept in its searched forms (``name_folded``, ``family_name_folded``: ``clients/rules.fold``),
set whenever the name is set through the ORM (``@validates``) and filled by a column default for bulk inserts that
leave them out, so every writer keeps them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from advanced_alchemy.base import BigIntAuditBase, BigIntBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from casemgmt.clients.rules import (
    MAX_ADDITION,
    MAX_ADDRESS,
    MAX_CITY,
    MAX_NAME,
    MAX_PREFERRED_TIME,
    Address,
    family_name_key,
    fold,
)


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
        Index("ix_clients_phone", "phone"),
        Index("ix_clients_postcode_house_number", "postcode", "house_number"),
        prefix_index("ix_clients_name_folded", "name_folded"),
        prefix_index("ix_clients_family_name_folded", "family_name_folded"),
    )

    kind: Mapped[str] = mapped_column(String(20))  # "person" | "organisation" | "unidentified"
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
    # the street holds up to MAX_ADDRESS characters: the migration put an address it could not read there whole
    street: Mapped[str] = mapped_column(String(MAX_ADDRESS), default="")
    house_number: Mapped[int | None] = mapped_column(Integer, default=None)
    house_number_addition: Mapped[str] = mapped_column(String(MAX_ADDITION), default="")
    postcode: Mapped[str] = mapped_column(String(6), default="")
    city: Mapped[str] = mapped_column(String(MAX_CITY), default="")
    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    preferred_channel: Mapped[str | None] = mapped_column(String(10), default=None)
    preferred_time: Mapped[str] = mapped_column(String(MAX_PREFERRED_TIME), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    pseudonym: Mapped[str] = mapped_column(String(20), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), default=None, index=True)
    """An unidentified client whose records moved to the client with its BSN: kept for its history, out of searches.
    (``NO ACTION``, checked at the end of a statement, rather than ``RESTRICT``: emptying the table in one statement
    must not trip over the order of its rows.)"""

    representatives: Mapped[list[ClientRepresentative]] = relationship(
        back_populates="client", lazy="raise", order_by="ClientRepresentative.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def address_parts(self) -> Address:
        """The address columns as one ``Address`` (``.text``: "Spui 70A, 2511 AB Den Haag")."""
        return Address(self.street, self.house_number, self.house_number_addition, self.postcode, self.city)

    @validates("name")
    def _keep_search_keys(self, _key: str, name: Any) -> Any:
        self.name_folded = fold(name or "")
        self.family_name_folded = family_name_key(name or "")
        return name


class ClientChange(BigIntBase):
    """One correction of a client's details: the version it made, who and when, and the changed fields only, as
    they were (``before``) and became (``after``). Written in the same transaction as the change."""

    __tablename__ = "client_changes"
    __table_args__ = (Index("ix_client_changes_client_version", "client_id", "version", unique=True),)

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    changed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Representative(BigIntAuditBase):
    """A professional who acts for clients (a bewindvoerder, social worker, lawyer): a person of their own, linked to
    any number of clients through ``ClientRepresentative``. ``name_normalised`` and ``phone_digits`` serve the search
    (by name prefix, by phone number whatever its format)."""

    __tablename__ = "representatives"
    __table_args__ = (
        Index("ix_representatives_name_normalised", "name_normalised"),
        Index("ix_representatives_phone_digits", "phone_digits"),
    )

    name: Mapped[str] = mapped_column(String(200))
    name_normalised: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_digits: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)


class ClientRepresentative(BigIntAuditBase):
    """That a representative acts for a client: the relation ("bewindvoerder") and its validity. The person is
    loaded with the link (one JOIN), and the person's fields read through, so a link shows like a representative."""

    __tablename__ = "client_representatives"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("representatives.id", ondelete="RESTRICT"), index=True)
    relation: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)

    client: Mapped[Client] = relationship(back_populates="representatives", lazy="raise")
    representative: Mapped[Representative] = relationship(lazy="joined", innerjoin=True)

    @property
    def name(self) -> str:
        return self.representative.name

    @property
    def organisation(self) -> str:
        return self.representative.organisation

    @property
    def phone(self) -> str:
        return self.representative.phone

    @property
    def email(self) -> str:
        return self.representative.email

    def current_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)

"""A client (klant) and the professionals registered to act for them (vertegenwoordigers)."""

from __future__ import annotations

from datetime import date

from advanced_alchemy.base import BigIntAuditBase
from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casemgmt.clients.rules import MAX_ADDRESS


class Client(BigIntAuditBase):
    __tablename__ = "clients"
    __table_args__ = (Index("ix_clients_name_lower", "name_normalised"),)

    kind: Mapped[str] = mapped_column(String(20))  # "person" | "organisation"
    bsn: Mapped[str | None] = mapped_column(String(9), unique=True, default=None)
    kvk: Mapped[str | None] = mapped_column(String(8), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(200))
    name_normalised: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(MAX_ADDRESS), default="")
    pseudonym: Mapped[str] = mapped_column(String(20), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)

    representatives: Mapped[list[ClientRepresentative]] = relationship(
        back_populates="client", lazy="raise", order_by="ClientRepresentative.id"
    )


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

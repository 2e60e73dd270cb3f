"""client details (issue 12): the address in parts, birth date, preferred channel and time, a version, the history

- ``clients.address`` (one text) becomes ``street``, ``house_number``, ``house_number_addition``, ``postcode``
  (normalised ``2511AB``) and ``city``. Texts such as "Straat 12a, 2511 AB Den Haag" (the postcode line may be on a
  line of its own, postcode and city may be missing) are split; a text that does not read as an address goes whole
  into ``street`` (``VARCHAR(1000)``, the old column's length), so nothing is lost.
- Stored phone numbers that parse as valid numbers (``phonenumbers``, region NL) are normalised to E.164; the others
  are kept as typed.
- New: ``birth_date``, ``preferred_channel``, ``preferred_time``, ``version`` (1 for every existing client);
  indexes on ``phone`` and on ``postcode, house_number``; the table ``client_changes`` (the corrections' history).
- The downgrade writes the parts back into one ``address`` text ("Straat 12A, 2511 AB Den Haag"; phones stay in
  E.164). It refuses while the data holds what the old schema cannot (corrections in the history, birth dates,
  preferred channels or times) instead of dropping it.

The parsing below is this migration's own frozen copy of the rule of December 2026 (``clients/rules.py``), so the
migration gives the same result whatever the rules become later.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import re

import advanced_alchemy.types
import phonenumbers
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_WHITESPACE = re.compile(r"\s+")
_STREET_AND_NUMBER = re.compile(
    r"^(?P<street>.*?(?:[^\W\d_]|\.))\s+(?P<number>[1-9]\d{0,4})\s*(?:-\s*)?(?P<addition>[^\W_]{0,4})$"
)
_POSTCODE_AND_CITY = re.compile(r"^(?P<postcode>\d{4}\s?[A-Za-z]{2})(?:\s+(?P<city>.+))?$")
_POSTCODE = re.compile(r"^([1-9]\d{3})\s?([A-Za-z]{2})$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")


def _postcode(text: str) -> str | None:
    match = _POSTCODE.match(text.strip())
    if match is None or not match.group(0).isascii() or match.group(2).upper() in {"SA", "SD", "SS"}:
        return None
    return match.group(1) + match.group(2).upper()


def split_address(text: str) -> dict[str, object]:
    """The parts of an address typed as one text; what does not read as an address goes whole into ``street``."""
    raw = (text or "").strip()
    whole: dict[str, object] = {"street": raw, "house_number": None, "addition": "", "postcode": "", "city": ""}
    if not raw:
        return whole
    pieces = [piece.strip() for piece in re.split(r"[,\n]", raw) if piece.strip()]
    if not pieces or len(pieces) > 3:
        return whole
    first = _STREET_AND_NUMBER.match(_WHITESPACE.sub(" ", pieces[0]))
    if first is None or not first.group("street").strip():
        return whole
    street = first.group("street").strip()
    postcode = city = ""
    rest = [_WHITESPACE.sub(" ", piece) for piece in pieces[1:]]
    if rest:
        located = _POSTCODE_AND_CITY.match(rest[0])
        if located is not None:
            postcode = _postcode(located.group("postcode")) or ""
            if not postcode:
                return whole
            city = located.group("city") or ""
            rest = rest[1:]
        if len(rest) > 1 or (rest and city):
            return whole
        if rest:
            city = rest[0]
    if len(street) > 200 or len(city) > 100:
        return whole
    addition = first.group("addition").upper()
    return {"street": street, "house_number": int(first.group("number")), "addition": addition, "postcode": postcode,
            "city": city}  # fmt: skip


def normalise_phone(text: str) -> str:
    """E.164 when the stored number is a valid one (region NL), else the number as typed."""
    stripped = (text or "").strip()
    if not stripped or not _PHONE_LIKE.match(stripped):
        return text
    try:
        number = phonenumbers.parse(stripped, "NL")
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(number):
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def join_address(street: str, house_number: int | None, addition: str, postcode: str, city: str) -> str:
    """The parts as one text again (the downgrade)."""
    first = " ".join(part for part in (street or "", f"{house_number or ''}{addition or ''}") if part)
    code = f"{postcode[:4]} {postcode[4:]}" if postcode and len(postcode) == 6 else (postcode or "")
    second = " ".join(part for part in (code, city or "") if part)
    return ", ".join(part for part in (first, second) if part)


def _without_foreign_keys(sqlite: bool, on: bool) -> None:
    """SQLite rebuilds ``clients`` (batch mode): its referrers keep their references. ``foreign_keys=OFF`` works only
    before the transaction's first write, so the check is also deferred to the commit, when the rebuilt table holds
    every id again."""
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON" if on else "PRAGMA foreign_keys=OFF")
        if not on:
            op.execute("PRAGMA defer_foreign_keys=ON")


CLIENTS = sa.table(
    "clients",
    sa.column("id", sa.Integer),
    sa.column("address", sa.String),
    sa.column("phone", sa.String),
    sa.column("street", sa.String),
    sa.column("house_number", sa.Integer),
    sa.column("house_number_addition", sa.String),
    sa.column("postcode", sa.String),
    sa.column("city", sa.String),
)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    _without_foreign_keys(sqlite, on=False)
    # plain ALTER TABLE … ADD COLUMN on both databases: no table rebuild
    op.add_column("clients", sa.Column("street", sa.String(length=1000), nullable=False, server_default=""))
    op.add_column("clients", sa.Column("house_number", sa.Integer(), nullable=True))
    op.add_column(
        "clients", sa.Column("house_number_addition", sa.String(length=10), nullable=False, server_default="")
    )
    op.add_column("clients", sa.Column("postcode", sa.String(length=6), nullable=False, server_default=""))
    op.add_column("clients", sa.Column("city", sa.String(length=100), nullable=False, server_default=""))
    op.add_column("clients", sa.Column("birth_date", sa.Date(), nullable=True))
    op.add_column("clients", sa.Column("preferred_channel", sa.String(length=10), nullable=True))
    op.add_column("clients", sa.Column("preferred_time", sa.String(length=100), nullable=False, server_default=""))
    op.add_column("clients", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))

    rows = bind.execute(sa.select(CLIENTS.c.id, CLIENTS.c.address, CLIENTS.c.phone)).all()
    for client_id, address, phone in rows:
        parts = split_address(address or "")
        bind.execute(
            CLIENTS.update()
            .where(CLIENTS.c.id == client_id)
            .values(
                street=parts["street"],
                house_number=parts["house_number"],
                house_number_addition=parts["addition"],
                postcode=parts["postcode"],
                city=parts["city"],
                phone=normalise_phone(phone or ""),
            )
        )

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("address")
        for column in ("street", "house_number_addition", "postcode", "city", "preferred_time", "version"):
            batch_op.alter_column(column, server_default=None)
    _without_foreign_keys(sqlite, on=True)
    op.create_index("ix_clients_phone", "clients", ["phone"])
    op.create_index("ix_clients_postcode_house_number", "clients", ["postcode", "house_number"])
    op.create_table(
        "client_changes",
        sa.Column("id", _ID, nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_by_id", _ID, nullable=True),
        sa.Column("changed_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_changes_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_client_changes_changed_by_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_changes")),
    )
    op.create_index("ix_client_changes_client_version", "client_changes", ["client_id", "version"], unique=True)


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    _without_foreign_keys(sqlite, on=False)
    changes = bind.execute(sa.text("SELECT count(*) FROM client_changes")).scalar()
    details = bind.execute(
        sa.text(
            "SELECT count(*) FROM clients WHERE birth_date IS NOT NULL OR preferred_channel IS NOT NULL "
            "OR preferred_time <> ''"
        )
    ).scalar()
    if changes or details:
        raise RuntimeError(
            f"Er zijn {changes} wijzigingen in de klantgegevens vastgelegd en {details} klanten met een "
            "geboortedatum of voorkeurskanaal; die passen niet in het oude schema. Verwijder ze en migreer opnieuw."
        )
    op.drop_index("ix_client_changes_client_version", table_name="client_changes")
    op.drop_table("client_changes")
    op.drop_index("ix_clients_postcode_house_number", table_name="clients")
    op.drop_index("ix_clients_phone", table_name="clients")
    op.add_column("clients", sa.Column("address", sa.String(length=1000), nullable=False, server_default=""))
    rows = bind.execute(
        sa.select(
            CLIENTS.c.id,
            CLIENTS.c.street,
            CLIENTS.c.house_number,
            CLIENTS.c.house_number_addition,
            CLIENTS.c.postcode,
            CLIENTS.c.city,
        )
    ).all()
    for client_id, *parts in rows:
        bind.execute(CLIENTS.update().where(CLIENTS.c.id == client_id).values(address=join_address(*parts)))
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.alter_column("address", server_default=None)
        for column in (
            "version",
            "preferred_time",
            "preferred_channel",
            "birth_date",
            "city",
            "postcode",
            "house_number_addition",
            "house_number",
            "street",
        ):
            batch_op.drop_column(column)
    _without_foreign_keys(sqlite, on=True)

"""representatives become persons of their own (issue 12), linked to any number of clients; contacts made by one

- ``representatives`` now holds the person (name, organisation, phone, e-mail, ``name_normalised`` and
  ``phone_digits`` for the search); ``client_representatives`` links a person to a client with the relation and its
  validity (``client_id``, ``representative_id``, ``relation``, ``valid_from``, ``valid_until``, ``created_by_id``).
- Every stored row becomes one link, keeping its id (so ``id`` in the API stays the same number), its relation,
  validity, registrar and time stamps. Rows with exactly the same name, organisation and phone become one person
  (the lowest id, its registrar and time stamps); the person's e-mail is the first one given. A row whose e-mail
  differs from that one becomes a person of its own, so no e-mail address is lost.
- ``contacts.representative_id``: the representative who made the contact or took part in it (nullable).

On SQLite the tables are rebuilt with foreign-key enforcement off for the rebuild, as in 0009/0010. The downgrade
turns every link back into a row of its own and refuses (changing nothing) while a contact names a representative
or a person is linked to no client, since the old shape cannot hold either.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import re
from typing import Any

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHITESPACE = re.compile(r"\s+")
_LINK_COLUMNS = ("client_id", "relation", "valid_from", "valid_until")
_STAMPS = ("created_by_id", "created_at", "updated_at")


def _normalised(name: str) -> str:  # clients.rules.normalise_name, as it was when this migration was written
    return _WHITESPACE.sub(" ", name or "").strip().lower()


def _digits(phone: str) -> str:  # clients.rules.phone_digits, as it was when this migration was written
    text = (phone or "").strip()
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if text.startswith("+"):
        digits = "00" + digits
    if digits.startswith("0031"):
        national = digits[4:]
        return "0" + (national[1:] if national.startswith("0") else national)
    return digits


def _rows(sql: str) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in op.get_bind().execute(sa.text(sql))]


def _insert(table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    op.get_bind().execute(
        sa.text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"),  # noqa: S608
        rows,
    )


def _continue_ids(table: str) -> None:
    """PostgreSQL: the id sequence continues after the ids written explicitly."""
    if op.get_bind().dialect.name == "postgresql":
        sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"  # noqa: S608
        op.execute(sql)


def _foreign_keys(on: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _stamp_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("created_by_id", _ID, nullable=True),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
    ]


def _people(old: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The persons and the links for the stored rows (ordered by id)."""
    people: dict[int, dict[str, Any]] = {}
    first_of: dict[tuple[str, str, str], int] = {}  # name, organisation, phone → the person of the first such row
    by_email: dict[tuple[str, str, str, str], int] = {}  # the persons split off for another e-mail
    links = []
    for row in old:
        key = (row["name"], row["organisation"], row["phone"])
        person_id = first_of.get(key)
        if person_id is not None:
            email = people[person_id]["email"]
            if row["email"] and email and email != row["email"]:
                person_id = by_email.get((*key, row["email"]))
        if person_id is None:
            person_id = row["id"]
            people[person_id] = {
                "id": person_id,
                "name": row["name"],
                "name_normalised": _normalised(row["name"]),
                "organisation": row["organisation"],
                "phone": row["phone"],
                "phone_digits": _digits(row["phone"]),
                "email": row["email"],
                **{column: row[column] for column in _STAMPS},
            }
            if key in first_of:
                by_email[(*key, row["email"])] = person_id
            else:
                first_of[key] = person_id
        elif not people[person_id]["email"]:
            people[person_id]["email"] = row["email"]
        person = people[person_id]
        links.append(
            {
                "id": row["id"],
                "representative_id": person["id"],
                **{column: row[column] for column in (*_LINK_COLUMNS, *_STAMPS)},
            }
        )
    return list(people.values()), links


def upgrade() -> None:
    old = _rows(
        "SELECT id, client_id, name, organisation, phone, email, relation, valid_from, valid_until, created_by_id, "
        "created_at, updated_at FROM representatives ORDER BY id"
    )
    people, links = _people(old)
    _foreign_keys(False)
    with op.batch_alter_table("representatives", schema=None) as batch_op:
        batch_op.drop_index("ix_representatives_client_id")
    op.drop_table("representatives")
    op.create_table(
        "representatives",
        sa.Column("id", _ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_normalised", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("phone_digits", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        *_stamp_columns(),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_representatives_created_by_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_representatives")),
    )
    op.create_index("ix_representatives_name_normalised", "representatives", ["name_normalised"])
    op.create_index("ix_representatives_phone_digits", "representatives", ["phone_digits"])
    op.create_table(
        "client_representatives",
        sa.Column("id", _ID, nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("representative_id", _ID, nullable=False),
        sa.Column("relation", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        *_stamp_columns(),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_representatives_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["representative_id"],
            ["representatives.id"],
            name=op.f("fk_client_representatives_representative_id_representatives"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_client_representatives_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_representatives")),
    )
    op.create_index("ix_client_representatives_client_id", "client_representatives", ["client_id"])
    op.create_index("ix_client_representatives_representative_id", "client_representatives", ["representative_id"])
    _insert("representatives", people)
    _insert("client_representatives", links)
    _continue_ids("representatives")
    _continue_ids("client_representatives")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("representative_id", _ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_contacts_representative_id_representatives"),
            "representatives",
            ["representative_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_index(batch_op.f("ix_contacts_representative_id"), ["representative_id"], unique=False)
    _foreign_keys(True)


def downgrade() -> None:
    bind = op.get_bind()
    made_by = bind.execute(sa.text("SELECT count(*) FROM contacts WHERE representative_id IS NOT NULL")).scalar()
    if made_by:
        raise RuntimeError(
            f"Er zijn {made_by} contacten met een vertegenwoordiger; de oude opslag kan dat niet bewaren. Haal de "
            "vertegenwoordiger van die contacten af en migreer opnieuw."
        )
    unlinked = bind.execute(
        sa.text(
            "SELECT count(*) FROM representatives r WHERE NOT EXISTS "
            "(SELECT 1 FROM client_representatives l WHERE l.representative_id = r.id)"
        )
    ).scalar()
    if unlinked:
        raise RuntimeError(
            f"Er zijn {unlinked} vertegenwoordigers zonder klant; de oude opslag kan die niet bewaren. Koppel of "
            "verwijder ze en migreer opnieuw."
        )
    rows = _rows(
        "SELECT l.id, l.client_id, r.name, r.organisation, r.phone, r.email, l.relation, l.valid_from, l.valid_until, "
        "l.created_by_id, l.created_at, l.updated_at FROM client_representatives l "
        "JOIN representatives r ON r.id = l.representative_id ORDER BY l.id"
    )
    _foreign_keys(False)
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_representative_id"))
        batch_op.drop_constraint(batch_op.f("fk_contacts_representative_id_representatives"), type_="foreignkey")
        batch_op.drop_column("representative_id")
    op.drop_index("ix_client_representatives_representative_id", table_name="client_representatives")
    op.drop_index("ix_client_representatives_client_id", table_name="client_representatives")
    op.drop_table("client_representatives")
    op.drop_index("ix_representatives_phone_digits", table_name="representatives")
    op.drop_index("ix_representatives_name_normalised", table_name="representatives")
    op.drop_table("representatives")
    op.create_table(
        "representatives",
        sa.Column("id", _ID, nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("relation", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        *_stamp_columns(),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_representatives_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_representatives_created_by_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_representatives")),
    )
    op.create_index("ix_representatives_client_id", "representatives", ["client_id"])
    _insert("representatives", rows)
    _continue_ids("representatives")
    _foreign_keys(True)

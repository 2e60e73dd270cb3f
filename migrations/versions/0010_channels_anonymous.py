"""channels and anonymous contacts (issue 12): more channels, contacts without a client, external references

- ``contacts.channel`` accepts ``chat``, ``sms`` and ``social`` besides ``phone``, ``desk``, ``email``, ``web`` and
  ``letter``. The column (``VARCHAR(10)``) already holds every new value and no stored value changes meaning, so
  no data is mapped.
- ``contacts.client_id`` becomes nullable: an anonymous contact has no client. On SQLite the table is rebuilt
  (``batch_alter_table``) with foreign-key enforcement switched off for the rebuild, as in 0009. The downgrade
  refuses while anonymous contacts exist instead of deleting them.
- ``external_references``: references of other systems (letter, zaak or kenmerk numbers) on a record
  (``record_type`` "contact" now, "dossier" later), unique per record and indexed on the reference.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _client_nullable(nullable: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.alter_column("client_id", existing_type=_ID, nullable=nullable)
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    _client_nullable(True)
    op.create_table(
        "external_references",
        sa.Column("id", _ID, nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", _ID, nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_references")),
        sa.UniqueConstraint("record_type", "record_id", "ref", name="uq_external_references_record_ref"),
    )
    op.create_index("ix_external_references_ref", "external_references", ["ref"])


def downgrade() -> None:
    anonymous = op.get_bind().execute(sa.text("SELECT count(*) FROM contacts WHERE client_id IS NULL")).scalar()
    if anonymous:
        raise RuntimeError(
            f"Er zijn {anonymous} anonieme contacten; koppel ze aan een klant of verwijder ze en migreer opnieuw."
        )
    op.drop_index("ix_external_references_ref", table_name="external_references")
    op.drop_table("external_references")
    _client_nullable(False)

"""unidentified clients (issue 12): a client without BSN/KvK, identified later, merged into the client with its BSN

- ``clients.kind`` may now be ``unidentified`` (``VARCHAR(20)`` holds it; no stored value changes meaning, so no data
  is mapped). Such a client has neither ``bsn`` nor ``kvk``; both columns were already nullable.
- ``clients.merged_into_id``: an unidentified client whose records moved to the client with its BSN keeps its row
  and points at that client (history kept). The foreign key is ``NO ACTION`` (checked at the end of a statement, so a
  statement deleting both rows does not depend on their order; nothing deletes clients). Indexed; on SQLite the table is rebuilt (``batch_alter_table``) with
  foreign-key enforcement switched off for the rebuild, as in 0009 and 0010.
- The downgrade refuses while unidentified clients exist (the old code cannot show them) instead of deleting them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _rebuild(change: str) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        if change == "add":
            batch_op.add_column(sa.Column("merged_into_id", _ID, nullable=True))
            batch_op.create_foreign_key(
                op.f("fk_clients_merged_into_id_clients"), "clients", ["merged_into_id"], ["id"]
            )
            batch_op.create_index("ix_clients_merged_into_id", ["merged_into_id"], unique=False)
        else:
            batch_op.drop_index("ix_clients_merged_into_id")
            batch_op.drop_constraint(op.f("fk_clients_merged_into_id_clients"), type_="foreignkey")
            batch_op.drop_column("merged_into_id")
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    _rebuild("add")


def downgrade() -> None:
    unidentified = op.get_bind().execute(sa.text("SELECT count(*) FROM clients WHERE kind = 'unidentified'")).scalar()
    if unidentified:
        raise RuntimeError(
            f"Er zijn {unidentified} niet-geïdentificeerde klanten; identificeer ze of verwijder ze en migreer opnieuw."
        )
    _rebuild("drop")

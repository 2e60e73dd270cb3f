"""team promises (issue 13): a commitment owned by a service, picking up, rescheduling with history

- ``commitments.owner_id`` becomes nullable and ``commitments.owner_service_id`` (a service, the team) is added;
  exactly one of the two is set (CHECK ``ck_commitments_one_owner``). Every stored commitment keeps its person as
  owner, so the constraint holds for all existing rows.
- ``commitments.first_due_at``: the due moment first promised, filled from ``due_at`` for every stored row
  (nothing was ever rescheduled before this revision, the API could not).
- ``commitment_owner_changes``: ``from_owner_id`` and ``to_owner_id`` become nullable and ``from_service_id`` and
  ``to_service_id`` are added, so a pick-up (team → person) and a hand-over to a team are recorded. Stored changes
  are person → person and stay as they are.
- ``commitment_due_changes``: every rescheduling with the due moment before and after, who, when and why.

On SQLite the tables are rebuilt (``batch_alter_table``) with foreign-key enforcement off for the rebuild, as in
0009 and 0010. The downgrade refuses while team promises, owner changes involving a team or reschedulings exist,
instead of deleting them.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_MOMENT = advanced_alchemy.types.DateTimeUTC(timezone=True)
ONE_OWNER = "(owner_id IS NOT NULL AND owner_service_id IS NULL) OR (owner_id IS NULL AND owner_service_id IS NOT NULL)"


def _foreign_keys(on: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade() -> None:
    _foreign_keys(False)
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_service_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("first_due_at", _MOMENT, nullable=True))
    op.execute("UPDATE commitments SET first_due_at = due_at")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.alter_column("owner_id", existing_type=_ID, nullable=True)
        batch_op.alter_column("first_due_at", existing_type=_MOMENT, nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_commitments_owner_service_id_services"),
            "services",
            ["owner_service_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_check_constraint(batch_op.f("ck_commitments_one_owner"), ONE_OWNER)
        batch_op.create_index(
            "ix_commitments_owner_service_status_due", ["owner_service_id", "status", "due_at"], unique=False
        )
    with op.batch_alter_table("commitment_owner_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_service_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("to_service_id", _ID, nullable=True))
        batch_op.alter_column("from_owner_id", existing_type=_ID, nullable=True)
        batch_op.alter_column("to_owner_id", existing_type=_ID, nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_commitment_owner_changes_from_service_id_services"),
            "services",
            ["from_service_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_commitment_owner_changes_to_service_id_services"),
            "services",
            ["to_service_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    _foreign_keys(True)
    op.create_table(
        "commitment_due_changes",
        sa.Column("id", _ID, nullable=False),
        sa.Column("commitment_id", _ID, nullable=False),
        sa.Column("from_due_at", _MOMENT, nullable=False),
        sa.Column("to_due_at", _MOMENT, nullable=False),
        sa.Column("changed_by_id", _ID, nullable=False),
        sa.Column("changed_at", _MOMENT, nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", _MOMENT, nullable=False),
        sa.Column("updated_at", _MOMENT, nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_commitment_due_changes_changed_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_due_changes_commitment_id_commitments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_due_changes")),
    )
    op.create_index(
        op.f("ix_commitment_due_changes_commitment_id"), "commitment_due_changes", ["commitment_id"], unique=False
    )


def _refuse_if(sql: str, what: str) -> None:
    count = op.get_bind().execute(sa.text(sql)).scalar()
    if count:
        raise RuntimeError(f"Er zijn {count} {what}; die zouden verloren gaan. Los ze eerst op en migreer opnieuw.")


def downgrade() -> None:
    _refuse_if("SELECT count(*) FROM commitments WHERE owner_id IS NULL", "toezeggingen van een team")
    _refuse_if(
        "SELECT count(*) FROM commitment_owner_changes WHERE from_owner_id IS NULL OR to_owner_id IS NULL",
        "eigenaarswisselingen met een team",
    )
    _refuse_if("SELECT count(*) FROM commitment_due_changes", "verzette toezeggingen")
    op.drop_index(op.f("ix_commitment_due_changes_commitment_id"), table_name="commitment_due_changes")
    op.drop_table("commitment_due_changes")
    _foreign_keys(False)
    with op.batch_alter_table("commitment_owner_changes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_commitment_owner_changes_to_service_id_services"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_commitment_owner_changes_from_service_id_services"), type_="foreignkey")
        batch_op.alter_column("to_owner_id", existing_type=_ID, nullable=False)
        batch_op.alter_column("from_owner_id", existing_type=_ID, nullable=False)
        batch_op.drop_column("to_service_id")
        batch_op.drop_column("from_service_id")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index("ix_commitments_owner_service_status_due")
        batch_op.drop_constraint(batch_op.f("ck_commitments_one_owner"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_commitments_owner_service_id_services"), type_="foreignkey")
        batch_op.alter_column("owner_id", existing_type=_ID, nullable=False)
        batch_op.drop_column("first_due_at")
        batch_op.drop_column("owner_service_id")
    _foreign_keys(True)

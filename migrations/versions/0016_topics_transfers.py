"""topics, departments and transfer attempts (issue 13)

- ``topics``: the managed list of topics (onderwerpen) per service, loaded by ``casemgmt topics load``; a topic is
  deactivated, never deleted.
- ``departments``: the departments (afdelingen) under each service, with phone and hours, loaded by
  ``casemgmt departments load``.
- ``contacts.topic_id``: the topic of a contact, nullable: every existing contact keeps all it had and gets no
  topic (the rule asks a topic only of inbound contacts logged from now on). On SQLite the table is rebuilt
  (``batch_alter_table``) with foreign-key enforcement switched off for the rebuild, as in 0009 and 0010.
- ``contact_transfers``: each transfer attempt during a contact (service, department, connected or not). The
  existing count ``contacts.transfers`` stays as it is: older contacts keep their count without attempts.

The downgrade drops the three tables and the column; it refuses while transfer attempts or topics on contacts exist
rather than lose them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
    ]


def _rebuild_contacts(add: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        if add:
            batch_op.add_column(sa.Column("topic_id", _ID, nullable=True))
            batch_op.create_foreign_key(
                batch_op.f("fk_contacts_topic_id_topics"), "topics", ["topic_id"], ["id"], ondelete="RESTRICT"
            )
            batch_op.create_index(batch_op.f("ix_contacts_topic_id"), ["topic_id"], unique=False)
        else:
            batch_op.drop_index(batch_op.f("ix_contacts_topic_id"))
            batch_op.drop_constraint(batch_op.f("fk_contacts_topic_id_topics"), type_="foreignkey")
            batch_op.drop_column("topic_id")
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    op.create_table(
        "topics",
        sa.Column("id", _ID, nullable=False),
        sa.Column("service_id", _ID, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_topics_service_id_services"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("code", name=op.f("uq_topics_code")),
    )
    op.create_index(op.f("ix_topics_service_id"), "topics", ["service_id"], unique=False)
    op.create_table(
        "departments",
        sa.Column("id", _ID, nullable=False),
        sa.Column("service_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("hours", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_departments_service_id_services"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("service_id", "name", name="uq_departments_service_name"),
    )
    op.create_table(
        "contact_transfers",
        sa.Column("id", _ID, nullable=False),
        sa.Column("contact_id", _ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("service_id", _ID, nullable=False),
        sa.Column("department_id", _ID, nullable=True),
        sa.Column("connected", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_transfers_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_contact_transfers_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_contact_transfers_service_id_services"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_transfers")),
        sa.UniqueConstraint("contact_id", "position", name="uq_contact_transfers_contact_position"),
    )
    _rebuild_contacts(add=True)


def downgrade() -> None:
    bind = op.get_bind()
    attempts = bind.execute(sa.text("SELECT count(*) FROM contact_transfers")).scalar()
    with_topic = bind.execute(sa.text("SELECT count(*) FROM contacts WHERE topic_id IS NOT NULL")).scalar()
    if attempts or with_topic:
        raise RuntimeError(
            f"Er zijn {attempts} doorverbindpogingen en {with_topic} contacten met een onderwerp vastgelegd; "
            "die gaan verloren bij deze downgrade. Exporteer ze eerst en verwijder ze, en migreer dan opnieuw."
        )
    _rebuild_contacts(add=False)
    op.drop_table("contact_transfers")
    op.drop_table("departments")
    op.drop_index(op.f("ix_topics_service_id"), table_name="topics")
    op.drop_table("topics")

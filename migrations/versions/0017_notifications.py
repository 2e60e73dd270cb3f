"""notifications, notification preferences and service coordinators (issue 14)

- ``notifications``: one event for one employee (kind, the object it is about, its dossier's reference and due
  moment, a Dutch text without personal data of citizens, read or not); ``key`` is unique and set for the
  time-based notifications only (person, kind, object, day), so the sweep writes each once.
- ``notification_preferences``: an employee's delivery per kind (``app``, ``email``, ``digest``, ``off``), unique per
  (user, kind); no row means the kind's default.
- ``service_coordinators``: the coordinators of a service (service, user).

The downgrade drops the three tables (notifications are reminders, not records: nothing of the casework is lost).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.BigInteger(), nullable=False),
        sa.Column("dossier_id", _ID, nullable=True),
        sa.Column("dossier_ref", sa.String(length=40), nullable=True),
        sa.Column("due_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("read_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("key", sa.String(length=200), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_notifications_dossier_id_dossiers"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("key", name=op.f("uq_notifications_key")),
    )
    op.create_index(
        "ix_notifications_user_read_created", "notifications", ["user_id", "read_at", "created_at"], unique=False
    )
    op.create_index("ix_notifications_object", "notifications", ["object_type", "object_id"], unique=False)
    op.create_table(
        "notification_preferences",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("delivery", sa.String(length=10), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_preferences_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
        sa.UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),
    )
    op.create_table(
        "service_coordinators",
        sa.Column("service_id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_service_coordinators_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_service_coordinators_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("service_id", "user_id", name=op.f("pk_service_coordinators")),
    )


def downgrade() -> None:
    op.drop_table("service_coordinators")
    op.drop_table("notification_preferences")
    op.drop_index("ix_notifications_object", table_name="notifications")
    op.drop_index("ix_notifications_user_read_created", table_name="notifications")
    op.drop_table("notifications")

"""who an employee is at the municipality's OpenID provider (issue 17)

- ``users.oidc_issuer`` and ``users.oidc_subject``: the ID token's ``iss`` and ``sub``, set at the employee's first
  sign-in through OpenID Connect; unique together (``uq_users_oidc_subject``; rows without them do not collide).

New nullable columns only: the downgrade drops them (and with them the link to the provider).

Revision ID: 0023
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("oidc_issuer", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch_op.create_index("uq_users_oidc_subject", ["oidc_issuer", "oidc_subject"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("uq_users_oidc_subject")
        batch_op.drop_column("oidc_subject")
        batch_op.drop_column("oidc_issuer")

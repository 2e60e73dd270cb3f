"""who an employee is at the municipality's OpenID provider (issue 17)

- ``users.oidc_issuer`` and ``users.oidc_subject``: the ID token's ``iss`` and ``sub``, set at the employee's first
  sign-in through OpenID Connect; unique together (``uq_users_oidc_subject``; rows without them do not collide).

New nullable columns only: the downgrade drops them (and with them the link to the provider).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("oidc_issuer", sa.String(length=255), nullable=True))
    op.add_column("users", sa.Column("oidc_subject", sa.String(length=255), nullable=True))
    op.create_index("uq_users_oidc_subject", "users", ["oidc_issuer", "oidc_subject"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_users_oidc_subject", table_name="users")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite (3.35+) drops a column in place; batch mode would rebuild ``users``, which every audit event, dossier
        # and commitment refers to
        op.execute("ALTER TABLE users DROP COLUMN oidc_subject")
        op.execute("ALTER TABLE users DROP COLUMN oidc_issuer")
    else:
        op.drop_column("users", "oidc_subject")
        op.drop_column("users", "oidc_issuer")

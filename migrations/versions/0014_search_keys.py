"""search keys (issue 12): clients' names in their searched, folded forms

- ``clients.name_folded``: the name in lower case without diacritics ("Öztürk" → "ozturk"), and
  ``clients.family_name_folded``: the folded family name without its particles ("Michael de Graaf" → "graaf"),
  both computed by ``clients.rules`` for every existing client (in batches), and indexed for a prefix search
  (``varchar_pattern_ops`` on PostgreSQL, so ``LIKE 'prefix%'`` uses the index whatever the collation).
- The downgrade drops the two derived columns only; nothing else is lost (the name stays).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BATCH = 1000
# clients.rules.fold and family_name_key as of this revision (a migration does not follow later changes of the code)
_NOT_DECOMPOSED = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
_PARTICLES = frozenset(
    "van de der den het 't te ten ter in op aan bij uit onder voor over von vom zu la le les du d' des del della "
    "di da dos das do".split()
)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def fold(value: str) -> str:
    text = value or ""
    for _ in range(2):  # casefold after decomposing ("𝕊" → "S" → "s"), then decompose what casefold made
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = text.translate(_NOT_DECOMPOSED)
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


def family_name_key(name: str) -> str:
    words = fold(name).split(" ")
    for index in range(1, len(words)):
        if words[index] in _PARTICLES:
            rest = words[index:]
            while rest and rest[0] in _PARTICLES:
                rest = rest[1:]
            if rest:
                return " ".join(rest)
    return words[-1] if words else ""


_INDEXES = {"ix_clients_name_folded": "name_folded", "ix_clients_family_name_folded": "family_name_folded"}


def upgrade() -> None:
    # ADD COLUMN with a default needs no rebuild of the table on SQLite (a rebuild would cascade to its children)
    op.add_column("clients", sa.Column("name_folded", sa.String(length=200), server_default="", nullable=False))
    op.add_column("clients", sa.Column("family_name_folded", sa.String(length=200), server_default="", nullable=False))
    bind = op.get_bind()
    clients = sa.table(
        "clients",
        sa.column("id", sa.BigInteger),
        sa.column("name"),
        sa.column("name_folded"),
        sa.column("family_name_folded"),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(clients.c.id, clients.c.name).where(clients.c.id > last).order_by(clients.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            clients.update()
            .where(clients.c.id == sa.bindparam("client_id"))
            .values(name_folded=sa.bindparam("folded"), family_name_folded=sa.bindparam("family")),
            [{"client_id": id_, "folded": fold(name), "family": family_name_key(name)} for id_, name in rows],
        )
        last = rows[-1][0]
    for name, column in _INDEXES.items():
        op.create_index(name, "clients", [column], postgresql_ops={column: "varchar_pattern_ops"})


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="clients")
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:  # the table is rebuilt there: without foreign keys, so no child row is cascaded away (as in 0010)
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("family_name_folded")
        batch_op.drop_column("name_folded")
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")

"""Merging an unidentified client into the client with its BSN: every record that names the client moves.

The records are the concepts above clients (contacts, dossiers, commitments, escalations, representatives, and
whatever a later concept adds), so the move lives in the read model and is handed to the client service as a
function (``ClientService(move_records=...)``), as the involvement lookup is. The tables are found through the
metadata's foreign keys to ``clients.id``: a new table that refers to a client moves with the others without a
change here. ``clients.merged_into_id`` itself is the mark, not a record, and stays. External references and
survey links hang on contacts and dossiers, so they follow their record. One UPDATE per table, in the request's
transaction; the audit events are the client service's.
"""

from __future__ import annotations

from sqlalchemy import Column, Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.clients.models import Client

NOT_MOVED = frozenset({("clients", "merged_into_id")})
"""Columns referring to a client that do not move in a merge (the merge's own mark)."""


def client_references() -> list[tuple[Table, Column[int]]]:
    """Every (table, column) with a foreign key to ``clients.id``, in the metadata's dependency order."""
    found: list[tuple[Table, Column[int]]] = []
    target = Client.__table__.c.id
    for table in Client.metadata.sorted_tables:
        for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
            if fk.column is target and (table.name, fk.parent.name) not in NOT_MOVED:
                found.append((table, fk.parent))
    return found


async def move_client_records(session: AsyncSession, from_id: int, to_id: int) -> dict[str, int]:
    """Point every record of client ``from_id`` at ``to_id``; the number of rows moved per ``table.column``."""
    moved: dict[str, int] = {}
    for table, column in client_references():
        result = await session.execute(update(table).where(column == from_id).values({column.name: to_id}))
        moved[f"{table.name}.{column.name}"] = result.rowcount  # type: ignore[attr-defined]
    return moved

"""The one bulk writer of synthetic data: rows per table with ids assigned here, sequences synced, ANALYZE at the end.

Both the generator and the demo municipality plan their rows as dicts and hand them over table by table. Primary
keys come from :meth:`BulkWriter.ids` (continuing after the highest id already in each table), so children reference
parents without round trips. Rows go to the database in batches (PostgreSQL: ``COPY`` through asyncpg; SQLite:
executemany of a Core ``INSERT``); assignment rows go through ``casemgmt.dossiers.involvement.insert_assignments``,
the only writer of that table. :meth:`BulkWriter.finish` moves PostgreSQL's id sequences past the new ids and runs
ANALYZE. Use it on a database nobody else is writing to at the same time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import FromClause, Table, insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.db import refresh_planner_statistics
from casemgmt.dossiers.involvement import insert_assignments
from casemgmt.dossiers.models import DossierAssignment


def stamp(moment: datetime) -> dict[str, datetime]:
    """The audit columns of a row written at ``moment``."""
    return {"created_at": moment, "updated_at": moment}


WITHOUT_ID = frozenset({"user_services", "survey_reasons", "pilot_services"})
"""Association tables: no id column, no sequence."""


class BulkWriter:
    """Writes rows (dicts) to one table at a time: COPY on PostgreSQL, executemany of a Core INSERT elsewhere.

    Columns a row does not name get their scalar default (or NULL); ``created_at``/``updated_at`` must be given."""

    CHUNK = 5_000

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.postgres = session.bind.dialect.name == "postgresql"
        self.written: dict[str, int] = defaultdict(int)
        self.next_id: dict[str, int] = {}

    async def start(self, tables: Iterable[str]) -> None:
        """Continue the ids of ``tables`` after their highest id (call before planning rows with :meth:`ids`)."""
        for table in tables:
            highest = await self.session.scalar(text(f"SELECT MAX(id) FROM {table}"))  # noqa: S608 (our own tables)
            self.next_id[table] = int(highest or 0) + 1

    def ids(self, table: str, n: int) -> range:
        """``n`` fresh primary keys of ``table``."""
        first = self.next_id[table]
        self.next_id[table] = first + n
        return range(first, first + n)

    def next(self, table: str) -> int:
        """One fresh primary key of ``table``."""
        return self.ids(table, 1)[0]

    @staticmethod
    def _defaults(table: Table) -> dict[str, Any]:
        defaults: dict[str, Any] = {}
        for column in table.columns:
            default = column.default
            arg = getattr(default, "arg", None) if default is not None else None
            defaults[column.name] = arg if default is not None and default.is_scalar else None
        return defaults

    def _complete(self, table: Table, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Every row with every column: the row's value, else the column's scalar default, else NULL."""
        defaults = self._defaults(table)
        return [{name: row.get(name, default) for name, default in defaults.items()} for row in rows]

    async def write(self, table: FromClause, rows: Sequence[dict[str, Any]]) -> None:
        table = cast(Table, table)  # a model's __table__
        if not rows:
            return
        if table is DossierAssignment.__table__:
            await insert_assignments(self.session, self._complete(table, rows))
        elif self.postgres:
            connection = await self.session.connection()
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            defaults = self._defaults(table)
            for start in range(0, len(rows), self.CHUNK * 10):
                records = [
                    tuple(row.get(name, default) for name, default in defaults.items())
                    for row in rows[start : start + self.CHUNK * 10]
                ]
                await driver.copy_records_to_table(table.name, records=records, columns=list(defaults))
        else:
            for start in range(0, len(rows), self.CHUNK):
                await self.session.execute(insert(table), self._complete(table, rows[start : start + self.CHUNK]))
        self.written[table.name] += len(rows)

    async def write_all(self, tables: Iterable[tuple[FromClause, Sequence[dict[str, Any]]]]) -> None:
        """Several tables in the given order (parents before children)."""
        for table, rows in tables:
            await self.write(table, rows)

    async def finish(self) -> None:
        """Move PostgreSQL's id sequences past the written ids, then refresh the planner statistics."""
        if self.postgres:
            for name in self.written:
                if name in WITHOUT_ID:
                    continue
                await self.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 (our own table names)
                        f"COALESCE((SELECT MAX(id) FROM {name}), 1), (SELECT MAX(id) FROM {name}) IS NOT NULL)"
                    )
                )
        await refresh_planner_statistics(self.session)

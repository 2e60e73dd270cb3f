"""Per-test isolation for the one app of a test session: bring the database back to "empty tables, reference
services (with their topics and departments) loaded, every id sequence fresh", touching only what the previous test
changed.

The suite's app writes through several connections at once (the request's session, the session store, the test's own
``db()`` sessions, the CLI on a thread with its own engine, uvicorn in a thread), so wrapping a test in one rolled-
back transaction would change what the app does. Instead, before each test one round trip asks which tables hold rows
(and, on PostgreSQL, which id sequences moved); only those tables are emptied, in foreign-key order, and only those
sequences restarted. The reference services, topics and departments stay in place while their rows (and their id
sequences) still match the snapshot taken when they were loaded; otherwise all three are emptied and loaded again.

On SQLite ids restart by themselves: the tables have no ``AUTOINCREMENT``, so an emptied table numbers from 1.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

import casemgmt.models  # noqa: F401 (every table in the metadata)
from casemgmt.db import metadata
from casemgmt.directory.catalogue import load_departments, load_topics
from casemgmt.directory.models import Department, Service, ServiceHours, Topic
from casemgmt.directory.reference import load_reference_services

REFERENCE_TABLE = Service.__tablename__
REFERENCE_TABLES = (Service.__tablename__, ServiceHours.__tablename__, Topic.__tablename__, Department.__tablename__)
"""The services and the managed lists under them: loaded together, emptied together."""


class Isolation:
    """Resets one database between tests; holds the reference snapshot taken after the last reload."""

    def __init__(self) -> None:
        # Children before parents, as DELETE needs them.
        self.tables = [table.name for table in reversed(metadata.sorted_tables)]
        self.reference_rows: list[tuple[Any, ...]] | None = None
        self.clean_sequences: dict[str, Any] | None = None
        self.reference_sequences: list[str] | None = None

    async def reset(self, engine: AsyncEngine) -> list[str]:
        """Reset the database; returns the tables that were emptied (for tests of this class and for curiosity)."""
        async with engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            if postgres and self.reference_sequences is None:
                self.reference_sequences = [
                    await conn.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table})
                    for table in REFERENCE_TABLES
                ]
            dirty = set(await self._tables_with_rows(conn))
            moved: list[str] = []
            if postgres:
                moved = self._moved(await self._sequences(conn))
                if set(self.reference_sequences or ()) & set(moved):
                    dirty.add(REFERENCE_TABLE)
            if REFERENCE_TABLE not in dirty and (
                self.reference_rows is None or await self._reference_rows(conn) != self.reference_rows
            ):
                dirty.add(REFERENCE_TABLE)
            if REFERENCE_TABLE in dirty:
                dirty.update(REFERENCE_TABLES)
            emptied = [table for table in self.tables if table in dirty]
            if postgres and emptied:
                # The append-only audit log refuses DELETE and TRUNCATE by trigger; a test database's owner may set
                # triggers aside for this one transaction. (DELETE on a few rows costs well under a millisecond,
                # TRUNCATE ~20 ms a table.)
                await conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in emptied:
                await conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (names from our own metadata)
            if not postgres and "knowledge_articles" in emptied:
                await conn.execute(text("DELETE FROM knowledge_search"))  # the FTS5 index, outside the metadata
            if postgres:
                if REFERENCE_TABLE in dirty:
                    moved += [name for name in self.reference_sequences or () if name not in moved]
                if moved:
                    restarts = ", ".join(f"setval('{name}', 1, false)" for name in moved)
                    await conn.execute(text(f"SELECT {restarts}"))
            if REFERENCE_TABLE in dirty:
                session = AsyncSession(bind=conn, expire_on_commit=False)
                await load_reference_services(session)
                await load_topics(session)
                await load_departments(session)
                await session.close()
                self.reference_rows = await self._reference_rows(conn)
                self.clean_sequences = None
            if postgres and self.clean_sequences is None:
                self.clean_sequences = await self._sequences(conn)
        return emptied

    async def _tables_with_rows(self, conn: AsyncConnection) -> list[str]:
        query = " UNION ALL ".join(
            f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {table})"  # noqa: S608 (names from our own metadata)
            for table in self.tables
            if table not in REFERENCE_TABLES
        )
        return list((await conn.scalars(text(query))).all())

    async def _reference_rows(self, conn: AsyncConnection) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for table in REFERENCE_TABLES:
            result = await conn.execute(text(f"SELECT '{table}', * FROM {table} ORDER BY id"))  # noqa: S608
            rows += [tuple(row) for row in result]
        return rows

    @staticmethod
    async def _sequences(conn: AsyncConnection) -> dict[str, Any]:
        rows = await conn.execute(
            text(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value FROM pg_sequences "
                "WHERE schemaname = current_schema()"
            )
        )
        return dict(rows.tuples().all())

    def _moved(self, sequences: dict[str, Any]) -> list[str]:
        """Sequences not where the last reset left them (all of them before the first reset)."""
        clean = self.clean_sequences
        if clean is None:
            return [name for name, value in sequences.items() if value is not None]
        return [name for name, value in sequences.items() if clean.get(name) != value]

"""Migrations: upgrade → downgrade → upgrade on the configured database, and no drift between models and migrations."""

from __future__ import annotations

import anyio
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import casemgmt.models  # noqa: F401
from casemgmt.db import compare_type, create_engine, downgrade, include_object, metadata, upgrade
from casemgmt.settings import Mode, Settings
from tests.conftest import reset_schema


@pytest.fixture
def scratch_settings(settings: Settings, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    """A database of its own, so the round trip does not disturb the suite's database."""
    if settings.is_sqlite:
        return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'm.sqlite3'}", mode=Mode.TEST, secret_key="x")
    base, _, name = settings.database_url.rpartition("/")
    scratch_name = f"{name}_migrations"
    scratch = Settings(database_url=f"{base}/{scratch_name}", mode=Mode.TEST, secret_key="x")

    async def create() -> None:
        engine = create_engine(settings, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            # FORCE: a connection an earlier migration test left to the garbage collector must not fail this one
            await conn.execute(text(f"DROP DATABASE IF EXISTS {scratch_name} WITH (FORCE)"))
            await conn.execute(text(f"CREATE DATABASE {scratch_name}"))
        await engine.dispose()

    anyio.run(create)
    return scratch


def table_names(settings: Settings) -> set[str]:
    async def names() -> set[str]:
        engine = create_engine(settings)
        async with engine.connect() as conn:
            found = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        await engine.dispose()
        return found

    return anyio.run(names)


def drift(settings: Settings) -> list[object]:
    async def diff() -> list[object]:
        engine = create_engine(settings)
        async with engine.connect() as conn:

            def compare(sync_conn):  # type: ignore[no-untyped-def]
                context = MigrationContext.configure(
                    sync_conn, opts={"compare_type": compare_type, "include_object": include_object}
                )
                return compare_metadata(context, metadata)

            result = await conn.run_sync(compare)
        await engine.dispose()
        return result

    return anyio.run(diff)


def test_upgrade_downgrade_upgrade_leaves_no_drift(scratch_settings: Settings) -> None:
    reset_schema(scratch_settings)
    upgrade(scratch_settings)
    assert set(metadata.tables) <= table_names(scratch_settings)
    downgrade(scratch_settings, "base")
    assert table_names(scratch_settings) <= {"alembic_version"}
    upgrade(scratch_settings)
    assert drift(scratch_settings) == []


def test_audit_events_are_append_only_in_postgresql(scratch_settings: Settings) -> None:
    if scratch_settings.is_sqlite:
        pytest.skip("the database trigger exists on PostgreSQL; the ORM guard is tested in tests/auth")
    reset_schema(scratch_settings)
    upgrade(scratch_settings)

    async def tamper() -> None:
        engine = create_engine(scratch_settings)
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO audit_events (occurred_at, actor_role, action, object_type, object_id, purpose, "
                    "request_id, detail) VALUES (now(), 'admin', 'read', 'client', '1', 'test', '', '')"
                )
            )
        with pytest.raises(Exception, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE audit_events SET action = 'x'"))
        with pytest.raises(Exception, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(text("DELETE FROM audit_events"))
        with pytest.raises(Exception, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(text("TRUNCATE audit_events"))
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT count(*) FROM audit_events")) == 1
        await engine.dispose()

    anyio.run(tamper)


# -- 0009: text limits -------------------------------------------------------------------------------------------

BEFORE_LIMITS = "0008"
WITH_ADDRESS_TEXT = "0010"
"""The last revision with ``clients.address`` as one text (0011 splits it into parts)."""
BEFORE_PERSONS = "0010"
"""The last revision with one representatives row per client (0013 makes them persons of their own)."""


def _run(settings: Settings, statements: list[tuple[str, dict[str, object]]]) -> list[object]:
    async def run() -> list[object]:
        engine = create_engine(settings)
        results = []
        async with engine.begin() as conn:
            for statement, values in statements:
                result = await conn.execute(text(statement), values)
                results.append(result.all() if result.returns_rows else None)
        await engine.dispose()
        return results

    return anyio.run(run)


CLIENT = (
    "INSERT INTO clients (kind, name, name_normalised, phone, email, address, pseudonym, created_at, updated_at) "
    "VALUES ('person', 'Jan', 'jan', '', '', :address, :pseudonym, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
REPRESENTATIVE = (
    "INSERT INTO representatives (client_id, name, organisation, phone, email, relation, valid_from, created_at, "
    "updated_at) SELECT id, 'Rita', 'Wijkteam', '', '', 'Jurist', CURRENT_DATE, CURRENT_TIMESTAMP, "
    "CURRENT_TIMESTAMP FROM clients"
)
REFERENCES = "SELECT r.name, c.address FROM representatives r JOIN clients c ON c.id = r.client_id"


def test_text_limits_keep_the_rows_and_their_references(scratch_settings: Settings) -> None:
    """Both ways, the rebuilt tables keep their rows and the rows that refer to them (SQLite rebuilds the table)."""
    reset_schema(scratch_settings)
    upgrade(scratch_settings, WITH_ADDRESS_TEXT)
    _run(scratch_settings, [(CLIENT, {"address": "Spui 70", "pseudonym": "K-1"}), (REPRESENTATIVE, {})])
    downgrade(scratch_settings, BEFORE_LIMITS)
    assert _run(scratch_settings, [(REFERENCES, {})]) == [[("Rita", "Spui 70")]]
    upgrade(scratch_settings, WITH_ADDRESS_TEXT)
    assert _run(scratch_settings, [(REFERENCES, {})]) == [[("Rita", "Spui 70")]]


def test_text_limits_refuse_to_cut_stored_texts(scratch_settings: Settings) -> None:
    reset_schema(scratch_settings)
    upgrade(scratch_settings, BEFORE_LIMITS)
    _run(scratch_settings, [(CLIENT, {"address": "x" * 1001, "pseudonym": "K-1"})])
    with pytest.raises(RuntimeError, match=r"clients\.address: 1 rij\(en\) langer dan 1000 tekens"):
        upgrade(scratch_settings)
    assert _run(scratch_settings, [("SELECT length(address) FROM clients", {})]) == [[(1001,)]]


def test_postgresql_enforces_the_text_limits(scratch_settings: Settings) -> None:
    if scratch_settings.is_sqlite:
        pytest.skip("SQLite ignores VARCHAR lengths; the rules enforce them on both databases")
    reset_schema(scratch_settings)
    upgrade(scratch_settings, WITH_ADDRESS_TEXT)
    _run(scratch_settings, [(CLIENT, {"address": "x" * 1000, "pseudonym": "K-1"})])
    with pytest.raises(Exception, match="too long"):
        _run(scratch_settings, [(CLIENT, {"address": "x" * 1001, "pseudonym": "K-2"})])

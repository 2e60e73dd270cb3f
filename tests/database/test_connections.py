"""Pooled connections: pinged only after they sat idle, and a dead one is replaced without failing the request."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DisconnectionError

from casemgmt import db as database
from casemgmt.db import PING_AFTER_IDLE_SECONDS, create_engine, ping_if_idle
from casemgmt.settings import Settings


class Connection:
    def __init__(self, alive: bool = True) -> None:
        self.alive = alive
        self.pings = 0

    def ping(self) -> None:
        self.pings += 1
        if not self.alive:
            raise OSError("connection reset by peer")


class Record:
    def __init__(self, idle_for: float | None) -> None:
        self.info = {} if idle_for is None else {"idle_since": time.monotonic() - idle_for}


def test_a_connection_back_in_the_pool_a_moment_ago_is_handed_out_without_a_ping() -> None:
    connection = Connection()
    ping_if_idle(connection, Record(idle_for=0.5))  # type: ignore[arg-type]
    assert connection.pings == 0


@pytest.mark.parametrize("idle_for", [PING_AFTER_IDLE_SECONDS + 1, None])
def test_a_connection_idle_for_long_or_of_unknown_age_is_pinged(idle_for: float | None) -> None:
    connection = Connection()
    ping_if_idle(connection, Record(idle_for=idle_for))  # type: ignore[arg-type]
    assert connection.pings == 1


def test_a_dead_connection_is_a_disconnection_the_pool_replaces() -> None:
    with pytest.raises(DisconnectionError):
        ping_if_idle(Connection(alive=False), Record(idle_for=PING_AFTER_IDLE_SECONDS + 1))  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_a_connection_the_server_closed_while_idle_is_replaced_transparently(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(migrated, pool_size=1, max_overflow=0)
    try:
        if migrated.is_sqlite:  # a file, not a server: nothing to ping, no listener
            assert not event.contains(engine.sync_engine, "checkout", ping_if_idle)
            async with engine.connect() as conn:
                assert await conn.scalar(text("SELECT 1")) == 1
            return
        async with engine.connect() as conn:
            first_pid = await conn.scalar(text("SELECT pg_backend_pid()"))
        async with engine.connect() as conn:  # back a moment ago: the same connection, not pinged
            assert await conn.scalar(text("SELECT pg_backend_pid()")) == first_pid
        killer = create_engine(migrated)
        async with killer.connect() as conn:
            assert await conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid})
        await killer.dispose()
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if it sat idle for long
        async with engine.connect() as conn:
            second_pid = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert second_pid != first_pid
    finally:
        await engine.dispose()

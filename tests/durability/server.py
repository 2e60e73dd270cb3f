"""A casemgmt server as a real process on a PostgreSQL database of its own, for the durability tests.

The database is created from scratch (migrations, reference services, topics and departments, a small world of
employees with API tokens, clients and dossiers) next to the test session's database; the server is ``casemgmt run
--workers 2`` in production mode, started in a process group of its own so that ``kill()`` can SIGKILL the
supervisor and every worker at once, as a crashed machine would leave it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from casemgmt.auth.passwords import Passwords
from casemgmt.auth.services import Accounts
from casemgmt.db import create_engine
from casemgmt.directory.catalogue import load_departments, load_topics
from casemgmt.directory.reference import load_reference_services
from casemgmt.settings import Mode, Settings
from tests.factories import create_client, create_dossier
from tests.worlds.commands import CASEMGMT

START_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class World:
    """Who writes and what they write on: bearer headers per persona, client ids, and dossiers with their client."""

    kcc: dict[str, str]
    casemanager: dict[str, str]
    casemanager_id: int
    accountmanager_id: int
    client_ids: list[int]
    dossiers: list[tuple[int, int]]  # (dossier id, client id)


def own_database_url(session_url: str, suffix: str) -> str:
    base, _, name = session_url.rpartition("/")
    return f"{base}/{name}_{suffix}"


async def recreate_database(url: str) -> None:
    """Drop and create the database named by ``url`` (connected through the server's ``postgres`` database)."""
    base, _, name = url.rpartition("/")
    admin = create_engine(
        Settings(database_url=f"{base}/postgres", mode=Mode.TEST, secret_key="x"), isolation_level="AUTOCOMMIT"
    )
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()


async def drop_database(url: str) -> None:
    base, _, name = url.rpartition("/")
    admin = create_engine(
        Settings(database_url=f"{base}/postgres", mode=Mode.TEST, secret_key="x"), isolation_level="AUTOCOMMIT"
    )
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def arrange_world(engine: AsyncEngine, clients: int = 20, dossiers: int = 10) -> World:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        await load_reference_services(session)
        await load_topics(session)  # an inbound contact names its topic
        await load_departments(session)
        accounts = Accounts(session, Passwords(cheap=True))
        people = {}
        for key, roles, services in (
            ("kcc", ["kcc_agent"], ["KCC"]),
            ("casemanager", ["casemanager"], []),
            ("accountmanager", ["accountmanager"], ["SZW"]),
        ):
            people[key] = await accounts.create_user(
                email=f"{key}@durability.casemgmt.nl",
                name=f"Duurzaam {key}",
                roles=roles,
                service_codes=services,
                phone="070 123 4567",
                password="een-lang-wachtwoord",
                is_active=True,
            )
        tokens = {key: await accounts.create_token(user.email, "durability") for key, user in people.items()}
        client_rows = [await create_client(session, f"Duurzame klant {n}") for n in range(clients)]
        dossier_rows = [
            await create_dossier(
                session,
                client_rows[n],
                people["casemanager"].id,
                {"SZW": people["accountmanager"].id},
                subject=f"Uitgangsdossier {n}",
            )
            for n in range(dossiers)
        ]
        return World(
            kcc={"Authorization": f"Bearer {tokens['kcc']}"},
            casemanager={"Authorization": f"Bearer {tokens['casemanager']}"},
            casemanager_id=people["casemanager"].id,
            accountmanager_id=people["accountmanager"].id,
            client_ids=[c.id for c in client_rows],
            dossiers=[(d.id, d.client_id) for d in dossier_rows],
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``casemgmt run`` on ``database_url``; ``start()``, ``kill()`` (SIGKILL to the whole process group), again."""

    def __init__(self, database_url: str, log_path: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log_path = log_path
        self.env = {
            **os.environ,
            "CASEMGMT_DATABASE_URL": database_url,
            "CASEMGMT_MODE": "production",
            "CASEMGMT_SECRET_KEY": "durability-" + "k" * 32,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> float:
        """Start the server and wait until ``/health`` answers; returns the seconds that took."""
        began = time.monotonic()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [CASEMGMT, "run", "--port", str(self.port), "--workers", str(self.workers)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() reaches every worker
            )
        deadline = began + START_TIMEOUT_SECONDS
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return time.monotonic() - began
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"casemgmt run did not start:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL the supervisor and all its workers at once (no shutdown, no flush, no goodbye)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

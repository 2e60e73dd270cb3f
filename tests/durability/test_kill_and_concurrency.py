"""Durability: nothing acknowledged is lost when the server is killed, and concurrent edits never overwrite each other.

Real server processes (``casemgmt run --workers 2``, production mode) on a PostgreSQL database of their own. SQLite
is the embedded single-machine database of the demo; these tests are about the production set-up and are skipped
there. Run them with ``CASEMGMT_TEST_DATABASE_URL=postgresql+asyncpg://…`` (CI does); add ``-s`` to see the figures.

1. 500 contacts (half on a dossier, half without) and 25 dossier openings are sent at once; when 150 answers have come
   back the whole server (supervisor and workers) gets SIGKILL. After a restart every write that was answered 2xx must
   be in the database, and nothing is half-written: every contact and dossier has its audit event (and a dossier its
   assignments), every audit event its record.
2. 200 clients each read one dossier and PATCH it with the version they read: each is applied (200) or refused (409);
   the final version is the start plus the number applied, and no two applied updates were based on the same version
   (which would be a lost update).
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from casemgmt.audit.models import AuditEvent
from casemgmt.contacts.models import Contact
from casemgmt.db import create_engine, upgrade
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.settings import Mode, Settings
from tests.durability.server import (
    Server,
    World,
    arrange_world,
    drop_database,
    own_database_url,
    recreate_database,
)

pytestmark = pytest.mark.anyio

CONTACT_WRITES = 500
DOSSIER_WRITES = 25
KILL_AFTER_ANSWERS = 150
CONCURRENT_PATCHES = 200
MARK = "duurzaamheid"


@dataclass
class Stack:
    server: Server
    engine: AsyncEngine
    world: World


@pytest.fixture
async def stack(settings: Settings, tmp_path) -> AsyncIterator[Stack]:  # type: ignore[no-untyped-def]
    if settings.is_sqlite:
        pytest.skip(
            "durability tests kill real server processes on PostgreSQL (production set-up); "
            "set CASEMGMT_TEST_DATABASE_URL=postgresql+asyncpg://… to run them"
        )
    url = own_database_url(settings.database_url, "durability")
    await recreate_database(url)
    own = Settings(database_url=url, mode=Mode.TEST, secret_key="durability")
    await asyncio.to_thread(upgrade, own)
    engine = create_engine(own, poolclass=NullPool)
    world = await arrange_world(engine)
    server = Server(url, tmp_path / "server.log")
    try:
        server.start()
        yield Stack(server, engine, world)
    finally:
        server.stop()
        await engine.dispose()
        if not os.environ.get("CASEMGMT_KEEP_DURABILITY_DB"):
            await drop_database(url)


def contact_body(world: World, n: int) -> dict[str, object]:
    on_dossier = n % 2 == 0
    dossier_id, client_id = world.dossiers[n % len(world.dossiers)]
    return {
        "client_id": client_id if on_dossier else world.client_ids[n % len(world.client_ids)],
        "dossier_id": dossier_id if on_dossier else None,
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "callback_promised" if n % 3 == 0 else "resolved",
        "transfers": n % 3,
        "topic": "bijstand",
        "summary": f"{MARK} contact {n}: de klant belt over de parkeervergunning",
        "subject": "Parkeervergunning",
        "commitment": {"description": "We bellen u terug over de vergunning"} if n % 3 == 0 else None,
    }


def dossier_body(world: World, n: int) -> dict[str, object]:
    return {
        "client_id": world.client_ids[n % len(world.client_ids)],
        "subject": f"{MARK} dossier {n}",
        "casemanager_id": world.casemanager_id,
        "assignments": [{"service": "SZW", "accountmanager_id": world.accountmanager_id}],
    }


async def test_no_acknowledged_write_is_lost_when_the_server_is_killed(stack: Stack) -> None:
    world, server = stack.world, stack.server
    acknowledged: dict[str, dict[int, dict[str, object]]] = {"contact": {}, "dossier": {}}
    statuses: Counter[str] = Counter()
    answers = 0
    kill_now = asyncio.Event()

    async def write(http: httpx.AsyncClient, kind: str, n: int) -> None:
        nonlocal answers
        path, body, headers = (
            ("/api/v1/contacts", contact_body(world, n), world.kcc)
            if kind == "contact"
            else ("/api/v1/dossiers", dossier_body(world, n), world.casemanager)
        )
        try:
            response = await http.post(path, json=body, headers=headers)
        except httpx.HTTPError:
            statuses["no answer"] += 1
            return
        statuses[str(response.status_code)] += 1
        if response.is_success:
            acknowledged[kind][n] = response.json()
        answers += 1
        if answers >= KILL_AFTER_ANSWERS:
            kill_now.set()

    async def killer() -> None:
        await kill_now.wait()
        await asyncio.to_thread(server.kill)

    limits = httpx.Limits(max_connections=CONTACT_WRITES + DOSSIER_WRITES, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as http:
        kill_task = asyncio.create_task(killer())
        await asyncio.gather(
            *(write(http, "contact", n) for n in range(CONTACT_WRITES)),
            *(write(http, "dossier", n) for n in range(DOSSIER_WRITES)),
        )
        kill_now.set()  # in case everything answered before the threshold (then the kill proves nothing: fail below)
        await kill_task
    assert statuses["no answer"] > 0, f"the kill came after every write had been answered: {statuses}"
    assert set(statuses) <= {"201", "no answer"}, f"writes refused before the kill: {statuses}"

    restart_seconds = server.start()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        after = await http.post("/api/v1/contacts", json=contact_body(world, CONTACT_WRITES), headers=world.kcc)
    assert after.status_code == 201, after.text  # the restarted server takes writes again

    async with stack.engine.connect() as conn:
        contacts = {
            row.id: row.summary
            for row in await conn.execute(select(Contact.id, Contact.summary).where(Contact.summary.like(f"{MARK}%")))
        }
        dossiers = {
            row.id: row.subject
            for row in await conn.execute(select(Dossier.id, Dossier.subject).where(Dossier.subject.like(f"{MARK}%")))
        }
        created = Counter(
            (row.object_type, row.object_id)
            for row in await conn.execute(
                select(AuditEvent.object_type, AuditEvent.object_id).where(
                    AuditEvent.action == "create", AuditEvent.object_type.in_(["contact", "dossier"])
                )
            )
        )
        assigned = Counter(
            (row.dossier_id, row.role)
            for row in await conn.execute(
                select(DossierAssignment.dossier_id, DossierAssignment.role).where(
                    DossierAssignment.dossier_id.in_(list(dossiers) or [0])
                )
            )
        )

    lost = {
        kind: sorted(n for n, body in acknowledged[kind].items() if body["id"] not in (contacts, dossiers)[i])
        for i, kind in enumerate(("contact", "dossier"))
    }
    changed = [n for n, body in acknowledged["contact"].items() if contacts.get(body["id"]) != body["summary"]]
    contacts_without_audit = sorted(cid for cid in contacts if created[("contact", str(cid))] != 1)
    dossiers_without_audit = sorted(did for did in dossiers if created[("dossier", str(did))] != 1)
    dossiers_without_assignments = sorted(
        did for did in dossiers if assigned[(did, "casemanager")] != 1 or assigned[(did, "accountmanager")] != 1
    )
    records = {"contact": set(contacts) | {after.json()["id"]}, "dossier": set(dossiers)}
    audit_without_record = sorted(key for key in created if int(key[1]) not in records[key[0]])
    contacts.pop(after.json()["id"], None)

    sent = CONTACT_WRITES + DOSSIER_WRITES
    acked = len(acknowledged["contact"]) + len(acknowledged["dossier"])
    found = len(contacts) + len(dossiers)
    print(
        f"\ndurability (kill -9 after {KILL_AFTER_ANSWERS} answers, 2 workers): writes sent {sent} "
        f"({CONTACT_WRITES} contacts, {DOSSIER_WRITES} dossiers); answered {dict(statuses)}; acknowledged {acked}; "
        f"found {found} (committed but unanswered {found - acked + len(lost['contact']) + len(lost['dossier'])}); "
        f"lost {len(lost['contact']) + len(lost['dossier'])}; half-written {len(contacts_without_audit)} contacts, "
        f"{len(dossiers_without_audit) + len(dossiers_without_assignments)} dossiers; "
        f"restart {restart_seconds:.1f} s"
    )
    assert acked >= KILL_AFTER_ANSWERS
    assert lost == {"contact": [], "dossier": []}
    assert changed == []
    assert contacts_without_audit == []
    assert dossiers_without_audit == []
    assert dossiers_without_assignments == []
    assert audit_without_record == []


async def test_concurrent_updates_of_one_dossier_are_applied_or_refused_never_lost(stack: Stack) -> None:
    world, server = stack.world, stack.server
    dossier_id = world.dossiers[0][0]
    async with stack.engine.connect() as conn:
        start = await conn.scalar(select(Dossier.version).where(Dossier.id == dossier_id))
    assert start is not None
    applied: dict[int, tuple[int, str]] = {}  # attempt → (version it read, subject it set)
    statuses: Counter[int] = Counter()

    async def update(http: httpx.AsyncClient, n: int) -> None:
        read = await http.get(f"/api/v1/dossiers/{dossier_id}", headers=world.casemanager)
        assert read.status_code == 200, read.text
        version = read.json()["version"]
        subject = f"Onderwerp na poging {n}"
        response = await http.patch(
            f"/api/v1/dossiers/{dossier_id}", json={"version": version, "subject": subject}, headers=world.casemanager
        )
        statuses[response.status_code] += 1
        if response.status_code == 200:
            assert response.json()["version"] == version + 1
            applied[n] = (version, subject)

    # A fresh connection per request: on a busy machine the client may take longer than the server's keep-alive (5 s)
    # between reading and patching, and a PATCH sent on a connection the server has just closed never arrives
    # (seen in CI: 19 of 200 lost that way, none refused or failed by the server).
    limits = httpx.Limits(max_connections=CONCURRENT_PATCHES, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as http:
        await asyncio.gather(*(update(http, n) for n in range(CONCURRENT_PATCHES)))

    async with stack.engine.connect() as conn:
        final_version, final_subject = (
            await conn.execute(select(Dossier.version, Dossier.subject).where(Dossier.id == dossier_id))
        ).one()
        update_events = await conn.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "update", AuditEvent.object_type == "dossier")
            .where(AuditEvent.object_id == str(dossier_id))
        )
    read_versions = Counter(version for version, _ in applied.values())
    lost_updates = sum(count - 1 for count in read_versions.values()) + (len(applied) - (final_version - start))
    print(
        f"\nconcurrent updates: {CONCURRENT_PATCHES} PATCHes of one dossier; applied {statuses[200]}, "
        f"409 {statuses[409]}, other {sum(c for s, c in statuses.items() if s not in (200, 409))}; "
        f"version {start} → {final_version}; lost updates {lost_updates}"
    )
    assert set(statuses) <= {200, 409}, statuses
    assert statuses[200] >= 1
    assert final_version == start + len(applied)
    assert sorted(read_versions) == list(range(start, final_version))  # each applied update built on the one before
    assert update_events == len(applied)
    last = max(applied.values())
    assert final_subject == last[1]
    assert lost_updates == 0

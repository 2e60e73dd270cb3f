"""What one casework read costs in statements (issue 18): the bearer token and the employee's identity in one query,
the dossier API in seven statements, the dossier page in at most 23 (its forms' choices only when a form is
opened), a timeline page in one statement that finds the page plus one per kind of record on it, and a revoked token
or a deactivated employee refused on the very next request (the one query is not a cache)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, update

from casemgmt.auth.models import ApiToken, User
from casemgmt.clients.models import Client
from casemgmt.commitments.models import Commitment
from tests.factories import create_contact
from tests.worlds.casework import Casework, login_as
from tests.worlds.every_kind import add_every_kind, tied_moments

pytestmark = pytest.mark.anyio


async def statements_of(app, client, url: str, headers: dict[str, str]) -> list[str]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = await client.get(url, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.text
    return statements


async def test_the_token_and_the_identity_are_one_query(app, client, world: Casework) -> None:
    statements = await statements_of(app, client, "/api/v1/me", world.tokens["cm"])
    assert len(statements) == 1
    assert "api_tokens" in statements[0] and "user_roles" in statements[0]


async def test_the_dossier_api_reads_in_seven_statements(app, client, world: Casework) -> None:
    """token+identity, dossier, assignments, external references, figures (dossier aggregates, handoffs), audit."""
    statements = await statements_of(app, client, f"/api/v1/dossiers/{world.dossier_id}", world.tokens["cm"])
    assert len(statements) <= 7, statements
    assert sum(1 for s in statements if s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS")) == 1


def timeline_statements(statements: list[str]) -> list[str]:
    """The timeline's part of a request: from the statement that finds the page (the one UNION ALL) to the audit
    INSERT."""
    (first,) = (i for i, s in enumerate(statements) if "UNION ALL" in s.upper())
    return [s for s in statements[first:] if not s.lstrip().upper().startswith("INSERT")]


async def test_a_timeline_page_of_contacts_and_commitments_is_three_statements(
    app, client, db, world: Casework
) -> None:
    """The page is found by one statement, then its contacts and its commitments are read; the six other kinds cost
    nothing. 6 statements in all: token+identity, the reader's access to the dossier, the timeline's 3, audit
    (13 before: a query for each of the eight kinds; 8 while the whole dossier was loaded for its access)."""
    w = world
    soon = datetime.now(UTC) + timedelta(hours=1)  # newer than the world's assignments, which stay off the page
    async with db() as s, s.begin():
        person = await s.get(Client, w.client_id)
        assert person is not None
        for i in range(4):
            moment = soon + timedelta(minutes=i)
            await create_contact(s, person, w.kcc.id, dossier_id=w.dossier_id, occurred_at=moment)
            s.add(
                Commitment(
                    client_id=w.client_id, dossier_id=w.dossier_id, kind="callback", description="Terugbellen",
                    owner_id=w.cm.id, made_by_id=w.kcc.id, made_at=moment, due_at=moment + timedelta(days=2),
                )
            )  # fmt: skip
    url = f"/api/v1/dossiers/{w.dossier_id}/timeline?limit=8"
    statements = await statements_of(app, client, url, w.tokens["cm"])
    timeline = timeline_statements(statements)
    assert len(timeline) == 3, timeline
    assert sorted(s.split(",")[0] for s in timeline[1:]) == ["SELECT commitments.id", "SELECT contacts.id"]
    assert len(statements) == 6, statements


async def test_a_timeline_page_of_every_kind_is_six_statements(app, client, db, world: Casework) -> None:
    """Every kind on the page: one statement finds it, then one per record (contacts, assignments, commitments,
    handoffs, escalations; a record's two moments share it). The client timeline likewise: contacts, dossiers,
    commitments, escalations."""
    w = world
    await add_every_kind(db, w, tied_moments(4))
    url = f"/api/v1/dossiers/{w.dossier_id}/timeline?limit=100"
    assert len(timeline_statements(await statements_of(app, client, url, w.tokens["cm"]))) == 6
    url = f"/api/v1/clients/{w.client_id}/timeline?limit=100"
    assert len(timeline_statements(await statements_of(app, client, url, w.tokens["cm"]))) == 5


async def test_a_revoked_token_is_refused_on_the_next_request(client, db, world: Casework) -> None:
    headers = world.tokens["cm"]
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    async with db() as s, s.begin():
        await s.execute(update(ApiToken).values(revoked_at=datetime.now(UTC)))
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401


async def test_a_deactivated_employee_is_refused_on_the_next_request(client, db, world: Casework) -> None:
    headers = world.tokens["cm"]
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    async with db() as s, s.begin():
        await s.execute(update(User).where(User.id == world.cm.id).values(is_active=False))
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_the_dossier_page_reads_in_23_statements(app, client, world: Casework) -> None:
    """session, identity, unread notifications, dossier, assignments, external references, timeline, promises,
    figures, pilot, representatives, audit: the same whatever the size of the timeline, and none for the choices
    of the action forms (they load when opened, issue 18; 34 statements when every form was rendered)."""
    await login_as(client, world.cm)
    statements = await statements_of(app, client, f"/dossiers/{world.dossier_id}", {})
    assert len(statements) <= 23, statements

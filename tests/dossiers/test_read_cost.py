"""What one casework read costs in statements (issue 18): the bearer token and the employee's identity in one query,
the dossier API in seven statements, the dossier page in 23 (its forms' choices only when a form is opened), and a
revoked token or a deactivated employee refused on the very next request (the one query is not a cache)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, update

from casemgmt.auth.models import ApiToken, User
from tests.worlds.casework import Casework, login_as

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

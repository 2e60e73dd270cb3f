"""``GET /api/v1/dossiers/export`` (streamed) and ``POST /api/v1/dossiers/import``: admins only, 422 on bad input."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.dossiers.models import Dossier
from tests.exchange.conftest import (
    AS_OF,
    add_every_kind_of_record,
    export_lines,
    jsonl,
    make_staff,
    reset,
    valid_line,
    written_counts,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
async def admin_headers(db, make_user, make_token) -> dict[str, str]:
    async with db() as session, session.begin():
        await reset(session)
    return await make_token(await make_user("admin"))


async def test_export_streams_the_same_lines_as_the_cli(client, db, admin_headers) -> None:
    from casemgmt.synthetic.generator import generate

    async with db() as session, session.begin():
        await generate(session, "small", seed=4, as_of=AS_OF, pilot_dossiers=10)
        await add_every_kind_of_record(session)
    async with db() as session:
        expected = await export_lines(session)
    response = await client.get("/api/v1/dossiers/export", headers=admin_headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.decode().split("\n") == [*expected, ""]

    pilot = await client.get(
        "/api/v1/dossiers/export", params={"pilot": "multiservice-szw-ocw-dso"}, headers=admin_headers
    )
    lines = [json.loads(line) for line in pilot.content.decode().split("\n") if line]
    assert len(lines) == 11  # ten generated pilot dossiers and the hand-made one
    exported_clients = {json.dumps(line["client"], sort_keys=True) for line in lines}
    async with db() as session:
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "export"))).all()
    whole = [e for e in events if "alle dossiers" in e.detail]
    of_pilot = [e for e in events if "pilot multiservice-szw-ocw-dso" in e.detail]
    assert len(whole) + len(of_pilot) == len(events) and len({e.request_id for e in events}) == 2
    # one event per client whose dossiers left the system: "who saw client X?" finds the export
    assert len(of_pilot) == len(exported_clients) == len({e.client_pseudonym for e in of_pilot})
    assert all(e.client_pseudonym for e in events)
    assert of_pilot[0].detail.endswith(f"klanten={len(exported_clients)}")


async def test_export_refuses_unknown_pilot_and_backwards_period(client, admin_headers) -> None:
    unknown = await client.get("/api/v1/dossiers/export", params={"pilot": "nee"}, headers=admin_headers)
    assert unknown.status_code == 422
    backwards = await client.get(
        "/api/v1/dossiers/export", params={"from": "2026-05-01", "to": "2026-04-01"}, headers=admin_headers
    )
    assert backwards.status_code == 422


@pytest.mark.parametrize("content_type", ["application/x-ndjson", "text/plain"])
async def test_import_creates_users_and_reports(client, db, make_user, make_token, content_type) -> None:
    async with db() as session, session.begin():
        await reset(session)
        await add_every_kind_of_record(session)
        lines = await export_lines(session)
        await reset(session)
    headers = {**await make_token(await make_user("admin")), "Content-Type": content_type}
    response = await client.post(
        "/api/v1/dossiers/import",
        params={"create_users": "true"},
        content=("\n".join(lines) + "\n").encode(),
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["imported"] == 2 and body["errors"] == []
    assert "renée.ĳzerman@gemeente.example" in body["users_created"]
    async with db() as session:
        assert await export_lines(session) == lines
        imported = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "import"))).all()
        assert len(imported) == 1


async def test_import_422_lists_every_error_and_writes_nothing(client, db, admin_headers) -> None:
    async with db() as session, session.begin():
        await make_staff(session)
        before = await written_counts(session)
    bad = valid_line("D-2026-08002", "111222333")
    bad["contacts"][0]["service"] = "GEEN"
    body = jsonl(valid_line(), bad, "{kapot")
    response = await client.post(
        "/api/v1/dossiers/import", content=body, headers={**admin_headers, "Content-Type": "application/x-ndjson"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["line"], e["path"]) for e in errors] == [(2, "contacts[0].service"), (3, None)]
    assert all(isinstance(e["message"], str) and e["message"] for e in errors)
    async with db() as session:
        assert await written_counts(session) == before
        assert (await session.scalars(select(Dossier.ref))).all() == []


@pytest.mark.parametrize("role", ["casemanager", "accountmanager", "kcc_agent", "evaluator"])
async def test_only_admins(client, db, make_user, make_token, role) -> None:
    async with db() as session, session.begin():
        await make_staff(session)
    person = await make_user(role, services=["SZW"] if role == "accountmanager" else ["KCC"])
    headers = await make_token(person)
    export = await client.get("/api/v1/dossiers/export", headers=headers)
    assert export.status_code == 403
    imported = await client.post(
        "/api/v1/dossiers/import", content=jsonl(valid_line()), headers={**headers, "Content-Type": "text/plain"}
    )
    assert imported.status_code == 403
    async with db() as session:
        assert (await session.scalars(select(Dossier.ref))).all() == []


async def test_anonymous_gets_401(client) -> None:
    assert (await client.get("/api/v1/dossiers/export")).status_code == 401
    response = await client.post(
        "/api/v1/dossiers/import", content=jsonl(valid_line()), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 401

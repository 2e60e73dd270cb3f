"""``GET /api/v1/audit``: admins read and filter the audit log; nobody else; no route changes it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.audit.queries import MESSAGE_PERIOD_REVERSED
from tests.audit.test_logboek_page import record

pytestmark = pytest.mark.anyio

FIELDS = {
    "id",
    "occurred_at",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "client_pseudonym",
    "purpose",
    "request_id",
}


async def test_admin_lists_events_newest_first(client, make_user, make_token, db) -> None:
    admin = await make_user("admin")
    kim = await make_user("kcc_agent", services=["KCC"], name="Kim Klant")
    older, newer = await record(
        db,
        kim,
        {
            "object_type": "client",
            "object_id": "3",
            "client_pseudonym": "K-AAAAAAAAAA",
            "purpose": "klantcontact",
            "at": datetime(2026, 2, 1, 9, 0, tzinfo=UTC),
        },
        {
            "object_type": "routing",
            "object_id": "3",
            "client_pseudonym": "K-AAAAAAAAAA",
            "purpose": "klantcontact",
            "at": datetime(2026, 2, 1, 9, 1, tzinfo=UTC),
        },
    )
    response = await client.get("/api/v1/audit", headers=await make_token(admin))
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body] == [newer, older]
    assert set(body[0]) == FIELDS
    assert body[1] == {
        "id": older,
        "occurred_at": "2026-02-01T09:00:00+00:00",
        "actor_id": kim.id,
        "actor_name": "Kim Klant",
        "actor_role": "kcc_agent",
        "action": "read",
        "object_type": "client",
        "object_id": "3",
        "client_pseudonym": "K-AAAAAAAAAA",
        "purpose": "klantcontact",
        "request_id": "req-test",
    }


async def test_filters_limit_and_after_id(client, make_user, make_token, db) -> None:
    admin = await make_user("admin")
    headers = await make_token(admin)
    kim = await make_user("kcc_agent", services=["KCC"])
    cas = await make_user("casemanager")
    [k1, k2] = await record(
        db,
        kim,
        {
            "object_type": "client",
            "object_id": "1",
            "client_pseudonym": "K-ONE0000001",
            "at": datetime(2026, 3, 1, 12, tzinfo=UTC),
        },
        {
            "object_type": "dossier",
            "object_id": "9",
            "client_pseudonym": "K-ONE0000001",
            "at": datetime(2026, 3, 5, 12, tzinfo=UTC),
        },
    )
    [c1] = await record(
        db, cas, {"object_type": "dossier", "object_id": "9", "at": datetime(2026, 3, 9, 12, tzinfo=UTC)}
    )

    async def ids(query: str) -> list[int]:
        response = await client.get(f"/api/v1/audit?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [row["id"] for row in response.json() if row["object_type"] != "audit_log"]

    assert await ids(f"actor_id={kim.id}") == [k2, k1]
    assert await ids(f"actor_id={cas.id}") == [c1]
    assert await ids("object_type=dossier&object_id=9") == [c1, k2]
    assert await ids("object_type=client") == [k1]
    assert await ids("pseudonym=K-ONE0000001") == [k2, k1]
    assert await ids("from=2026-03-02&to=2026-03-05") == [k2]
    assert await ids("to=2026-03-01") == [k1]
    assert await ids("object_type=dossier&limit=1") == [c1]
    assert await ids(f"object_type=dossier&after_id={c1}") == [k2]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-05-02&to=2026-05-01", "to"),
        ("from=gisteren", "from"),
        ("actor_id=abc", "actor_id"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("after_id=-4", "after_id"),
    ],
)
async def test_bad_filters_answer_422_with_the_field(client, make_user, make_token, db, query, field) -> None:
    admin = await make_user("admin")
    response = await client.get(f"/api/v1/audit?{query}", headers=await make_token(admin))
    assert response.status_code == 422
    extra = response.json()["extra"]
    assert [e["field"] for e in extra] == [field]
    if field == "to":
        assert extra[0]["message"] == MESSAGE_PERIOD_REVERSED
    async with db() as session:  # nothing was read, so nothing recorded
        assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 0


async def test_reading_through_the_api_is_recorded(client, make_user, make_token, db) -> None:
    admin = await make_user("admin")
    response = await client.get(
        "/api/v1/audit?object_type=dossier", headers={**await make_token(admin), "X-Request-ID": "api-read-1"}
    )
    assert response.status_code == 200
    async with db() as session:
        event = (await session.scalars(select(AuditEvent))).one()
    assert (event.action, event.object_type, event.purpose) == ("read", "audit_log", "beheer")
    assert (event.actor_id, event.request_id) == (admin.id, "api-read-1")


@pytest.mark.parametrize("role", ["kcc_agent", "casemanager", "accountmanager", "evaluator"])
async def test_other_roles_get_403(client, make_user, make_token, role) -> None:
    person = await make_user(role, services={"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}.get(role))
    response = await client.get("/api/v1/audit", headers=await make_token(person))
    assert response.status_code == 403
    assert response.json()["status_code"] == 403


async def test_anonymous_gets_401(client) -> None:
    assert (await client.get("/api/v1/audit")).status_code == 401


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
async def test_audit_events_cannot_be_changed_over_http(client, make_user, make_token, db, method) -> None:
    admin = await make_user("admin")
    [event_id] = await record(db, admin, {"object_id": "1"})
    headers = await make_token(admin)
    for path in ("/api/v1/audit", f"/api/v1/audit/{event_id}"):
        response = await client.request(method, path, headers=headers, json={"purpose": "x"})
        assert response.status_code in (404, 405)
    async with db() as session:
        assert (await session.get(AuditEvent, event_id)).purpose == "beheer"

"""Beheer > Uitgaande mail and ``GET /api/v1/outbox``: admins only (403 for others, 404 for a mail that does not
exist), newest first with status, recipient and subject; one mail with its attempts, its text part and its HTML
part escaped (never rendered); every read audited; the navigation item for admins only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.mail.outbox import enqueue, send_pending
from casemgmt.mail.transport import SmtpTransport
from tests.worlds.personas import login
from tests.worlds.smtp import SmtpServer

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 12, 7, 7, 45, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def arrange(db, make_user):  # type: ignore[no-untyped-def]
    admin = await make_user("admin", email="admin@test.casemgmt.nl")
    carla = await make_user("casemanager", email="carla@test.casemgmt.nl", name="Carla Casemanager")
    async with db() as session, session.begin():
        for n, (key, subject) in enumerate([("digest:2:2026-12-04", "Oudste"), ("digest:2:2026-12-07", "Nieuwste")]):
            await enqueue(
                session,
                user_id=carla.id,
                to_address=carla.email,
                key=key,
                subject=subject,
                text_body=f"Te laat (1):\n- Terugbelafspraak – D-2026-0000{n + 1}\n",
                html_body=f"<p>Te laat</p>{HOSTILE}",
                now=NOW,
            )
    return admin, carla


async def audit_events(db, object_type: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    async with db() as session:
        return list((await session.scalars(select(AuditEvent).where(AuditEvent.object_type == object_type))).all())


async def test_admins_read_the_outbox_newest_first(client, db, make_user) -> None:
    admin, _carla = await arrange(db, make_user)
    assert (await login(client, admin.email)).status_code == 303
    page = await client.get("/beheer/uitgaande-mail")
    assert page.status_code == 200
    html = page.text
    assert html.index("Nieuwste") < html.index("Oudste")
    assert "carla@test.casemgmt.nl" in html and "Wacht op verzending" in html
    assert "Niet verzonden: geen SMTP ingesteld" in html
    assert 'href="/beheer"' in html  # the navigation item Beheer, whose card leads here (issue 17)
    assert 'href="/beheer/uitgaande-mail"' in (await client.get("/beheer")).text
    assert [e.action for e in await audit_events(db, "outbox")] == ["read"]
    filtered = await client.get("/beheer/uitgaande-mail?status=sent")
    assert filtered.status_code == 200 and "Nieuwste" not in filtered.text and "met deze status" in filtered.text
    bad = await client.get("/beheer/uitgaande-mail?status=weg")
    assert bad.status_code == 422 and "Kies een van" in bad.text


async def test_one_mail_shows_both_parts_escaped_and_its_attempts(client, db, make_user) -> None:
    admin, _carla = await arrange(db, make_user)
    server = SmtpServer()  # an address where nothing listens: the attempt fails
    await send_pending(db, NOW, transport=SmtpTransport(server.settings, timeout=5), mail_from="cm <cm@test.nl>")
    await login(client, admin.email)
    page = await client.get("/beheer/uitgaande-mail/2")
    assert page.status_code == 200
    html = page.text
    assert "Nieuwste" in html and "Carla Casemanager" in html and "digest:2:2026-12-07" in html
    assert "Terugbelafspraak – D-2026-00002" in html
    assert HOSTILE not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "Pogingen" in html and "nee" in html  # the failed attempt, with its error
    assert "Volgende poging" in html and "07-12-2026 08:46" in html  # 1 minute later, Amsterdam time
    assert [(e.action, e.object_id) for e in await audit_events(db, "outbox_mail")] == [("read", "2")]
    missing = await client.get("/beheer/uitgaande-mail/99")
    assert missing.status_code == 404


async def test_only_admins(client, db, make_user) -> None:
    _admin, carla = await arrange(db, make_user)
    await login(client, carla.email)
    for path in ("/beheer/uitgaande-mail", "/beheer/uitgaande-mail/1"):
        assert (await client.get(path)).status_code == 403
    start = await client.get("/start")
    assert 'href="/beheer/uitgaande-mail"' not in start.text
    assert await audit_events(db, "outbox") == []


async def test_the_api_lists_the_outbox(client, db, make_user, make_token, smtp_server: SmtpServer) -> None:
    admin, carla = await arrange(db, make_user)
    await send_pending(db, NOW, transport=SmtpTransport(smtp_server.settings), mail_from="cm <cm@test.nl>")
    headers = await make_token(admin)
    listed = await client.get("/api/v1/outbox", headers=headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert [m["subject"] for m in body] == ["Nieuwste", "Oudste"]
    assert list(body[0]) == [
        "id", "key", "user_id", "to_address", "subject", "status", "attempts", "next_attempt_at", "sent_at",
        "created_at",
    ]  # fmt: skip
    assert body[0]["status"] == "sent" and body[0]["attempts"] == 1 and body[0]["sent_at"].startswith("2026-12-07")
    assert body[0]["user_id"] == carla.id and "text_body" not in body[0]
    assert (await client.get("/api/v1/outbox?status=pending", headers=headers)).json() == []
    assert len((await client.get("/api/v1/outbox?limit=1", headers=headers)).json()) == 1
    for bad in ("status=weg", "limit=0", "limit=501"):
        refused = await client.get(f"/api/v1/outbox?{bad}", headers=headers)
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.json()["extra"][0]["field"] in ("status", "limit")
    assert (await client.get("/api/v1/outbox", headers=await make_token(carla))).status_code == 403
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/api/v1/outbox"]["get"]
    assert {"200", "401", "403", "422"} <= set(operation["responses"])

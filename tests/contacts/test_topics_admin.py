"""Beheer > Onderwerpen (``/beheer/onderwerpen``): admins list, add, deactivate and reactivate topics; a deactivated
topic is no longer offered on the contact form; bad input is refused with the field named."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.directory.models import Topic
from tests.worlds.casework import Casework, login_as
from tests.worlds.personas import csrf_token

pytestmark = pytest.mark.anyio


async def test_an_admin_adds_and_deactivates_a_topic(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.admin)
    page = await client.get("/beheer/onderwerpen")
    assert page.status_code == 200 and "Schuldhulpverlening" in page.text and "Onderwerp toevoegen" in page.text
    token = await csrf_token(client, "/beheer/onderwerpen")
    added = await client.post(
        "/beheer/onderwerpen",
        data={"_csrf_token": token, "service": "DSO", "code": "bomen", "name": "Bomen en groen"},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    async with db() as s:
        topic = await s.scalar(select(Topic).where(Topic.code == "bomen"))
    assert (topic.name, topic.is_active) == ("Bomen en groen", True)
    await login_as(client, w.kcc)
    assert 'value="bomen"' in (await client.get(f"/contacten/nieuw?client_id={w.client_id}")).text
    await login_as(client, w.admin)
    token = await csrf_token(client, "/beheer/onderwerpen")
    off = await client.post(
        f"/beheer/onderwerpen/{topic.id}/status", data={"_csrf_token": token, "active": "0"}, follow_redirects=False
    )
    assert off.status_code == 303
    page = await client.get("/beheer/onderwerpen")
    assert "Gedeactiveerd" in page.text and "Activeren" in page.text
    await login_as(client, w.kcc)
    assert 'value="bomen"' not in (await client.get(f"/contacten/nieuw?client_id={w.client_id}")).text
    async with db() as s:
        events = (await s.execute(select(AuditEvent.action, AuditEvent.object_type).order_by(AuditEvent.id))).all()
    assert ("create", "topic") in events and ("update", "topic") in events


@pytest.mark.parametrize(
    ("values", "field_text"),
    [
        ({"service": "", "code": "bomen", "name": "Bomen"}, "Kies de dienst"),
        ({"service": "DSO", "code": "Bomen!", "name": "Bomen"}, "kleine letters"),
        ({"service": "DSO", "code": "bomen", "name": " "}, "Vul de naam"),
        ({"service": "DSO", "code": "afval", "name": "Afval"}, "bestaat al"),
    ],
)
async def test_bad_input_is_refused_and_nothing_added(client, db, world: Casework, values, field_text) -> None:
    await login_as(client, world.admin)
    token = await csrf_token(client, "/beheer/onderwerpen")
    async with db() as s:
        before = len((await s.scalars(select(Topic))).all())
    response = await client.post("/beheer/onderwerpen", data={"_csrf_token": token, **values})
    assert response.status_code == 422 and field_text in response.text
    async with db() as s:
        assert len((await s.scalars(select(Topic))).all()) == before


async def test_only_admins_manage_topics(client, world: Casework) -> None:
    for person in (world.kcc, world.cm, world.evaluator):
        await login_as(client, person)
        assert (await client.get("/beheer/onderwerpen")).status_code == 403

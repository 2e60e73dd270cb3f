"""``/api/v1/notifications`` and ``/api/v1/me/notification-settings`` (issue 14, contracts): the list and its keys,
marking one's own read (another's: 404), the settings with 422 naming the field and nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casemgmt.notifications.models import NotificationPreference
from casemgmt.notifications.rules import Kind
from tests.notifications.helpers import notifications
from tests.worlds.promises import World, make_commitment

pytestmark = pytest.mark.anyio

KEYS = ["id", "kind", "created_at", "read_at", "object_type", "object_id", "text"]


async def two_for_cm(client, world: World) -> list[dict]:  # type: ignore[no-untyped-def]
    first = await make_commitment(client, world, by="dso", owner_id=world.cm.id)
    second = await make_commitment(client, world, by="szw", owner_id=world.cm.id)
    return [first, second]


async def test_the_list_unread_first_with_exactly_the_contracts_keys(client, db, world) -> None:
    made = await two_for_cm(client, world)
    response = await client.get("/api/v1/notifications?unread=true", headers=world.token("cm"))
    assert response.status_code == 200, response.text
    listed = response.json()
    assert isinstance(listed, list) and len(listed) == 2
    assert all(list(item) == KEYS for item in listed)
    assert {item["object_id"] for item in listed} == {c["id"] for c in made}
    assert all(item["kind"] == "commitment_assigned" and item["read_at"] is None for item in listed)
    assert listed[0]["created_at"] >= listed[1]["created_at"]  # newest first
    # nobody else sees them
    assert (await client.get("/api/v1/notifications", headers=world.token("dso"))).json() == []


async def test_marking_read_only_ones_own(client, db, world) -> None:
    await two_for_cm(client, world)
    first, second = await notifications(db)
    assert (await client.post(f"/api/v1/notifications/{first.id}/read", headers=world.token("dso"))).status_code == 404
    assert (await client.post("/api/v1/notifications/999999/read", headers=world.token("cm"))).status_code == 404
    assert all(n.read_at is None for n in await notifications(db))
    response = await client.post(f"/api/v1/notifications/{first.id}/read", headers=world.token("cm"))
    assert response.status_code == 200, response.text
    assert response.json()["id"] == first.id and response.json()["read_at"] is not None
    again = await client.post(f"/api/v1/notifications/{first.id}/read", headers=world.token("cm"))
    assert again.json()["read_at"] == response.json()["read_at"]  # already read: unchanged
    unread = (await client.get("/api/v1/notifications?unread=true", headers=world.token("cm"))).json()
    assert [item["id"] for item in unread] == [second.id]
    everything = (await client.get("/api/v1/notifications", headers=world.token("cm"))).json()
    assert [item["id"] for item in everything] == [second.id, first.id]  # unread first


async def test_settings_read_and_written(client, db, world) -> None:
    got = await client.get("/api/v1/me/notification-settings", headers=world.token("szw"))
    assert got.status_code == 200
    assert list(got.json()) == ["settings"] and list(got.json()["settings"]) == [k.value for k in Kind]
    assert got.json()["settings"]["escalation_assigned"] == "email"
    body = {"settings": {"escalation_assigned": "digest", "dossier_contact": "off"}}
    put = await client.put("/api/v1/me/notification-settings", json=body, headers=world.token("szw"))
    assert put.status_code == 200, put.text
    settings = put.json()["settings"]
    assert (settings["escalation_assigned"], settings["dossier_contact"], settings["handoff_requested"]) == (
        "digest", "off", "email",
    )  # fmt: skip
    # written again: one row per kind, still
    await client.put("/api/v1/me/notification-settings", json=body, headers=world.token("szw"))
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(NotificationPreference)) == 2


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"settings": {"bestaat_niet": "app"}}, {"settings.bestaat_niet"}),
        ({"settings": {"dossier_contact": "sms", "handoff_declined": "email"}}, {"settings.dossier_contact"}),
        ({"settings": {"escalation_overdue": "off"}}, {"settings.escalation_overdue"}),
        ({"settings": {"dossier_contact": 3}}, {"settings.dossier_contact"}),
        ({"settings": "app"}, {"settings"}),
        ({}, {"settings"}),
        ({"settings": {}, "extra": 1}, {"extra"}),
    ],
)
async def test_bad_settings_name_the_field_and_write_nothing(client, db, world, body, fields) -> None:
    response = await client.put("/api/v1/me/notification-settings", json=body, headers=world.token("szw"))
    assert response.status_code == 422, response.text
    assert {e["field"] for e in response.json()["extra"]} == fields
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(NotificationPreference)) == 0


async def test_the_openapi_document_describes_them(client) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    paths = document["paths"]
    listed = paths["/api/v1/notifications"]["get"]
    assert {"200", "401"} <= set(listed["responses"])
    assert any(p["name"] == "unread" for p in listed["parameters"])
    read = paths["/api/v1/notifications/{notification_id}/read"]["post"]
    assert {"200", "401", "404"} <= set(read["responses"])
    put = paths["/api/v1/me/notification-settings"]["put"]
    assert {"200", "401", "422"} <= set(put["responses"])
    schema = put["requestBody"]["content"]["application/json"]["schema"]
    kinds = schema["properties"]["settings"]["properties"]
    assert set(kinds) == {k.value for k in Kind} and "off" not in kinds["commitment_overdue"]["enum"]

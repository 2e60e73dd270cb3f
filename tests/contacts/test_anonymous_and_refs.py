"""Anonymous contacts (no client) and the references of other systems on a contact (issue 12, first slice)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.contacts.models import Contact, ExternalReference
from casemgmt.contacts.rules import CHANNELS, EXTERNAL_REF_MAX
from tests.contacts.test_contact_api import contact
from tests.contacts.test_contact_pages import form, post
from tests.worlds.casework import Casework, count, counts, login_as

pytestmark = pytest.mark.anyio


async def written(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {**await counts(db), "refs": await count(db, ExternalReference)}


async def test_an_anonymous_contact_is_logged_without_a_client(client, db, world: Casework) -> None:
    w = world
    response = await client.post(
        "/api/v1/contacts", json=contact(w, client_id=None, channel="chat"), headers=w.tokens["kcc"]
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["client_id"], body["dossier_id"], body["channel"]) == (None, None, "chat")
    async with db() as s:
        stored = await s.get(Contact, body["id"])
        event = await s.scalar(select(AuditEvent).where(AuditEvent.object_type == "contact"))
    assert stored is not None and stored.client_id is None
    assert (event.action, event.client_pseudonym, event.detail) == ("create", None, "anoniem")


async def test_leaving_the_client_out_is_not_anonymous(client, db, world: Casework) -> None:
    body = contact(world)
    del body["client_id"]
    before = await written(db)
    response = await client.post("/api/v1/contacts", json=body, headers=world.tokens["kcc"])
    assert response.status_code == 422
    assert response.json()["extra"] == [{"field": "client_id", "message": "Kies een klant"}]
    assert await written(db) == before


async def test_an_anonymous_contact_on_a_dossier_is_refused(client, db, world: Casework) -> None:
    w = world
    before = await written(db)
    response = await client.post(
        "/api/v1/contacts",
        json=contact(w, client_id=None, dossier_id=w.dossier_id, external_refs=["DB-2026-11873"]),
        headers=w.tokens["kcc"],
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["extra"]] == ["dossier_id"]
    assert "anoniem" in response.json()["extra"][0]["message"]
    assert await written(db) == before


async def test_an_anonymous_contact_cannot_be_linked_to_a_dossier(client, db, world: Casework) -> None:
    w = world
    made = await client.post("/api/v1/contacts", json=contact(w, client_id=None), headers=w.tokens["kcc"])
    response = await client.patch(
        f"/api/v1/contacts/{made.json()['id']}", json={"dossier_id": w.dossier_id}, headers=w.tokens["kcc"]
    )
    assert response.status_code == 422 and response.json()["extra"][0]["field"] == "dossier_id"
    async with db() as s:
        assert (await s.get(Contact, made.json()["id"])).dossier_id is None  # type: ignore[union-attr]


async def test_external_refs_are_stored_trimmed_per_contact(client, db, world: Casework) -> None:
    w = world
    response = await client.post(
        "/api/v1/contacts",
        json=contact(w, external_refs=[" DB-2026-11873 ", "TV-2025-0418"]),
        headers=w.tokens["kcc"],
    )
    assert response.status_code == 201, response.text
    assert response.json()["external_refs"] == ["DB-2026-11873", "TV-2025-0418"]
    async with db() as s:
        rows = (
            await s.execute(
                select(ExternalReference.record_type, ExternalReference.record_id, ExternalReference.ref).order_by(
                    ExternalReference.id
                )
            )
        ).all()
    contact_id = response.json()["id"]
    assert [tuple(r) for r in rows] == [
        ("contact", contact_id, "DB-2026-11873"),
        ("contact", contact_id, "TV-2025-0418"),
    ]


@pytest.mark.parametrize(
    "refs",
    [["DB-1", "DB-1 "], [""], ["x" * 65], "DB-1", [1]],
)
async def test_bad_external_refs_write_nothing(client, db, world: Casework, refs: object) -> None:
    before = await written(db)
    response = await client.post(
        "/api/v1/contacts", json=contact(world, external_refs=refs), headers=world.tokens["kcc"]
    )
    assert response.status_code == 422, response.text
    assert response.json()["extra"][0]["field"].startswith("external_refs")
    assert await written(db) == before


async def test_external_refs_show_on_the_dossier_timeline(client, db, world: Casework) -> None:
    w = world
    await client.post(
        "/api/v1/contacts",
        json=contact(w, dossier_id=w.dossier_id, external_refs=["TV-2025-0418", "DB-2026-11873"]),
        headers=w.tokens["kcc"],
    )
    await client.post("/api/v1/contacts", json=contact(w, dossier_id=w.dossier_id), headers=w.tokens["kcc"])
    entries = (await client.get(f"/api/v1/dossiers/{w.dossier_id}/timeline", headers=w.tokens["cm"])).json()
    refs = [e["external_refs"] for e in entries if e["type"] == "contact"]
    assert sorted(refs) == [[], ["DB-2026-11873", "TV-2025-0418"]]
    await login_as(client, w.cm)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert "Kenmerken:" in page.text and "DB-2026-11873" in page.text


async def test_the_page_offers_an_anonymous_caller(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)
    start = await client.get("/contacten/nieuw")
    assert "/contacten/nieuw?anoniem=1" in start.text and "Anonieme beller" in start.text
    page = await client.get("/contacten/nieuw?anoniem=1")
    assert page.status_code == 200
    assert "Anonieme beller" in page.text and 'name="anonymous" value="1"' in page.text
    assert 'name="dossier_id"' not in page.text
    for label in ("Telefoon", "Balie", "E-mail", "Website", "Brief", "Chat", "Sms", "Social media"):
        assert f">{label}</option>" in page.text, label


async def test_an_anonymous_caller_is_logged_from_the_page(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)
    response = await post(
        client, form(w, client_id="", anonymous="1", channel="sms", external_refs="DB-2026-11873, TV-2025-0418")
    )
    assert response.status_code == 303 and response.headers["location"] == "/klanten"
    async with db() as s:
        stored = (await s.scalars(select(Contact))).one()
        refs = list((await s.scalars(select(ExternalReference.ref).order_by(ExternalReference.id))).all())
    assert (stored.client_id, stored.dossier_id, stored.channel) == (None, None, "sms")
    assert refs == ["DB-2026-11873", "TV-2025-0418"]


async def test_an_anonymous_form_with_errors_stays_anonymous(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)
    before = await written(db)
    response = await post(client, form(w, client_id="", anonymous="1", summary="", external_refs="A, A"))
    assert response.status_code == 422
    assert 'name="anonymous" value="1"' in response.text and "Anonieme beller" in response.text
    assert "staat er twee keer in" in response.text and "A, A" in response.text
    assert await written(db) == before


async def test_a_blank_client_without_anonymous_is_refused_on_the_page(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)
    before = await written(db)
    response = await post(client, form(w, client_id=""))
    assert response.status_code == 422 and "Kies een klant" in response.text
    assert await written(db) == before


async def test_the_api_document_names_the_channels_and_the_anonymous_client(client) -> None:
    schemas = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]
    contact_in, contact_out = schemas["ContactIn"]["properties"], schemas["ContactOut"]["properties"]
    assert contact_in["channel"]["enum"] == list(CHANNELS)  # required: the schema says which
    assert {"type": "null"} in contact_in["client_id"]["oneOf"] and {"type": "null"} in contact_out["client_id"][
        "oneOf"
    ]
    assert contact_in["external_refs"]["items"] == {"type": "string", "maxLength": EXTERNAL_REF_MAX}

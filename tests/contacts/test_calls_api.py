"""Issue 13 through ``POST /api/v1/contacts``: a callback promised with the contact (one transaction), transfer
attempts with their departments, the topic of an inbound contact; bad input names the field and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact, ContactTransfer
from casemgmt.directory.calendar import add_business_days
from casemgmt.directory.models import Topic
from tests.worlds.casework import Casework, login_as

pytestmark = pytest.mark.anyio

DEPARTMENT = "transfers[0].department"


def contact(w: Casework, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "client_id": w.client_id,
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "callback_promised",
        "transfers": 0,
        "topic": "bijstand",
        "summary": "Mevrouw vraagt waarom haar uitkering later komt.",
        "commitment": {"description": "Wij bellen u morgen terug over de uitkering."},
    }
    body.update(changes)
    return body


async def counts(db) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    async with db() as s:
        return (
            await s.scalar(select(func.count()).select_from(Contact)),
            await s.scalar(select(func.count()).select_from(Commitment)),
            await s.scalar(select(func.count()).select_from(ContactTransfer)),
        )


async def test_a_callback_promised_on_the_phone_becomes_a_commitment_of_that_contact(client, db, world) -> None:
    w = world
    before = datetime.now(UTC)
    response = await client.post("/api/v1/contacts", json=contact(w), headers=w.tokens["kcc"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["topic"] == "bijstand" and body["commitment_id"] is not None
    async with db() as s:
        made = await s.get(Commitment, body["commitment_id"])
    assert (made.contact_id, made.client_id, made.kind, made.owner_id, made.made_by_id, made.status) == (
        body["id"], w.client_id, "callback", w.kcc.id, w.kcc.id, "open",
    )  # fmt: skip
    assert made.description == "Wij bellen u morgen terug over de uitkering."
    # by default due by the owner's service's callback term (KCC: 2 business days)
    assert made.due_at == add_business_days(made.made_at, 2) and made.made_at >= before
    # it is on Terugbelnotities (the KCC's callback list)
    listed = await client.get("/api/v1/commitments?kind=callback&state=open", headers=w.tokens["kcc"])
    assert [c["id"] for c in listed.json()["items"]] == [made.id]
    assert listed.json()["items"][0]["contact_id"] == body["id"]


async def test_the_promise_goes_to_the_employee_named_by_the_moment_given(client, db, world) -> None:
    w = world
    due = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    promise = {"description": "De accountmanager belt u terug.", "owner_id": w.am.id, "due_at": due.isoformat()}
    response = await client.post("/api/v1/contacts", json=contact(w, commitment=promise), headers=w.tokens["kcc"])
    assert response.status_code == 201, response.text
    async with db() as s:
        made = await s.get(Commitment, response.json()["commitment_id"])
    assert (made.owner_id, made.made_by_id, made.due_at) == (w.am.id, w.kcc.id, due)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"commitment": None}, "commitment.description"),
        ({"commitment": {"description": "  "}}, "commitment.description"),
        ({"commitment": {"description": "x", "due_at": "2020-01-01T10:00:00+01:00"}}, "commitment.due_at"),
        ({"commitment": {"description": "x", "owner_id": 999}}, "commitment.owner_id"),
        ({"outcome": "resolved"}, "commitment"),
        ({"client_id": None}, "commitment"),
        ({"topic": None}, "topic"),
        ({"topic": "bestaat-niet"}, "topic"),
        ({"transfers": [{"service": "SZW", "department": "Afdeling X", "connected": False}]}, DEPARTMENT),
        ({"transfers": [{"service": "XYZ", "connected": False}]}, "transfers[0].service"),
        ({"transfers": [{"service": "SZW", "department": "Parkeren", "connected": False}]}, DEPARTMENT),  # DSO's
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(client, db, world, changes, field) -> None:
    response = await client.post("/api/v1/contacts", json=contact(world, **changes), headers=world.tokens["kcc"])
    assert response.status_code == 422, response.text
    assert field in {e["field"] for e in response.json()["extra"]}, response.text
    assert await counts(db) == (0, 0, 0)


async def test_a_failing_commitment_leaves_no_contact(client, db, world) -> None:
    """The owner is checked before anything is written; should the commitment still fail after the contact was
    flushed, the request's transaction is not committed: neither row stays."""
    w = world
    response = await client.post(
        "/api/v1/contacts",
        json=contact(w, commitment={"description": "Ik bel terug", "owner_id": w.evaluator.id}),
        headers=w.tokens["kcc"],
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["extra"]} == {"commitment.owner_id"}
    assert await counts(db) == (0, 0, 0)


async def test_transfer_attempts_are_stored_in_order_and_make_the_count(client, db, world) -> None:
    w = world
    attempts = [
        {"service": "SZW", "department": "werk en inkomen", "connected": False},
        {"service": "dso", "department": None, "connected": False},
    ]
    response = await client.post(
        "/api/v1/contacts",
        json=contact(w, outcome="transfer_failed", commitment=None, transfers=attempts),
        headers=w.tokens["kcc"],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["transfers"] == 2 and body["outcome"] == "transfer_failed" and body["commitment_id"] is None
    assert body["transfer_attempts"] == [
        {"service": "SZW", "department": "Werk en Inkomen", "connected": False},
        {"service": "DSO", "department": None, "connected": False},
    ]
    async with db() as s:
        rows = (await s.scalars(select(ContactTransfer).order_by(ContactTransfer.position))).all()
    assert [(r.contact_id, r.position, r.connected) for r in rows] == [(body["id"], 1, False), (body["id"], 2, False)]
    link = {"dossier_id": w.dossier_id}
    linked = await client.patch(f"/api/v1/contacts/{body['id']}", json=link, headers=w.tokens["kcc"])
    assert linked.json()["transfer_attempts"] == body["transfer_attempts"] and linked.json()["topic"] == "bijstand"


async def test_an_outbound_contact_may_omit_the_topic_and_a_count_still_works(client, world) -> None:
    w = world
    body = contact(w, direction="out", topic=None, outcome="resolved", commitment=None, transfers=1)
    response = await client.post("/api/v1/contacts", json=body, headers=w.tokens["kcc"])
    assert response.status_code == 201, response.text
    out = response.json()
    assert (out["topic"], out["transfers"], out["transfer_attempts"]) == (None, 1, [])


async def test_a_deactivated_topic_is_refused(client, db, world) -> None:
    async with db() as s, s.begin():
        topic = await s.scalar(select(Topic).where(Topic.code == "bijstand"))
        topic.is_active = False
    response = await client.post("/api/v1/contacts", json=contact(world), headers=world.tokens["kcc"])
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["extra"]] == ["topic"]


async def test_timelines_show_the_topic_and_each_transfer_attempt(client, world) -> None:
    w = world
    attempts = [
        {"service": "SZW", "department": "Schuldhulpverlening", "connected": False},
        {"service": "SZW", "connected": True},
    ]
    body = contact(w, dossier_id=w.dossier_id, outcome="transferred", commitment=None, transfers=attempts)
    logged = await client.post("/api/v1/contacts", json=body, headers=w.tokens["kcc"])
    assert logged.status_code == 201, logged.text
    shown = [
        {"service": "SZW", "department": "Schuldhulpverlening", "connected": False},
        {"service": "SZW", "department": None, "connected": True},
    ]
    dossier = (await client.get(f"/api/v1/dossiers/{w.dossier_id}/timeline", headers=w.tokens["cm"])).json()
    entry = next(e for e in dossier if e["type"] == "contact")
    assert (entry["topic_name"], entry["transfer_attempts"]) == ("Bijstandsuitkering", shown)
    await login_as(client, w.cm)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert "Onderwerp: Bijstandsuitkering" in page.text
    assert "SZW · Schuldhulpverlening: doorverbinden mislukt" in page.text
    timeline = await client.get(f"/klanten/{w.client_id}/tijdlijn")
    assert "Doorverbonden naar: SZW (Schuldhulpverlening) mislukt; SZW gelukt" in timeline.text


async def test_a_callback_handed_to_the_szw_team_reaches_every_szw_accountmanager(client, db, world) -> None:
    """Issue 13's story: the KCC promises a callback by the SZW team; an SZW accountmanager sees it and picks it up."""
    w = world
    body = contact(w, commitment={"description": "Team SZW belt u terug over de uitkering.", "owner_service": "SZW"})
    response = await client.post("/api/v1/contacts", json=body, headers=w.tokens["kcc"])
    assert response.status_code == 201, response.text
    async with db() as s:
        made = await s.get(Commitment, response.json()["commitment_id"])
    assert (made.owner_id, made.owner_service_id is not None, made.kind) == (None, True, "callback")
    team = await client.get("/api/v1/commitments?owner_service=SZW&state=open", headers=w.tokens["am"])
    assert [c["id"] for c in team.json()["items"]] == [made.id]
    assert team.json()["items"][0]["owner_service"] == "SZW"
    picked = await client.post(f"/api/v1/commitments/{made.id}/pick-up", headers=w.tokens["am"])
    assert picked.status_code == 200 and picked.json()["owner_id"] == w.am.id


@pytest.mark.parametrize(
    ("promise", "field"),
    [
        ({"description": "Wij bellen terug.", "owner_service": "XYZ"}, "commitment.owner_service"),
        ({"description": "Wij bellen terug.", "owner_service": "SZW", "owner_id": 1}, "commitment.owner_service"),
    ],
)
async def test_a_team_callback_names_a_known_team_and_no_person_beside_it(client, db, world, promise, field) -> None:
    w = world
    before = await counts(db)
    response = await client.post("/api/v1/contacts", json=contact(w, commitment=promise), headers=w.tokens["kcc"])
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["extra"]]
    assert await counts(db) == before


async def test_the_contact_form_hands_a_callback_to_a_team(client, db, world) -> None:
    w = world
    await login_as(client, w.kcc)
    page = await client.get("/contacten/nieuw", params={"client_id": w.client_id})
    assert '<option value="team:SZW"' in page.text
    token = page.text.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
    key = page.text.split('name="_submission_key" value="', 1)[1].split('"', 1)[0]
    form = {
        "client_id": str(w.client_id), "channel": "phone", "direction": "in", "service": "KCC",
        "outcome": "callback_promised", "topic": "bijstand", "transfers": "0", "summary": "Vraag over de uitkering.",
        "commitment_description": "Team SZW belt u terug.", "commitment_owner_id": "team:SZW",
        "_csrf_token": token, "_submission_key": key,
    }  # fmt: skip
    saved = await client.post("/contacten", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    async with db() as s:
        made = await s.scalar(select(Commitment).order_by(Commitment.id.desc()).limit(1))
    assert made is not None and made.owner_id is None and made.description == "Team SZW belt u terug."

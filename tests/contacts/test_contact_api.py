"""The contact API: logging with or without a dossier, validation that writes nothing, linking later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.models import Client
from casemgmt.contacts.models import Contact
from tests.factories import create_contact, create_dossier
from tests.worlds.casework import Casework, counts

pytestmark = pytest.mark.anyio


def contact(w: Casework, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "client_id": w.client_id,
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "transferred",
        "transfers": 2,
        "topic": "bijstand",
        "summary": "Beller wil de casemanager spreken.",
    }
    body.update(changes)
    return body


async def test_kcc_agent_logs_a_contact_without_a_dossier(client, db, world: Casework) -> None:
    w = world
    moment = datetime.now(UTC) - timedelta(hours=2)
    response = await client.post(
        "/api/v1/contacts",
        json=contact(w, occurred_at=moment.isoformat(), subject="Doorverbinden"),
        headers=w.tokens["kcc"],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {
        "id", "client_id", "dossier_id", "channel", "direction", "service", "employee_id", "occurred_at", "outcome",
        "transfers", "summary", "subject", "external_refs", "representative_id", "topic", "transfer_attempts",
        "commitment_id", "articles",
    }  # fmt: skip
    assert (body["dossier_id"], body["employee_id"], body["service"], body["transfers"]) == (None, w.kcc.id, "KCC", 2)
    assert datetime.fromisoformat(body["occurred_at"].replace("Z", "+00:00")) == moment
    async with db() as s:
        event = await s.scalar(select(AuditEvent).where(AuditEvent.object_type == "contact"))
    assert (event.action, event.object_id, event.client_pseudonym, event.purpose) == (
        "create", str(body["id"]), w.client_pseudonym, "klantcontact",
    )  # fmt: skip


async def test_moment_defaults_to_now(client, world: Casework) -> None:
    before = datetime.now(UTC)
    body = (await client.post("/api/v1/contacts", json=contact(world), headers=world.tokens["am"])).json()
    moment = datetime.fromisoformat(body["occurred_at"].replace("Z", "+00:00"))
    assert before <= moment <= datetime.now(UTC)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"occurred_at": "2999-01-01T10:00:00+01:00"}, "occurred_at", "Het moment ligt in de toekomst"),
        ({"summary": "x" * 4001}, "summary", "De samenvatting is te lang (4001 tekens, maximaal 4000)"),
        ({"service": "XYZ"}, "service", "Onbekende dienst 'XYZ'"),
        ({"transfers": 21}, "transfers", "Het aantal keer doorverbinden ligt tussen 0 en 20"),
        (
            {"channel": "fax"},
            "channel",
            "Onbekend kanaal 'fax'; kies uit phone, desk, email, web, letter, chat, sms, social",
        ),
        ({"summary": "   "}, "summary", "Vul een samenvatting van het gesprek in"),
        ({"client_id": 999999}, "client_id", "Kies een bestaande klant"),
    ],
)
async def test_bad_input_is_refused_and_nothing_written(
    client, db, world: Casework, changes: dict[str, object], field: str, message: str
) -> None:
    before = await counts(db)
    response = await client.post("/api/v1/contacts", json=contact(world, **changes), headers=world.tokens["kcc"])
    assert response.status_code == 422, response.text
    assert response.json()["extra"] == [{"field": field, "message": message}]
    assert await counts(db) == before


async def test_all_problems_at_once(client, db, world: Casework) -> None:
    response = await client.post(
        "/api/v1/contacts",
        json=contact(world, service="XYZ", transfers=-1, summary="", outcome="weet niet"),
        headers=world.tokens["kcc"],
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["extra"]} == {"service", "transfers", "summary", "outcome"}


async def test_on_a_dossier_needs_contact_access(client, db, world: Casework) -> None:
    w = world
    for persona in ("kcc", "cm", "am", "admin"):
        response = await client.post(
            "/api/v1/contacts", json=contact(w, dossier_id=w.dossier_id), headers=w.tokens[persona]
        )
        assert response.status_code == 201, persona
        assert response.json()["dossier_id"] == w.dossier_id
    before = await counts(db)
    for persona in ("earlier", "other_cm", "other_am", "evaluator"):
        response = await client.post(
            "/api/v1/contacts", json=contact(w, dossier_id=w.dossier_id), headers=w.tokens[persona]
        )
        assert response.status_code == 403, persona
    assert await counts(db) == before


async def test_dossier_must_belong_to_the_client(client, db, world: Casework) -> None:
    w = world
    before = await counts(db)
    response = await client.post(
        "/api/v1/contacts",
        json=contact(w, client_id=w.other_client_id, dossier_id=w.dossier_id),
        headers=w.tokens["kcc"],
    )
    assert response.status_code == 422
    assert response.json()["extra"] == [{"field": "dossier_id", "message": "Dit dossier hoort bij een andere klant"}]
    unknown = await client.post("/api/v1/contacts", json=contact(w, dossier_id=999999), headers=w.tokens["kcc"])
    assert unknown.status_code == 422 and unknown.json()["extra"][0]["field"] == "dossier_id"
    assert await counts(db) == before


async def test_link_a_contact_later(client, db, world: Casework) -> None:
    w = world
    logged = (await client.post("/api/v1/contacts", json=contact(w), headers=w.tokens["kcc"])).json()
    assert logged["dossier_id"] is None
    url = f"/api/v1/contacts/{logged['id']}"
    refused = await client.patch(url, json={"dossier_id": w.dossier_id}, headers=w.tokens["earlier"])
    assert refused.status_code == 403
    linked = await client.patch(url, json={"dossier_id": w.dossier_id}, headers=w.tokens["cm"])
    assert linked.status_code == 200 and linked.json()["dossier_id"] == w.dossier_id
    timeline = (await client.get(f"/api/v1/dossiers/{w.dossier_id}/timeline", headers=w.tokens["am"])).json()
    assert logged["id"] in [e["id"] for e in timeline if e["type"] == "contact"]
    again = await client.patch(url, json={"dossier_id": w.dossier_id}, headers=w.tokens["cm"])
    assert again.status_code == 200  # already so: nothing changes
    async with db() as s:
        events = (
            await s.scalars(select(AuditEvent).where(AuditEvent.action == "link", AuditEvent.object_type == "contact"))
        ).all()
    assert [(e.object_id, e.actor_id, e.client_pseudonym) for e in events] == [
        (str(logged["id"]), w.cm.id, w.client_pseudonym)
    ]


async def test_link_refusals(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():
        mine = await s.get(Client, w.client_id)
        other_client = await s.get(Client, w.other_client_id)
        second = await create_dossier(s, mine, w.cm.id, subject="Tweede dossier")
        elsewhere = await create_contact(s, mine, w.kcc.id, dossier_id=second.id)
        foreign = await create_contact(s, other_client, w.kcc.id)
        loose = await create_contact(s, mine, w.kcc.id)
    before = await counts(db)
    cases = [
        (foreign.id, {"dossier_id": w.dossier_id}, 422, "Dit dossier hoort bij een andere klant dan het contact"),
        (elsewhere.id, {"dossier_id": w.dossier_id}, 409, "Dit contact is al aan een ander dossier gekoppeld"),
        (loose.id, {"dossier_id": None}, 422, "Kies het dossier waaraan het contact gekoppeld wordt"),
        (loose.id, {"dossier_id": 999999}, 422, "Onbekend dossier"),
        (999999, {"dossier_id": w.dossier_id}, 404, "Contact niet gevonden"),
    ]
    for contact_id, body, status, message in cases:
        response = await client.patch(f"/api/v1/contacts/{contact_id}", json=body, headers=w.tokens["admin"])
        assert response.status_code == status, (contact_id, body)
        assert message in response.text
    uninvolved = await client.patch(
        f"/api/v1/contacts/{loose.id}", json={"dossier_id": w.dossier_id}, headers=w.tokens["other_cm"]
    )
    assert uninvolved.status_code == 403
    assert await counts(db) == before
    async with db() as s:
        assert (await s.get(Contact, loose.id)).dossier_id is None


async def test_scenario_kcc_logs_and_the_casemanager_reads_it(client, db, world: Casework) -> None:
    """Seed 3.2.2: the KCC logs what the caller said; the casemanager sees it at the top of the timeline."""
    w = world
    said = "Mevrouw belt namens haar buurman over de WMO-aanvraag; zij wil de casemanager direct spreken."
    logged = await client.post(
        "/api/v1/contacts",
        json=contact(
            w,
            dossier_id=w.dossier_id,
            summary=said,
            outcome="callback_promised",
            transfers=0,
            commitment={"description": "De casemanager belt u terug over de WMO-aanvraag."},
        ),
        headers=w.tokens["kcc"],
    )
    assert logged.status_code == 201
    timeline = (await client.get(f"/api/v1/dossiers/{w.dossier_id}/timeline?limit=5", headers=w.tokens["cm"])).json()
    top = next(entry for entry in timeline if entry["type"] == "contact")
    assert top["summary"] == said and top["employee"]["name"] == "Kees Kcc"
    assert (
        await client.get(f"/api/v1/dossiers/{w.dossier_id}/timeline", headers=w.tokens["other_cm"])
    ).status_code == 403
    assert (
        await client.get(f"/api/v1/dossiers/{w.dossier_id}/timeline", headers=w.tokens["evaluator"])
    ).status_code == 403
    async with db() as s:
        reads = (
            await s.execute(
                select(AuditEvent.actor_id, AuditEvent.action, AuditEvent.object_type, AuditEvent.purpose).order_by(
                    AuditEvent.id
                )
            )
        ).all()
    assert (w.kcc.id, "create", "contact", "klantcontact") in reads
    assert (w.cm.id, "read", "timeline", "casemanagement") in reads

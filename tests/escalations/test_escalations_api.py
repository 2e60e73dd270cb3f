"""Escalations through HTTP: due by the service norm in business days, routed to the dossier's accountmanager or the
service queue, answered only by that service, once; reusable answers found by the KCC; the asker sees the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.models import Client
from casemgmt.directory.calendar import add_business_days
from casemgmt.directory.reference import REFERENCE_SERVICES
from casemgmt.escalations.models import Escalation
from tests.worlds.promises import audit_events, counts, make_commitment, snapshot

pytestmark = pytest.mark.anyio

NORMS = {s.code: s.escalation_norm_days for s in REFERENCE_SERVICES}
PASSPORT = "Meneer woont in de VS en moet zijn paspoort hier vernieuwen: welke stukken moet hij meesturen?"


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


async def escalate(client, world, by: str = "kcc", **values) -> dict:
    body = {"service": "SZW", "question": "Waarom is de bijstand van deze maand niet betaald?"}
    body.update(values)
    response = await client.post("/api/v1/escalations", json=body, headers=world.token(by))
    assert response.status_code == 201, response.text
    return response.json()


async def answer(client, world, escalation_id: int, who: str, text: str = "Betaald op vrijdag.", reusable=False):
    return await client.post(
        f"/api/v1/escalations/{escalation_id}/answer",
        json={"answer": text, "reusable": reusable},
        headers=world.token(who),
    )


@pytest.mark.parametrize("code", sorted(NORMS))
async def test_due_by_the_services_norm_in_business_days(client, world, code) -> None:
    before = datetime.now(UTC)
    body = await escalate(client, world, service=code.lower())
    after = datetime.now(UTC)
    assert body["service"] == code and body["status"] == "open"
    asked = parse(body["asked_at"])
    assert before - timedelta(seconds=1) <= asked <= after
    assert parse(body["due_at"]) == add_business_days(asked, NORMS[code])


async def test_routed_to_the_dossiers_accountmanager_or_else_the_service_queue(client, world) -> None:
    routed = await escalate(client, world, service="SZW", dossier_id=world.dossier_id)
    assert routed["assignee_id"] == world.szw.id and routed["client_id"] == world.client_id
    queued = await escalate(client, world, service="OCW", dossier_id=world.dossier_id)
    assert queued["assignee_id"] is None
    loose = await escalate(client, world, service="SZW", client_id=world.client_id)
    assert loose["assignee_id"] is None
    # every accountmanager of the service sees the queue; another service's do not
    for who, expected in (("ocw", [queued["id"]]), ("ocw2", [queued["id"]]), ("dso", [])):
        listed = await client.get("/api/v1/escalations", headers=world.token(who))
        assert [e["id"] for e in listed.json()] == expected, who


async def test_scenario_8_the_unpaid_benefit(client, world, db) -> None:
    """A KCC agent escalates to SZW on the dossier; SZW's accountmanager answers within the norm; the asker and the
    dossier's casemanager see the answer."""
    asked = await escalate(client, world, dossier_id=world.dossier_id)
    listed = await client.get("/api/v1/escalations?state=open", headers=world.token("cm"))
    assert [e["id"] for e in listed.json()] == [asked["id"]]
    response = await answer(client, world, asked["id"], "szw", "De betaling staat klaar voor vrijdag.")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "answered" and body["within_norm"] is True
    assert body["answered_by_id"] == world.szw.id
    for who in ("kcc", "cm"):
        answered = await client.get("/api/v1/escalations?state=answered", headers=world.token(who))
        assert [(e["id"], e["answer"]) for e in answered.json()] == [
            (asked["id"], "De betaling staat klaar voor vrijdag.")
        ]
    events = await audit_events(db, AuditEvent.object_type == "escalation")
    assert [(e.action, e.actor_id, e.client_pseudonym) for e in events] == [
        ("create", world.kcc.id, world.pseudonym),
        ("update", world.szw.id, world.pseudonym),
    ]


async def test_answered_past_the_norm_is_not_within_norm(client, world, db) -> None:
    asked = await escalate(client, world)
    async with db() as session, session.begin():
        await session.execute(
            update(Escalation).where(Escalation.id == asked["id"]).values(due_at=datetime.now(UTC) - timedelta(hours=2))
        )
    overdue = await client.get("/api/v1/escalations?state=overdue", headers=world.token("szw"))
    assert [(e["id"], e["status"]) for e in overdue.json()] == [(asked["id"], "overdue")]
    response = await answer(client, world, asked["id"], "szw")
    assert response.status_code == 200 and response.json()["within_norm"] is False
    assert (await client.get("/api/v1/escalations?state=overdue", headers=world.token("szw"))).json() == []


async def test_an_overdue_escalation_on_a_dossier_signals_it(client, world, db) -> None:
    asked = await escalate(client, world, dossier_id=world.dossier_id)
    async with db() as session, session.begin():
        await session.execute(
            update(Escalation).where(Escalation.id == asked["id"]).values(due_at=datetime.now(UTC) - timedelta(hours=2))
        )
    dossiers = (await client.get("/api/v1/worklist", headers=world.token("cm"))).json()["dossiers"]
    assert dossiers[0]["signals"] == ["escalation_overdue"]


async def test_an_accountmanager_of_another_service_cannot_answer(client, world, db) -> None:
    asked = await escalate(client, world, dossier_id=world.dossier_id)
    before, row = await counts(db), await snapshot(db, Escalation, asked["id"])
    for who in ("dso", "ocw", "kcc", "cm", "other_cm"):
        response = await answer(client, world, asked["id"], who)
        assert response.status_code == 403, (who, response.text)
    assert await counts(db) == before and await snapshot(db, Escalation, asked["id"]) == row


async def test_answering_twice_is_409_and_writes_nothing(client, world, db) -> None:
    asked = await escalate(client, world)
    assert (await answer(client, world, asked["id"], "szw", "Eerste antwoord")).status_code == 200
    before, row = await counts(db), await snapshot(db, Escalation, asked["id"])
    again = await answer(client, world, asked["id"], "admin", "Tweede antwoord", reusable=True)
    assert again.status_code == 409, again.text
    assert await counts(db) == before and await snapshot(db, Escalation, asked["id"]) == row


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"service": "XYZ", "question": "Vraag"}, 422),
        ({"service": "SZW", "question": "  "}, 422),
        ({"service": "SZW", "question": "Vraag", "dossier_id": 999_999}, 422),
        ({"service": "SZW", "question": "Vraag", "client_id": 999_999}, 422),
    ],
)
async def test_bad_escalations_write_nothing(client, world, db, body, status) -> None:
    before = await counts(db)
    response = await client.post("/api/v1/escalations", json=body, headers=world.token("kcc"))
    assert response.status_code == status, response.text
    assert await counts(db) == before


async def test_an_empty_answer_is_422_and_writes_nothing(client, world, db) -> None:
    asked = await escalate(client, world)
    before, row = await counts(db), await snapshot(db, Escalation, asked["id"])
    response = await answer(client, world, asked["id"], "szw", "   ")
    assert response.status_code == 422 and response.json()["extra"][0]["field"] == "answer"
    assert await counts(db) == before and await snapshot(db, Escalation, asked["id"]) == row


async def test_an_escalation_about_a_commitment_takes_its_client(client, world) -> None:
    commitment = await make_commitment(client, world)
    asked = await escalate(client, world, service="DSO", commitment_id=commitment["id"])
    assert asked["client_id"] == world.client_id and asked["commitment_id"] == commitment["id"]


async def reword(client, world, escalation_id: int, who: str = "admin", **values):
    body = {
        "title": "Paspoort vernieuwen vanuit het buitenland",
        "answer": "Aanvragen via de ambassade in Washington; pasfoto en oud paspoort meesturen.",
        "no_personal_data": True,
    }
    body.update(values)
    return await client.put(f"/api/v1/escalations/{escalation_id}/reusable-answer", json=body, headers=world.token(who))


async def test_reusable_answers_are_found_by_the_kcc(client, world, db) -> None:
    """Scenario 3: the passport answer, worded in general terms without personal data, is found by the next agent
    instead of the escalation's own question (which names the client)."""
    passport = await escalate(client, world, service="DPZ", question=PASSPORT, client_id=world.client_id)
    private = await escalate(client, world, service="DPZ", question="Paspoort van meneer Jansen kwijt?")
    dpz = await answer(client, world, passport["id"], "admin", "Via de ambassade, voor Jan de Vries.", reusable=True)
    assert dpz.status_code == 200 and dpz.json()["reusable"] is True
    assert (await answer(client, world, private["id"], "admin", "Eenmalig antwoord")).status_code == 200
    # proposed for reuse is not published
    assert (await client.get("/api/v1/answers", params={"q": "paspoort"}, headers=world.token("kcc"))).json() == []
    written = await reword(client, world, passport["id"])
    assert written.status_code == 200, written.text
    published = written.json()
    assert published["service"] == "DPZ" and published["question"] == "Paspoort vernieuwen vanuit het buitenland"
    found = await client.get("/api/v1/answers", params={"q": "paspoort ambassade"}, headers=world.token("kcc"))
    assert found.status_code == 200
    assert [(a["id"], a["service"]) for a in found.json()] == [(published["id"], "DPZ")]
    assert found.json()[0]["answer"].startswith("Aanvragen via de ambassade")
    assert set(found.json()[0]) == {"id", "service", "question", "answer", "written_at"}
    for text in (PASSPORT, "Jan de Vries", world.pseudonym, "Jansen"):
        assert text not in found.text
    assert [a["id"] for a in (await client.get("/api/v1/answers?q=PASPOORT", headers=world.token("kcc"))).json()] == [
        published["id"]
    ]
    assert (await client.get("/api/v1/answers?service=SZW&q=paspoort", headers=world.token("kcc"))).json() == []
    assert (await client.get("/api/v1/answers?q=rijbewijs", headers=world.token("kcc"))).json() == []
    # rewording replaces the text, one reusable answer per escalation, each write audited
    again = await reword(client, world, passport["id"], title="Paspoort aanvragen vanuit de VS")
    assert again.status_code == 200 and again.json()["id"] == published["id"]
    listed = (await client.get("/api/v1/answers", headers=world.token("cm"))).json()
    assert [a["question"] for a in listed] == ["Paspoort aanvragen vanuit de VS"]
    events = await audit_events(db, AuditEvent.object_type == "reusable_answer")
    assert [(e.action, e.actor_id, e.client_pseudonym) for e in events] == [
        ("create", world.admin.id, world.pseudonym),
        ("update", world.admin.id, world.pseudonym),
    ]
    assert "geen persoonsgegevens bevestigd" in events[0].detail


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"no_personal_data": False}, "no_personal_data"),
        ({"no_personal_data": None}, None),  # not a boolean: the schema refuses it
        ({"title": "  "}, "title"),
        ({"answer": ""}, "answer"),
        ({"title": "x" * 201}, "title"),
        ({"answer": "x" * 4001}, "answer"),
        ({"title": "Paspoort voor JAN DE VRIES"}, "title"),
        ({"answer": "Zijn BSN is {bsn}."}, "answer"),  # the client's own BSN
        ({"answer": "Bel 123456782 niet"}, "answer"),  # any number passing the 11-proof
    ],
)
async def test_a_reusable_answer_needs_general_confirmed_text(client, world, db, values, field) -> None:
    asked = await escalate(client, world, service="SZW", client_id=world.client_id)
    assert (await answer(client, world, asked["id"], "szw")).status_code == 200
    async with db() as session:
        bsn = (await session.get(Client, world.client_id)).bsn
    values = {k: v.format(bsn=bsn) if isinstance(v, str) else v for k, v in values.items()}
    before = await counts(db)
    response = await reword(client, world, asked["id"], "szw", **values)
    assert response.status_code in (400, 422) if field is None else response.status_code == 422, response.text
    if field is not None:
        assert [e["field"] for e in response.json()["extra"]] == [field]
    assert await counts(db) == before


async def test_only_the_service_words_an_answered_escalation(client, world, db) -> None:
    asked = await escalate(client, world, service="SZW", dossier_id=world.dossier_id)
    before = await counts(db)
    assert (await reword(client, world, asked["id"], "szw")).status_code == 409  # not answered yet
    assert (await answer(client, world, asked["id"], "szw")).status_code == 200
    before = await counts(db)
    for who in ("kcc", "cm", "dso", "evaluator"):
        assert (await reword(client, world, asked["id"], who)).status_code == 403, who
    assert (await reword(client, world, 999_999, "szw")).status_code == 404
    assert await counts(db) == before
    assert (await reword(client, world, asked["id"], "szw")).status_code == 200


async def test_list_state_filter_is_validated(client, world) -> None:
    response = await client.get("/api/v1/escalations?state=kwijt", headers=world.token("kcc"))
    assert response.status_code == 422


async def test_only_who_may_read_the_dossier_escalates_about_it(client, world, db) -> None:
    before = await counts(db)
    refused = await client.post(
        "/api/v1/escalations",
        json={"service": "SZW", "question": "Wat speelt er?", "dossier_id": world.dossier_id},
        headers=world.token("other_cm"),
    )
    assert refused.status_code == 403
    assert await counts(db) == before
    for who in ("cm", "dso", "kcc", "admin"):
        await escalate(client, world, by=who, dossier_id=world.dossier_id)


async def test_owner_service_names_the_team_as_for_commitments(client, world, db) -> None:
    """Issue 13: an escalation goes to a team's queue given as ``owner_service`` too; two different teams → 422."""
    body = {"question": "Wanneer wordt de bijstand uitbetaald?", "client_id": world.client_id}
    made = await client.post("/api/v1/escalations", json={**body, "owner_service": "ocw"}, headers=world.token("kcc"))
    assert made.status_code == 201, made.text
    assert made.json()["service"] == "OCW" and made.json()["assignee_id"] is None  # the OCW queue
    before = await counts(db)
    both = await client.post(
        "/api/v1/escalations", json={**body, "service": "SZW", "owner_service": "OCW"}, headers=world.token("kcc")
    )
    assert both.status_code == 422 and {e["field"] for e in both.json()["extra"]} == {"owner_service"}
    neither = await client.post("/api/v1/escalations", json=body, headers=world.token("kcc"))
    assert neither.status_code == 422 and {e["field"] for e in neither.json()["extra"]} == {"service"}
    assert await counts(db) == before

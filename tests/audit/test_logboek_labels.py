"""The Logboek in plain Dutch (issue 15): every action code, every change's detail code and every object type has
a Dutch label with no English word left; periods and dates read as dd-mm-jjjj; a dossier is named by its reference
and a client by its pseudonym."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from casemgmt.audit.labels import (
    ACTION_LABELS,
    OBJECT_TYPE_LABELS,
    UPDATE_DETAILS,
    action_label,
    detail_label,
    object_type_label,
)
from casemgmt.audit.services import Action
from casemgmt.clients.models import Client
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from tests.audit.test_logboek_page import admin_session, record
from tests.factories import create_client, create_contact, create_dossier, service_id
from tests.worklists.test_worklist import counting_queries

ACTION_CODES = sorted(
    {value for name, value in vars(Action).items() if name.isupper()}
    | set(ACTION_LABELS)
    | {"accept", "decline", "answer", "cancel", "reassign"}
)
DETAIL_CODES = ["accept", "decline", "cancel", "answer", "reassign", "pick_up", "reschedule", "fulfil", "miss"]
"""The detail codes the services write with ``update`` (handoffs, escalations, commitments)."""
OBJECT_TYPES = sorted(
    {
        *OBJECT_TYPE_LABELS,
        "client", "dossier", "contact", "commitment", "escalation", "handoff", "representative", "topic",
        "generator", "routing_view", "audit_log", "pilot", "user", "time_entry", "enrolment",
    }
)  # fmt: skip
ENGLISH = {
    "read", "search", "create", "update", "link", "export", "import", "accept", "decline", "answer", "cancel",
    "reassign", "reasoned", "merge", "pick", "up", "reschedule", "fulfil", "miss", "measures", "begin_nu", "list",
    "client", "dossier", "contact", "commitment", "escalation", "handoff", "topic", "generator", "user", "log",
    "service", "status", "id", "view", "entry", "time", "survey", "response", "enrolment", "assignment",
}  # fmt: skip
"""English words that must not reach a Logboek reader ("dossier", "status" are Dutch too: checked as codes only)."""
DUTCH_TOO = {"dossier", "status", "pilot", "export"}


def english_words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z_]+", text.lower()) if word in ENGLISH - DUTCH_TOO}


@pytest.mark.parametrize("code", ACTION_CODES)
def test_every_action_code_has_a_dutch_label(code: str) -> None:
    label = action_label(code)
    assert label != code and label[0].isupper() and not english_words(label), label


@pytest.mark.parametrize("code", DETAIL_CODES)
def test_a_change_named_by_its_detail_reads_as_one_dutch_action(code: str) -> None:
    assert action_label("update", code) == UPDATE_DETAILS[code]
    assert not english_words(action_label("update", code))
    assert detail_label("update", code) == ""  # no "Gewijzigd answer"


@pytest.mark.parametrize("object_type", OBJECT_TYPES)
def test_every_object_type_has_a_dutch_label(object_type: str) -> None:
    label = object_type_label(object_type)
    assert label != object_type and not english_words(label), label


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        (
            "export measures (csv excel-nl) van pilot proef, periode begin_nu, 12 rijen",
            "export maatstaven (csv Excel-NL) van pilot proef, periode: de hele looptijd tot nu, 12 rijen",
        ),
        (
            "export dossiers (xlsx) van pilot proef, periode 2026-03-01_2026-03-31, 7 rijen",
            "export per dossier (xlsx) van pilot proef, periode 01-03-2026 tot en met 31-03-2026, 7 rijen",
        ),
        ("periode begin_2026-03-31", "periode het begin tot en met 31-03-2026"),
        ("status=open casemanager_id= service=SZW", "status: open casemanager: alle dienst: SZW"),
        ("zoeksoort=naam; resultaten=3", "zoeksoort: naam; resultaten: 3"),
        ("dossier D-2026-00005; 30 min op 2026-03-02", "dossier D-2026-00005; 30 min op 02-03-2026"),
        ("max_caseload: 20 -> 25 (via api)", "maximale caseload: 20 -> 25 (via api)"),
        ("op 2026-13-45", "op 2026-13-45"),  # no real day: left alone, no error
        ("geïdentificeerd met BSN", "geïdentificeerd met BSN"),
    ],
)  # fmt: skip
def test_details_are_translated(detail: str, expected: str) -> None:
    assert detail_label("export", detail) == expected


@pytest.mark.anyio
async def test_logboek_page_shows_dutch_actions_and_references(client, make_user, db) -> None:
    await admin_session(client, make_user)
    casemanager = await make_user("casemanager")
    async with db() as session, session.begin():
        klant = await create_client(session, "Mila Meijer")
        dossier = await create_dossier(session, klant, casemanager.id)
        ref, pseudonym, dossier_id, client_id = dossier.ref, klant.pseudonym, dossier.id, klant.id
    await record(
        db,
        casemanager,
        {"action": "update", "object_type": "escalation", "object_id": "3", "detail": "answer"},
        {"action": "update", "object_type": "handoff", "object_id": "4", "detail": "accept"},
        {"action": "export", "object_type": "pilot", "object_id": "1", "detail": "export measures, periode begin_nu"},
        {"action": "read", "object_type": "dossier", "object_id": str(dossier_id), "client_pseudonym": pseudonym},
        {"action": "read", "object_type": "client", "object_id": str(client_id), "client_pseudonym": pseudonym},
    )  # fmt: skip
    html = (await client.get("/logboek")).text
    table = html[html.index('data-testid="logboek-tabel"') :]
    assert "Gewijzigd answer" not in table and not re.search(r"\b(answer|accept)\b", table)
    assert "Beantwoord" in table and "Geaccepteerd" in table
    assert "begin_nu" not in table and "periode: de hele looptijd tot nu" in table and "maatstaven" in table
    assert f"Dossier {ref}" in table and f"Dossier {dossier_id}<" not in table
    assert f"Klant {pseudonym}" in table


async def _objects_of_a_dossier_and_a_client(session, casemanager_id: int, n: int) -> dict[str, list[int]]:
    """``n`` clients, each with a dossier, and per client: a commitment, escalation, handoff and contact of the
    dossier, and a commitment, escalation and contact of the client alone; plus one anonymous contact."""
    now = datetime.now(UTC)
    szw, dso = await service_id(session, "SZW"), await service_id(session, "DSO")
    ids: dict[str, list[int]] = {}
    for i in range(n):
        klant = await create_client(session, f"Klant {i}")
        dossier = await create_dossier(session, klant, casemanager_id)
        for dossier_id in (dossier.id, None):
            made = Commitment(
                client_id=klant.id, dossier_id=dossier_id, kind="callback", description="Bellen",
                owner_id=casemanager_id, made_by_id=casemanager_id, made_at=now, due_at=now + timedelta(days=2),
                status="open",
            )  # fmt: skip
            asked = Escalation(
                service_id=szw, question="Vraag", client_id=klant.id, dossier_id=dossier_id, asked_by_id=casemanager_id,
                asked_at=now, due_at=now + timedelta(days=3),
            )  # fmt: skip
            session.add_all([made, asked])
            contact = await create_contact(session, klant, casemanager_id, dossier_id=dossier_id)
            await session.flush()
            suffix = "" if dossier_id else "_client"
            for kind, ident in (("commitment", made.id), ("escalation", asked.id), ("contact", contact.id)):
                ids.setdefault(kind + suffix, []).append(ident)
        handoff = Handoff(
            dossier_id=dossier.id, from_employee_id=casemanager_id, from_service_id=szw, to_service_id=dso,
            reason="Naar DSO", context="Context", requested_at=now,
        )  # fmt: skip
        session.add(handoff)
        await session.flush()
        ids.setdefault("handoff", []).append(handoff.id)
        ids.setdefault("ref", []).append(dossier.id)
    anonymous = Contact(
        channel="phone", direction="in", service_id=szw, employee_id=casemanager_id, occurred_at=now,
        outcome="resolved", summary="Anoniem",
    )  # fmt: skip
    session.add(anonymous)
    await session.flush()
    ids["anonymous"] = [anonymous.id]
    return ids


@pytest.mark.anyio
async def test_logboek_names_promises_escalations_handoffs_and_contacts_by_their_dossier(
    client, app, make_user, db
) -> None:
    """ "Toezegging bij D-2026-00005" instead of "Toezegging 12"; the client's pseudonym where there is no dossier;
    the id only where there is neither (an anonymous contact). One query per object type for the whole page."""
    await admin_session(client, make_user)
    casemanager = await make_user("casemanager")
    async with db() as session, session.begin():
        ids = await _objects_of_a_dossier_and_a_client(session, casemanager.id, 2)
        refs = {d.id: d.ref for d in (await session.scalars(select(Dossier))).all()}
        pseudonyms = list((await session.scalars(select(Client.pseudonym).order_by(Client.id))).all())
    events = [
        {"object_type": kind.removesuffix("_client"), "object_id": str(ident)}
        for kind in ("commitment", "escalation", "contact", "handoff", "commitment_client", "escalation_client",
                     "contact_client", "anonymous")
        for ident in ids[kind]
    ]  # fmt: skip
    for event in events:
        if event["object_type"] == "anonymous":
            event["object_type"] = "contact"
    events += [{"object_type": "timeline", "object_id": str(ident)} for ident in ids["ref"]]
    await record(db, casemanager, *events)
    with counting_queries(app) as statements:
        html = (await client.get("/logboek")).text
    table = html[html.index('data-testid="logboek-tabel"') :]
    for ref in refs.values():
        for label in ("Toezegging", "Escalatie", "Klantcontact", "Overdracht"):
            assert f"{label} bij {ref}<" in table, (label, ref)
    for pseudonym in pseudonyms:
        for label in ("Toezegging", "Escalatie", "Klantcontact"):
            assert f"{label} bij {pseudonym}<" in table, (label, pseudonym)
    assert f"Klantcontact {ids['anonymous'][0]}<" in table
    assert all(f"Tijdlijn bij {ref}<" in table for ref in refs.values())  # a timeline's id is its dossier's
    for kind in ("commitment", "escalation", "handoff"):
        assert not re.search(rf">(Toezegging|Escalatie|Overdracht) {ids[kind][0]}<", table)

    # twice as many objects on the page, the same number of queries (one per object type, none per row)
    async with db() as session, session.begin():
        more = await _objects_of_a_dossier_and_a_client(session, casemanager.id, 4)
    await record(
        db,
        casemanager,
        *({"object_type": k, "object_id": str(i)} for k in ("commitment", "handoff", "contact") for i in more[k]),
    )
    with counting_queries(app) as more_statements:
        assert (await client.get("/logboek")).status_code == 200
    assert len(more_statements) == len(statements)
    assert sum("FROM commitments" in s for s in statements) == 1 and sum("FROM handoffs" in s for s in statements) == 1

"""Limits everywhere (issue 11): every free-text control of every form carries a ``maxlength`` equal to its concept's
rule, and the server refuses what is longer with a Dutch message naming the field, writing nothing (pages and API)."""

from __future__ import annotations

import re

import pytest

from casemgmt.app import TEXT_LIMITS
from casemgmt.casefile.dossier_controllers import LAZY_ACTIONS as LAZY
from casemgmt.commitments.rules import MAX_DESCRIPTION, MAX_NOTE, MAX_REASON
from casemgmt.contacts.rules import SUBJECT_MAX, SUMMARY_MAX
from casemgmt.dossiers.rules import REASON_MAX
from casemgmt.dossiers.rules import SUBJECT_MAX as DOSSIER_SUBJECT_MAX
from casemgmt.escalations.rules import MAX_ANSWER, MAX_QUESTION, MAX_TITLE
from casemgmt.handoffs.rules import MAX_CONTEXT_LENGTH, MAX_REASON_LENGTH
from casemgmt.surveys.csv_format import COMMENT_MAX_LENGTH
from casemgmt.web.errors import MESSAGES
from casemgmt.web.limits import MAX_BODY_BYTES
from tests.worlds.personas import csrf_from
from tests.worlds.promises import counts, login_as, make_commitment, world  # noqa: F401

pytestmark = pytest.mark.anyio

_CONTROL = re.compile(r"<(textarea|input)\b([^>]*)>", re.IGNORECASE)
_TYPE = re.compile(r'\btype="([a-z-]+)"')
_NAME = re.compile(r'\bname="([^"]+)"')
_MAXLENGTH = re.compile(r'\bmaxlength="(\d+)"')
TEXT_TYPES = {"text", "email", "search", "tel", "password", "url"}


def free_text_controls(html: str) -> set[tuple[str, int | None]]:
    """Every textarea and text-like input of a page as (name, maxlength or None)."""
    found: set[tuple[str, int | None]] = set()
    for tag, attributes in _CONTROL.findall(html):
        kind = _TYPE.search(attributes)
        if tag.lower() == "input" and (kind.group(1) if kind else "text") not in TEXT_TYPES:
            continue
        name, limit = _NAME.search(attributes), _MAXLENGTH.search(attributes)
        found.add((name.group(1) if name else "?", int(limit.group(1)) if limit else None))
    return found


def names(controls: set[tuple[str, int | None]]) -> set[str]:
    return {name for name, _ in controls}


async def dossier_forms(client, dossier_id: int) -> str:  # type: ignore[no-untyped-def]
    """Every form of the dossier page the logged-in employee may open, as loaded when opened."""
    forms = [await client.get(f"/dossiers/{dossier_id}/formulier/{a}", headers={"HX-Request": "true"}) for a in LAZY]
    return "".join(form.text for form in forms if form.status_code == 200)


async def test_every_free_text_control_has_a_maxlength(client, world, make_user) -> None:  # noqa: F811
    pages: dict[str, str] = {}
    client.cookies.clear()
    pages["/login"] = (await client.get("/login")).text
    commitment = await make_commitment(client, world, by="cm", owner_id=world.cm.id)
    handoff = await client.post(
        "/api/v1/handoffs",
        json={"dossier_id": world.dossier_id, "to_service": "OCW", "reason": "Hoort bij OCW", "context": "c" * 40},
        headers=world.token("szw"),
    )
    assert handoff.status_code == 201, handoff.text
    asked = await client.post(
        "/api/v1/escalations", json={"service": "SZW", "question": "Mag dit?"}, headers=world.token("kcc")
    )
    answered = await client.post(
        "/api/v1/escalations", json={"service": "SZW", "question": "En dit?"}, headers=world.token("kcc")
    )
    await client.post(
        f"/api/v1/escalations/{answered.json()['id']}/answer", json={"answer": "Ja."}, headers=world.token("szw")
    )
    await login_as(client, world.cm)
    for path in (
        "/klanten/nieuw",
        f"/klanten/{world.client_id}",
        f"/dossiers/nieuw?client_id={world.client_id}",
        f"/contacten/nieuw?client_id={world.client_id}",
        f"/dossiers/{world.dossier_id}",
        "/escalaties/nieuw",
        "/antwoorden",
    ):
        pages[path] = (await client.get(path)).text
    # the dossier page's forms load when opened (issue 18): the page and its forms together
    pages[f"/dossiers/{world.dossier_id}"] += await dossier_forms(client, world.dossier_id)
    await login_as(client, world.ocw)
    pages["ocw: /werkvoorraad/overdrachten"] = (await client.get("/werkvoorraad/overdrachten")).text
    await login_as(client, world.szw)
    for escalation in (asked.json(), answered.json()):
        pages[f"szw: /escalaties/{escalation['id']}"] = (await client.get(f"/escalaties/{escalation['id']}")).text
    await login_as(client, world.admin)
    pages["admin: /tevredenheid/nieuw"] = (await client.get("/tevredenheid/nieuw")).text
    pages[f"admin: /dossiers/{world.dossier_id}"] = (await client.get(f"/dossiers/{world.dossier_id}")).text
    pages[f"admin: /dossiers/{world.dossier_id}"] += await dossier_forms(client, world.dossier_id)

    controls = {page: free_text_controls(html) for page, html in pages.items()}
    unlimited = {page: sorted(n for n, limit in found if limit is None) for page, found in controls.items()}
    assert {page: found for page, found in unlimited.items() if found} == {}
    # the numbers are the rules' (one place per concept), for a sample of the forms
    contact_page = controls[f"/contacten/nieuw?client_id={world.client_id}"]
    assert {("summary", SUMMARY_MAX), ("subject", SUBJECT_MAX)} <= contact_page
    assert ("subject", DOSSIER_SUBJECT_MAX) in controls[f"/dossiers/nieuw?client_id={world.client_id}"]
    assert controls["/escalaties/nieuw"] == {("question", MAX_QUESTION)}
    dossier_page = controls[f"/dossiers/{world.dossier_id}"]
    assert {("description", MAX_DESCRIPTION), ("context", MAX_CONTEXT_LENGTH), ("note", MAX_NOTE)} <= dossier_page
    assert {("reason", MAX_REASON), ("reason", MAX_REASON_LENGTH)} <= dossier_page  # cancel; handoff
    assert f'id="cm-note-{commitment["id"]}"' in pages[f"/dossiers/{world.dossier_id}"]
    assert ("reason", REASON_MAX) in controls[f"admin: /dossiers/{world.dossier_id}"]  # changing the casemanager
    assert controls["/login"] == {("email", 254), ("password", 1024)}
    assert controls["/klanten/nieuw"] == {
        (name, TEXT_LIMITS["clients"][name]) for name in names(controls["/klanten/nieuw"])
    }
    # every form that the test opened was there
    assert {"bsn", "name", "street", "postcode", "city"} <= names(controls["/klanten/nieuw"])
    assert {"organisation", "relation"} <= names(controls[f"/klanten/{world.client_id}"])
    assert ("reason", MAX_REASON_LENGTH) in controls["ocw: /werkvoorraad/overdrachten"]
    assert {("title", MAX_TITLE), ("answer", MAX_ANSWER)} <= controls[f"szw: /escalaties/{answered.json()['id']}"]
    assert ("comment", COMMENT_MAX_LENGTH) in controls["admin: /tevredenheid/nieuw"]


LONG = {"question": MAX_QUESTION + 1}


async def _api_cases(client, world) -> list[tuple[str, str, dict, str]]:  # noqa: F811
    """(method path, token, body, the field named) for one text beyond its limit per kind of API write."""
    commitment = await make_commitment(client, world, by="cm", owner_id=world.cm.id)
    escalation = await client.post(
        "/api/v1/escalations", json={"service": "SZW", "question": "Mag dit?"}, headers=world.token("kcc")
    )
    c, e = commitment["id"], escalation.json()["id"]
    return [
        (
            "POST /api/v1/contacts",
            "cm",
            {
                "client_id": world.client_id,
                "channel": "phone",
                "direction": "in",
                "service": "SZW",
                "outcome": "resolved",
                "transfers": 0,
                "topic": "bijstand",
                "summary": "x" * (SUMMARY_MAX + 1),
            },
            "summary",
        ),
        (
            "POST /api/v1/commitments",
            "cm",
            {
                "client_id": world.client_id,
                "dossier_id": world.dossier_id,
                "kind": "callback",
                "description": "x" * (MAX_DESCRIPTION + 1),
                "owner_id": world.cm.id,
            },
            "description",
        ),
        (f"POST /api/v1/commitments/{c}/fulfil", "cm", {"note": "x" * (MAX_NOTE + 1)}, "note"),
        (f"POST /api/v1/commitments/{c}/miss", "cm", {"note": "x" * (MAX_NOTE + 1)}, "note"),
        (f"POST /api/v1/commitments/{c}/cancel", "cm", {"reason": "x" * (MAX_REASON + 1)}, "reason"),
        (f"POST /api/v1/commitments/{c}/reassign", "cm", {"owner_id": world.szw.id, "reason": "x" * 501}, "reason"),
        (
            "POST /api/v1/handoffs",
            "szw",
            {
                "dossier_id": world.dossier_id,
                "to_service": "OCW",
                "reason": "Hoort bij OCW",
                "context": "x" * (MAX_CONTEXT_LENGTH + 1),
            },
            "context",
        ),
        ("POST /api/v1/escalations", "kcc", {"service": "SZW", "question": "x" * (MAX_QUESTION + 1)}, "question"),
        (f"POST /api/v1/escalations/{e}/answer", "szw", {"answer": "x" * (MAX_ANSWER + 1)}, "answer"),
        ("POST /api/v1/clients", "kcc", {"kind": "organisation", "kvk": "12345678", "name": "x" * 201}, "name"),
        (
            "POST /api/v1/clients",
            "kcc",
            {"kind": "organisation", "kvk": "12345678", "name": "Stichting", "address": {"street": "x" * 201}},
            "address.street",
        ),
        (
            f"PATCH /api/v1/clients/{world.client_id}",
            "kcc",
            {"version": 1, "preferred_time": "x" * (TEXT_LIMITS["clients"]["preferred_time"] + 1)},
            "preferred_time",
        ),
        (
            f"POST /api/v1/clients/{world.client_id}/representatives",
            "cm",
            {"name": "Rita", "organisation": "Wijkteam", "relation": "x" * 201},
            "relation",
        ),
        (
            "POST /api/v1/dossiers",
            "cm",
            {"client_id": world.client_id, "subject": "x" * (DOSSIER_SUBJECT_MAX + 1), "casemanager_id": world.cm.id},
            "subject",
        ),
        (
            f"PATCH /api/v1/dossiers/{world.dossier_id}",
            "admin",
            {"version": 1, "casemanager_id": world.other_cm.id, "reason": "x" * (REASON_MAX + 1)},
            "reason",
        ),
    ]


async def test_the_api_refuses_a_text_beyond_its_limit(client, world, db) -> None:  # noqa: F811
    wrong = []
    for target, who, body, field in await _api_cases(client, world):
        method, path = target.split(" ")
        before = await counts(db)
        response = await client.request(method, path, json=body, headers=world.token(who))
        named = [e["field"] for e in response.json().get("extra", [])] if response.status_code == 422 else []
        if field not in named or await counts(db) != before:
            wrong.append(f"{target} {field}: {response.status_code} {response.text[:200]}")
    assert wrong == []


async def test_the_api_document_declares_the_limits(client) -> None:
    schemas = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]

    def limit(schema: str, field: str) -> int | None:
        prop = schemas[schema]["properties"][field]
        options = [prop, *prop.get("oneOf", []), *prop.get("anyOf", [])]
        return next((o["maxLength"] for o in options if "maxLength" in o), None)

    assert limit("ContactIn", "summary") == SUMMARY_MAX
    assert limit("CommitmentCreate", "description") == MAX_DESCRIPTION
    assert limit("CommitmentCancel", "reason") == MAX_REASON
    assert limit("HandoffCreate", "context") == MAX_CONTEXT_LENGTH
    assert limit("HandoffDecline", "reason") == MAX_REASON_LENGTH
    assert limit("EscalationCreate", "question") == MAX_QUESTION
    assert limit("ReusableAnswerIn", "title") == MAX_TITLE
    assert limit("AddressIn", "street") == TEXT_LIMITS["clients"]["street"]
    assert limit("ClientPatch", "preferred_time") == TEXT_LIMITS["clients"]["preferred_time"]
    assert limit("RepresentativeCreate", "relation") == TEXT_LIMITS["clients"]["relation"]
    assert limit("DossierUpdate", "reason") == REASON_MAX
    assert limit("CohortChangeIn", "reason") == TEXT_LIMITS["pilots"]["reason"]


async def test_the_pages_refuse_a_text_beyond_its_limit_in_dutch(client, world, db) -> None:  # noqa: F811
    commitment = await make_commitment(client, world, by="cm", owner_id=world.cm.id)
    await login_as(client, world.cm)
    token = csrf_from((await client.get(f"/dossiers/{world.dossier_id}")).text)
    cases = [
        (f"/toezeggingen/{commitment['id']}/nagekomen", {"note": "x" * (MAX_NOTE + 1)}, "De toelichting is te lang"),
        (f"/toezeggingen/{commitment['id']}/intrekken", {"reason": "x" * (MAX_REASON + 1)}, "De reden is te lang"),
        (
            f"/dossiers/{world.dossier_id}/toezeggingen",
            {"kind": "callback", "owner_id": str(world.cm.id), "description": "x" * (MAX_DESCRIPTION + 1)},
            "De toezegging is te lang",
        ),
    ]
    for path, data, message in cases:
        before = await counts(db)
        response = await client.post(path, data={**data, "_csrf_token": token}, headers={"hx-request": "true"})
        assert response.status_code == 422 and message in response.text, (path, response.status_code)
        assert await counts(db) == before, path


@pytest.mark.parametrize(
    ("path", "field", "values", "message"),
    [
        ("/escalaties", "question", {"service": "SZW"}, f"De vraag is te lang ({MAX_QUESTION + 1} tekens"),
    ],
)
async def test_a_form_refuses_a_text_beyond_its_limit(client, world, db, path, field, values, message) -> None:  # noqa: F811
    await login_as(client, world.kcc)
    page = await client.get("/escalaties/nieuw")
    before = await counts(db)
    response = await client.post(
        path, data={**values, field: "x" * (MAX_QUESTION + 1), "_csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 422 and message in response.text
    assert await counts(db) == before


async def test_a_body_beyond_two_megabytes_is_413_and_writes_nothing(client, world, db) -> None:  # noqa: F811
    big = "x" * MAX_BODY_BYTES
    before = await counts(db)
    response = await client.post(
        "/api/v1/escalations", json={"service": "SZW", "question": big}, headers=world.token("kcc")
    )
    assert response.status_code == 413
    assert response.json() == {"status_code": 413, "detail": MESSAGES[413]}
    await login_as(client, world.kcc)
    page = await client.get("/escalaties/nieuw")
    form = await client.post(
        "/escalaties", data={"service": "SZW", "question": big, "_csrf_token": csrf_from(page.text)}
    )
    assert form.status_code == 413 and "Maak de tekst of het bestand kleiner" in form.text
    assert await counts(db) == before
    # just under the bound the body is read, and the rule names the field
    near = await client.post(
        "/api/v1/escalations", json={"service": "SZW", "question": big[:-100]}, headers=world.token("kcc")
    )
    assert near.status_code == 422 and near.json()["extra"][0]["field"] == "question"


async def test_the_imports_take_larger_bodies(client, world) -> None:  # noqa: F811
    """The dossier import has its own bound (a JSON Lines body of 3 MB is read and reported on, not refused)."""
    body = b'{"ref": "D-2026-00001"}\n' + b" " * (3 * 1024 * 1024) + b"\n"
    response = await client.post(
        "/api/v1/dossiers/import",
        content=body,
        headers={**world.token("admin"), "content-type": "application/x-ndjson"},
    )
    assert response.status_code == 422, response.text[:300]
    assert response.json()["errors"][0]["line"] == 1

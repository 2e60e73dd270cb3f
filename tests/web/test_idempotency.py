"""Idempotent writes (issue 11): a form submitted twice with its one-time key, or an API POST repeated with the same
``Idempotency-Key``, creates one record and answers as the first did; another body under a spent key is refused;
keys are per user; a refused first attempt frees its key; keys expire after 24 hours; parallel duplicates make one
record."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from casemgmt.audit.models import AuditEvent
from casemgmt.casefile.dossier_controllers import LAZY_ACTIONS
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.handoffs.models import Handoff
from casemgmt.surveys.csv_format import COLUMNS
from casemgmt.surveys.models import SurveyResponse
from casemgmt.web import idempotency
from casemgmt.web.idempotency import (
    FORM_REUSED,
    IN_PROGRESS,
    INVALID_KEY,
    KEY_LIFETIME,
    KEY_REUSED,
    SUBMISSION_FIELD,
    IdempotencyKey,
    Outcome,
    fingerprint,
    headers_to_store,
    keeps_answer,
    outcome_for_duplicate,
    prune_expired_keys,
    still_valid,
    submission_key_field,
    valid_key,
)
from tests.worlds.casework import Casework, arrange, count, login_as
from tests.worlds.personas import login

pytestmark = pytest.mark.anyio

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HTMX = {"HX-Request": "true"}
_KEY_FIELD = re.compile(r'name="_submission_key" value="([^"]+)"')
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
async def world(make_user, make_token, db) -> Casework:  # type: ignore[no-untyped-def]
    return await arrange(make_user, make_token, db)


# -- the rules -------------------------------------------------------------------------------------------------------


def test_a_key_is_1_to_255_visible_ascii_characters() -> None:
    assert valid_key("3f1c9a0e-5d7b-4c1e-9f0a-2b6d8e4f1a3c")
    assert valid_key("x") and valid_key("a" * 255) and valid_key("!~")
    for bad in ("", "a" * 256, "met spatie", "tab\t", "nul\x00", "é", "regel\n"):
        assert not valid_key(bad), bad


def test_the_fingerprint_tells_requests_apart_but_not_multipart_boundaries() -> None:
    base = fingerprint("POST", "/api/v1/contacts", b"", b'{"a":1}')
    assert base == fingerprint("post", "/api/v1/contacts", b"", b'{"a":1}')
    assert base != fingerprint("POST", "/api/v1/contacts", b"", b'{"a":2}')
    assert base != fingerprint("POST", "/api/v1/clients", b"", b'{"a":1}')
    assert base != fingerprint("PUT", "/api/v1/contacts", b"", b'{"a":1}')
    assert base != fingerprint("POST", "/api/v1/contacts", b"x=1", b'{"a":1}')
    # the parts are length-prefixed: moving bytes from the path into the query is another request
    assert fingerprint("POST", "/a", b"b", b"") != fingerprint("POST", "/ab", b"", b"")

    def upload(boundary: str, content: str) -> bytes:
        return (
            f'--{boundary}\r\nContent-Disposition: form-data; name="bestand"; filename="a.csv"\r\n\r\n'
            f"{content}\r\n--{boundary}--\r\n"
        ).encode()

    first = fingerprint("POST", "/tevredenheid/import", b"", upload("aaa111", "x;y"), b"aaa111")
    assert first == fingerprint("POST", "/tevredenheid/import", b"", upload("bbb222", "x;y"), b"bbb222")
    assert first != fingerprint("POST", "/tevredenheid/import", b"", upload("bbb222", "x;z"), b"bbb222")


@given(st.binary(max_size=64), st.binary(max_size=64))
def test_different_bodies_never_share_a_fingerprint(one: bytes, other: bytes) -> None:
    same = fingerprint("POST", "/p", b"", one) == fingerprint("POST", "/p", b"", other)
    assert same == (one == other)


def test_only_successful_answers_are_kept() -> None:
    assert all(keeps_answer(status) for status in (200, 201, 204, 303))
    assert not any(keeps_answer(status) for status in (400, 403, 404, 409, 422, 429, 500, 503))


def test_cookies_and_the_date_are_not_kept_with_the_answer() -> None:
    headers = [(b"content-type", b"application/json"), (b"Set-Cookie", b"s=1"), (b"date", b"x"), (b"location", b"/k")]
    assert headers_to_store(headers) == [["content-type", "application/json"], ["location", "/k"]]


def test_a_key_counts_for_24_hours() -> None:
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    assert still_valid(now - KEY_LIFETIME + timedelta(seconds=1), now)
    assert not still_valid(now - KEY_LIFETIME, now)


def test_what_a_duplicate_gets() -> None:
    assert outcome_for_duplicate("abc", 201, "abc") is Outcome.REPLAY
    assert outcome_for_duplicate("abc", None, "abc") is Outcome.IN_PROGRESS
    assert outcome_for_duplicate("abc", 201, "def") is Outcome.REUSED
    assert outcome_for_duplicate("abc", None, "def") is Outcome.REUSED


def test_every_rendered_form_gets_its_own_key() -> None:
    keys = {_KEY_FIELD.search(str(submission_key_field())).group(1) for _ in range(100)}  # type: ignore[union-attr]
    assert len(keys) == 100 and all(valid_key(key) and len(key) >= 20 for key in keys)
    fresh = str(submission_key_field(id='a"b', oob=True))
    assert 'id="a&#34;b"' in fresh and 'hx-swap-oob="true"' in fresh


def test_every_form_that_writes_carries_a_submission_key() -> None:
    forms = 0
    for template in TEMPLATES.rglob("*.html"):
        for form in re.findall(r"<form\b[^>]*>.*?</form>", template.read_text(encoding="utf-8"), flags=re.S):
            if 'method="post"' in form:
                forms += 1
                assert "submission_key_field(" in form, template.relative_to(TEMPLATES)
    assert forms >= 20


# -- the API ---------------------------------------------------------------------------------------------------------


def contact(w: Casework, summary: str = "Beller wil de casemanager spreken.") -> dict[str, object]:
    return {
        "client_id": w.client_id,
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "resolved",
        "transfers": 0,
        "topic": "bijstand",
        "summary": summary,
    }


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def test_the_same_key_twice_makes_one_record_and_the_same_answer(client, db, world: Casework) -> None:
    headers = keyed(world.tokens["kcc"], "contact-1")
    first = await client.post("/api/v1/contacts", json=contact(world), headers=headers)
    again = await client.post("/api/v1/contacts", json=contact(world), headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert await count(db, Contact) == 1
    # the handler did not run again: one create in the audit log
    assert await count(db, AuditEvent, AuditEvent.object_type == "contact", AuditEvent.action == "create") == 1


async def test_a_key_without_header_or_another_key_is_a_new_request(client, db, world: Casework) -> None:
    await client.post("/api/v1/contacts", json=contact(world), headers=keyed(world.tokens["kcc"], "k-1"))
    await client.post("/api/v1/contacts", json=contact(world), headers=keyed(world.tokens["kcc"], "k-2"))
    await client.post("/api/v1/contacts", json=contact(world), headers=world.tokens["kcc"])
    assert await count(db, Contact) == 3


async def test_the_same_key_with_another_body_is_refused(client, db, world: Casework) -> None:
    headers = keyed(world.tokens["kcc"], "contact-1")
    assert (await client.post("/api/v1/contacts", json=contact(world), headers=headers)).status_code == 201
    other = await client.post("/api/v1/contacts", json=contact(world, "Iets heel anders."), headers=headers)
    assert other.status_code == 422
    assert other.json()["extra"] == [{"field": "Idempotency-Key", "message": KEY_REUSED}]
    elsewhere = await client.post(f"/api/v1/commitments/{999}/fulfil", json={}, headers=headers)
    assert elsewhere.status_code == 422  # another path under the same key
    assert await count(db, Contact) == 1


async def test_keys_are_per_user(client, db, world: Casework) -> None:
    mine = await client.post("/api/v1/contacts", json=contact(world), headers=keyed(world.tokens["kcc"], "same"))
    theirs = await client.post("/api/v1/contacts", json=contact(world), headers=keyed(world.tokens["am"], "same"))
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"] and theirs.json()["employee_id"] == world.am.id
    assert "idempotent-replayed" not in theirs.headers
    assert await count(db, Contact) == 2


async def test_a_malformed_key_is_422_and_writes_nothing(client, db, world: Casework) -> None:
    for bad in ("met spatie", "x" * 256):
        response = await client.post("/api/v1/contacts", json=contact(world), headers=keyed(world.tokens["kcc"], bad))
        assert response.status_code == 422, bad
        assert response.json()["extra"] == [{"field": "Idempotency-Key", "message": INVALID_KEY}]
    assert await count(db, Contact) == 0 and await count(db, IdempotencyKey) == 0


async def test_a_refused_first_attempt_is_not_kept_and_frees_the_key(client, db, world: Casework) -> None:
    headers = keyed(world.tokens["kcc"], "retry-me")
    refused = await client.post("/api/v1/contacts", json={**contact(world), "channel": "duif"}, headers=headers)
    assert refused.status_code == 422
    assert await count(db, IdempotencyKey) == 0
    corrected = await client.post("/api/v1/contacts", json=contact(world), headers=headers)
    assert corrected.status_code == 201 and "idempotent-replayed" not in corrected.headers
    assert await count(db, Contact) == 1 and await count(db, IdempotencyKey) == 1


async def test_a_key_older_than_24_hours_is_ignored_and_pruned(client, db, world: Casework) -> None:
    headers = keyed(world.tokens["kcc"], "yesterday")
    await client.post("/api/v1/contacts", json=contact(world), headers=headers)
    async with db() as session, session.begin():
        await session.execute(update(IdempotencyKey).values(created_at=datetime.now(UTC) - timedelta(hours=25)))
    again = await client.post("/api/v1/contacts", json=contact(world, "Een nieuw gesprek."), headers=headers)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert await count(db, Contact) == 2 and await count(db, IdempotencyKey) == 1  # the old claim made room
    async with db() as session, session.begin():
        await session.execute(update(IdempotencyKey).values(created_at=datetime.now(UTC) - timedelta(hours=25)))
        assert await prune_expired_keys(session) == 1
    assert await count(db, IdempotencyKey) == 0


async def test_every_post_operation_documents_the_header(client) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    posts = [(path, item["post"]) for path, item in document["paths"].items() if "post" in item]
    assert len(posts) >= 10
    for path, operation in posts:
        header = [p for p in operation.get("parameters", []) if p["name"] == "Idempotency-Key"]
        assert header and header[0]["in"] == "header" and not header[0]["required"], path
        assert {"409", "422"} <= set(operation["responses"]), path
    for path, item in document["paths"].items():
        for method in set(item) - {"post"}:
            names = [p["name"] for p in item[method].get("parameters", [])] if isinstance(item[method], dict) else []
            assert "Idempotency-Key" not in names, (method, path)


async def test_parallel_duplicates_make_one_record(live_server: str, db, world: Casework) -> None:
    """Ten requests with one key at once (uvicorn, real connections): the first claims the key, the others wait
    for it and get its answer."""
    headers = keyed(world.tokens["kcc"], "parallel")
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        answers = await asyncio.gather(
            *(http.post("/api/v1/contacts", json=contact(world), headers=headers) for _ in range(10))
        )
    assert [a.status_code for a in answers] == [201] * 10, [a.text for a in answers]
    assert len({a.content for a in answers}) == 1
    assert sum("idempotent-replayed" in a.headers for a in answers) == 9
    assert await count(db, Contact) == 1


async def test_parallel_requests_without_a_key_are_not_held_back(live_server: str, db, world: Casework) -> None:
    """The control: the same ten requests without a key are ten contacts (the claim is what makes one)."""
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        answers = await asyncio.gather(
            *(http.post("/api/v1/contacts", json=contact(world), headers=world.tokens["kcc"]) for _ in range(10))
        )
    assert [a.status_code for a in answers] == [201] * 10
    assert await count(db, Contact) == 10


async def test_a_duplicate_that_waits_too_long_answers_409(client, db, world: Casework, monkeypatch) -> None:
    """The first request with the key still holds it (here: an open transaction that claimed it): the duplicate
    waits CLAIM_WAIT_SECONDS, then answers 409 and writes nothing; once the holder is gone the key is free."""
    monkeypatch.setattr(idempotency, "CLAIM_WAIT_SECONDS", 0.5)
    headers = keyed(world.tokens["kcc"], "held")
    async with db() as holder, holder.begin():
        now = datetime.now(UTC)
        holder.add(IdempotencyKey(user_id=world.kcc.id, key="held", fingerprint="x" * 64, created_at=now))
        await holder.flush()
        waiting = await client.post("/api/v1/contacts", json=contact(world), headers=headers)
        assert waiting.status_code == 409, waiting.text
        assert waiting.json()["detail"] == IN_PROGRESS
        await holder.rollback()
    assert await count(db, Contact) == 0
    assert (await client.post("/api/v1/contacts", json=contact(world), headers=headers)).status_code == 201


# -- the pages -------------------------------------------------------------------------------------------------------


def form_fields(html: str, action: str) -> dict[str, str]:
    """The CSRF token and the submission key of the form posting to ``action`` on a rendered page."""
    match = re.search(rf'<form\b[^>]*action="{re.escape(action)}".*?</form>', html, flags=re.S)
    assert match, f"no form for {action}"
    form = match.group(0)
    return {"_csrf_token": _CSRF.search(form).group(1), SUBMISSION_FIELD: _KEY_FIELD.search(form).group(1)}  # type: ignore[union-attr]


async def form_page(client, dossier_id: int, action: str) -> str:  # type: ignore[no-untyped-def]
    """A dossier page form as loaded when its action is opened (issue 18: the page renders only the open one)."""
    response = await client.get(f"/dossiers/{dossier_id}/formulier/{action}", headers=HTMX)
    assert response.status_code == 200, response.text
    return str(response.text)


async def test_every_form_on_the_dossier_page_has_a_key_of_its_own(client, world: Casework) -> None:
    await login_as(client, world.cm)
    page = (await client.get(f"/dossiers/{world.dossier_id}")).text
    page += "".join([await form_page(client, world.dossier_id, action) for action in LAZY_ACTIONS])
    posts = len(re.findall(r'<form\b[^>]*method="post"', page))
    keys = _KEY_FIELD.findall(page)
    assert posts >= 6 and len(keys) == posts and len(set(keys)) == posts


async def test_contact_vastleggen_submitted_twice_stores_one_contact(client, db, world: Casework) -> None:
    await login_as(client, world.kcc)
    page = (await client.get(f"/contacten/nieuw?client_id={world.client_id}")).text
    data = {
        **form_fields(page, "/contacten"),
        "client_id": str(world.client_id),
        "dossier_id": "",
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "resolved",
        "transfers": "0",
        "topic": "bijstand",
        "occurred_at": "",
        "subject": "",
        "summary": "Vraag over de bijstand beantwoord.",
    }
    first = await client.post("/contacten", data=data, follow_redirects=False)
    again = await client.post("/contacten", data=data, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"] == f"/klanten/{world.client_id}"
    assert await count(db, Contact) == 1
    # a changed form under the same key (the back button) is refused with a Dutch message, nothing written
    changed = await client.post("/contacten", data={**data, "summary": "Iets anders."}, follow_redirects=False)
    assert changed.status_code == 422 and FORM_REUSED in changed.text
    assert await count(db, Contact) == 1
    # a freshly rendered form has a new key: the next contact is a new one
    page = (await client.get(f"/contacten/nieuw?client_id={world.client_id}")).text
    fresh = await client.post("/contacten", data={**data, **form_fields(page, "/contacten")}, follow_redirects=False)
    assert fresh.status_code == 303 and await count(db, Contact) == 2


async def test_the_dossier_contact_form_posted_twice_by_htmx_answers_the_same_fragment(
    client, db, world: Casework
) -> None:
    await login_as(client, world.cm)
    action = f"/dossiers/{world.dossier_id}/contacten"
    page = await form_page(client, world.dossier_id, "contact")
    data = {
        **form_fields(page, action),
        "channel": "phone",
        "direction": "out",
        "service": "KCC",
        "outcome": "resolved",
        "transfers": "0",
        "topic": "bijstand",
        "occurred_at": "",
        "subject": "",
        "summary": "Klant teruggebeld over de bijstand.",
    }
    first = await client.post(action, data=data, headers=HTMX)
    again = await client.post(action, data=data, headers=HTMX)
    assert first.status_code == again.status_code == 200, first.text
    assert again.text == first.text and "contact-opgeslagen" in first.text
    assert await count(db, Contact, Contact.dossier_id == world.dossier_id) == 1


async def test_the_commitment_form_submitted_twice_makes_one_commitment(client, db, world: Casework) -> None:
    await login_as(client, world.am)
    action = f"/dossiers/{world.dossier_id}/toezeggingen"
    fields = form_fields(await form_page(client, world.dossier_id, "commitment"), action)
    data = {**fields, "kind": "callback", "description": "Ik bel u vrijdag.", "owner_id": str(world.am.id)}
    # a refused first attempt frees the key: the corrected form goes through under it
    refused = await client.post(action, data={**data, "description": ""}, follow_redirects=False)
    assert refused.status_code == 422
    first = await client.post(action, data=data, follow_redirects=False)
    again = await client.post(action, data=data, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"] == f"/dossiers/{world.dossier_id}"
    assert await count(db, Commitment) == 1


async def test_the_handoff_form_submitted_twice_makes_one_handoff(client, db, world: Casework) -> None:
    await login_as(client, world.am)
    action = f"/dossiers/{world.dossier_id}/overdrachten"
    fields = form_fields(await form_page(client, world.dossier_id, "handoff"), action)
    context = "Kantoorpand omgebouwd tot woningen; de nieuwe bewoner kan zich daardoor niet inschrijven."
    data = {**fields, "to_service": "DSO", "reason": "Bouwzaken", "context": context}
    first = await client.post(action, data=data, follow_redirects=False)
    again = await client.post(action, data=data, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Handoff)) == 1


async def test_a_form_key_is_per_user(client, db, world: Casework) -> None:
    """A key seen by someone else (a shared screen, a log) does not replay the first user's answer to them."""
    await login_as(client, world.am)
    action = f"/dossiers/{world.dossier_id}/toezeggingen"
    fields = form_fields(await form_page(client, world.dossier_id, "commitment"), action)
    body = {"kind": "callback", "description": "Ik bel u vrijdag.", "owner_id": str(world.am.id)}
    assert (await client.post(action, data={**fields, **body}, follow_redirects=False)).status_code == 303
    await login_as(client, world.cm)
    token = form_fields(await form_page(client, world.dossier_id, "commitment"), action)["_csrf_token"]
    data = {**body, "_csrf_token": token, SUBMISSION_FIELD: fields[SUBMISSION_FIELD], "owner_id": str(world.cm.id)}
    assert (await client.post(action, data=data, follow_redirects=False)).status_code == 303
    assert await count(db, Commitment) == 2


async def test_a_survey_file_uploaded_twice_is_imported_once_and_the_form_gets_a_fresh_key(
    client, db, make_user
) -> None:
    """The import form stays on the page after htmx posted it: its answer brings a new key (hx-swap-oob), so the
    next file is a new import; the same upload twice (a new multipart boundary each time) is imported once."""
    admin = await make_user("admin")
    await login(client, admin.email)
    fields = form_fields((await client.get("/tevredenheid/import")).text, "/tevredenheid/import")

    def upload(*respondents: str) -> dict[str, tuple[str, bytes, str]]:
        lines = [",".join(COLUMNS), *(f"{r},2026-03-04,ja,8,,,,,,,,," for r in respondents)]
        return {"bestand": ("bureau.csv", ("\r\n".join(lines) + "\r\n").encode(), "text/csv")}

    first = await client.post("/tevredenheid/import", files=upload("R-1", "R-2"), data=fields, headers=HTMX)
    again = await client.post("/tevredenheid/import", files=upload("R-1", "R-2"), data=fields, headers=HTMX)
    assert first.status_code == again.status_code == 200, first.text
    assert again.text == first.text and "2 antwoorden geïmporteerd." in first.text
    assert await count(db, SurveyResponse) == 2
    fresh = re.search(
        r'<input type="hidden" name="_submission_key" value="([^"]+)" id="import-sleutel" hx-swap-oob', first.text
    )
    assert fresh and fresh.group(1) != fields[SUBMISSION_FIELD]
    data = {**fields, SUBMISSION_FIELD: fresh.group(1)}
    other = await client.post("/tevredenheid/import", files=upload("R-3"), data=data, headers=HTMX)
    assert other.status_code == 200 and "1 antwoord" in other.text
    assert await count(db, SurveyResponse) == 3

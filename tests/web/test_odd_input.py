"""Odd input gets a clear 4xx before it reaches the database, on both databases alike, and writes nothing: record
numbers beyond a 64-bit id (404 in the path, a field error in the query), text no database can store (a NUL
character, a lone surrogate) and absurdly deep JSON (422 naming the field)."""

from __future__ import annotations

import pytest

from casemgmt.errors import InvalidInput
from casemgmt.web.input_guard import (
    MAX_JSON_DEPTH,
    NO_SUCH_NUMBER,
    TOO_DEEP,
    UNSTORABLE,
    storable,
    unstorable_fields,
)
from tests.worlds.casework import Casework, arrange, counts
from tests.worlds.personas import csrf_from, login

pytestmark = pytest.mark.anyio


@pytest.fixture
async def world(make_user, make_token, db) -> Casework:  # type: ignore[no-untyped-def]
    return await arrange(make_user, make_token, db)


def test_storable_text() -> None:
    assert storable("Gewoon een zin, met é en 😀.")
    assert not storable("a\x00b")
    assert not storable("a\ud800b")


def test_unstorable_fields_are_named_by_their_path() -> None:
    body = {"summary": "ok", "contacts": [{"note": "x\x00"}, {"note": "fine"}], "bad\x00key": 1}
    assert sorted(unstorable_fields(body)) == ["body", "contacts.0.note"]
    assert list(unstorable_fields([["ok"]])) == []


def test_nesting_deeper_than_the_limit_is_refused_without_recursion() -> None:
    deep: object = "x"
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(InvalidInput) as refused:
        list(unstorable_fields(deep))
    assert refused.value.errors[0].message == TOO_DEEP
    shallow: object = "x"
    for _ in range(MAX_JSON_DEPTH):
        shallow = [shallow]
    assert list(unstorable_fields(shallow)) == []


async def test_a_nul_in_a_query_parameter_is_422_naming_it(client, world: Casework) -> None:
    response = await client.get("/api/v1/commitments?service=%00SZW", headers=world.tokens["am"])
    assert response.status_code == 422, response.text
    assert response.json()["extra"] == [{"field": "service", "message": UNSTORABLE}]


async def test_a_nul_in_a_json_body_is_422_and_writes_nothing(client, db, world: Casework) -> None:
    before = await counts(db)
    body = {
        "client_id": world.client_id,
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "answered",
        "summary": "Beller\x00 vraagt naar zijn aanvraag.",
    }
    response = await client.post("/api/v1/contacts", json=body, headers=world.tokens["kcc"])
    assert response.status_code == 422, response.text
    assert response.json()["extra"] == [{"field": "summary", "message": UNSTORABLE}]
    assert await counts(db) == before


async def test_json_nested_100_000_deep_is_422(client, world: Casework) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    response = await client.post(
        "/api/v1/contacts", content=body, headers={**world.tokens["kcc"], "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["extra"][0]["message"] == TOO_DEEP


async def test_a_nul_in_a_page_form_gets_the_dutch_message_and_writes_nothing(client, db, world: Casework) -> None:
    await login(client, world.kcc.email)
    token = csrf_from((await client.get("/klanten/nieuw")).text)
    before = await counts(db)
    response = await client.post(
        "/klanten",
        data={"_csrf_token": token, "kind": "person", "name": "Jan\x00 Jansen", "bsn": "", "phone": "", "email": ""},
    )
    assert response.status_code == 422
    assert "niet kan worden opgeslagen" in response.text
    assert await counts(db) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/dossiers/18825872313424170450944"),
        ("POST", "/api/v1/commitments/2297014932889253629040525312/fulfil"),
        ("PATCH", "/api/v1/contacts/926082354852272990098292736"),
        ("POST", "/api/v1/handoffs/38298845057195574771975192576/accept"),
        ("POST", "/api/v1/handoffs/38298845057195574771975192576/decline"),
        ("GET", "/api/v1/clients/9223372036854775808/routing"),
    ],
)
async def test_a_path_number_beyond_any_id_is_404(client, db, world: Casework, method: str, path: str) -> None:
    before = await counts(db)
    response = await client.request(method, path, json={"reason": "g"}, headers=world.tokens["admin"])
    assert response.status_code == 404, response.text
    assert response.json()["detail"] == NO_SUCH_NUMBER
    assert await counts(db) == before


async def test_a_page_with_such_a_number_is_the_dutch_404(client, world: Casework) -> None:
    await login(client, world.cm.email)
    response = await client.get("/dossiers/99999999999999999999999")
    assert response.status_code == 404
    assert NO_SUCH_NUMBER in response.text


@pytest.mark.parametrize(
    "path",
    ["/api/v1/commitments?owner_id=99999999999999999999", "/api/v1/dossiers?casemanager_id=99999999999999999999"],
)
async def test_a_query_number_beyond_any_id_is_refused_naming_it(client, world: Casework, path: str) -> None:
    response = await client.get(path, headers=world.tokens["admin"])
    assert 400 <= response.status_code < 500, response.text
    field = path.split("?")[1].split("=")[0]
    assert field in response.text


async def test_the_logboek_filter_refuses_such_an_actor_number(client, world: Casework) -> None:
    response = await client.get("/api/v1/audit?actor_id=99999999999999999999", headers=world.tokens["admin"])
    assert response.status_code == 422, response.text
    assert response.json()["extra"][0]["field"] == "actor_id"


async def test_a_method_a_route_does_not_have_is_405_with_the_allowed_methods(client, world: Casework) -> None:
    api = await client.request("TRACE", "/api/v1/clients", headers=world.tokens["admin"])
    assert api.status_code == 405
    assert {m.strip() for m in api.headers["allow"].split(",")} >= {"GET", "POST"}
    page = await client.delete("/login")
    assert page.status_code == 405 and "allow" in page.headers

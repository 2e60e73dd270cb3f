"""Representatives as persons of their own (issue 12): the rules, linking an existing person to a second client,
the search by name and phone with the clients they act for (need to know: limited clients show name and pseudonym
only), one representative with all their clients, and the audit log (kind and count, never the query)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from casemgmt.clients import rules
from casemgmt.clients.models import ClientRepresentative, Representative
from casemgmt.clients.services import today_in_amsterdam
from tests.factories import create_client, create_dossier
from tests.worlds.personas import login
from tests.worlds.representatives import represents

pytestmark = pytest.mark.anyio

TODAY = date(2026, 12, 3)


# -- rules ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("070 362 4415", "0703624415"),
        ("070-3624415", "0703624415"),
        ("+31 70 362 4415", "0703624415"),
        ("0031 (0)70 3624415", "0703624415"),  # the (0) people write after the country code
        ("+32 2 555 12 12", "003225551212"),
        ("", ""),
    ],
)
def test_phone_digits_are_one_national_form(typed: str, digits: str) -> None:
    assert rules.phone_digits(typed) == digits


def test_a_query_of_digits_is_a_phone_number_else_a_name() -> None:
    assert rules.classify_representative_query("070 362") == rules.RepresentativeQuery("phone", "070362")
    assert rules.classify_representative_query("+31 6 4120") == rules.RepresentativeQuery("phone", "064120")
    assert rules.classify_representative_query("  Ellen  SMEETS ") == rules.RepresentativeQuery("name", "ellen smeets")
    assert not rules.classify_representative_query("07").searchable  # too few digits
    assert not rules.classify_representative_query("E").searchable  # too few letters


def test_a_representation_needs_a_relation_and_may_not_run_backwards() -> None:
    link, errors = rules.check_representation(relation=" Bewindvoerder ", today=TODAY)
    assert link == rules.Representation("Bewindvoerder", TODAY, None) and errors == []
    link, errors = rules.check_representation(
        relation="", valid_from="2026-12-10", valid_until="2026-12-01", today=TODAY
    )
    assert link is None and [e.field for e in errors] == ["relation", "valid_until"]
    assert rules.is_current(TODAY, None, TODAY) and rules.is_current(TODAY - timedelta(1), TODAY, TODAY)
    assert not rules.is_current(TODAY + timedelta(1), None, TODAY)


def test_a_person_is_cleaned_with_the_forms_the_search_compares() -> None:
    person, errors = rules.check_representative_person(
        name=" Ellen   Smeets ", organisation="Bewindvoering Haaglanden", phone="+31 70 362 4415"
    )
    assert errors == [] and person is not None
    assert (person.name, person.name_normalised, person.phone_digits) == ("Ellen Smeets", "ellen smeets", "0703624415")
    none, errors = rules.check_representative_person(name="", organisation="", email="geen")
    assert none is None and [e.field for e in errors] == ["name", "organisation", "email"]


# -- the API -------------------------------------------------------------------------------------------------------


async def _world(db, make_user):  # type: ignore[no-untyped-def]
    """Ellen Smeets acts for Anna (on the casemanager's dossier) and Bert (not: limited for the casemanager), and
    acted for Cor until last month; Youssef Haddou acts for Anna."""
    cm = await make_user("casemanager")
    today = today_in_amsterdam()
    async with db() as session, session.begin():
        anna = await create_client(session, "Anna Jansen", address="Spui 1")
        bert = await create_client(session, "Bert de Boer", address="Spui 2")
        cor = await create_client(session, "Cor Visser", address="Spui 3")
        await create_dossier(session, anna, cm.id)
        ellen = represents(
            client_id=anna.id,
            name="Ellen Smeets",
            organisation="Bewindvoering Haaglanden",
            phone="070 362 4415",
            relation="Beschermingsbewindvoerder",
            valid_from=today - timedelta(days=300),
        )
        session.add(ellen)
        await session.flush()
        person = ellen.representative
        session.add_all(
            [
                represents(client_id=bert.id, relation="Bewindvoerder", valid_from=today - timedelta(10), who=person),
                represents(
                    client_id=cor.id,
                    relation="Bewindvoerder",
                    valid_from=today - timedelta(400),
                    valid_until=today - timedelta(30),
                    who=person,
                ),
                represents(
                    client_id=anna.id,
                    name="Youssef Haddou",
                    organisation="Jongerenwerk Transvaal",
                    phone="06 4120 8833",
                    relation="Jongerenwerker",
                    valid_from=today - timedelta(5),
                ),
            ]
        )
    return {"cm": cm, "anna": anna, "bert": bert, "cor": cor, "ellen": person.id}


async def test_search_by_name_shows_the_clients_they_act_for_today(client, db, make_user, employee, audit_events):
    w = await _world(db, make_user)
    _, headers = await employee("kcc_agent")
    response = await client.get("/api/v1/representatives", params={"q": "smee"}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "name"
    [hit] = body["items"]
    assert (hit["id"], hit["name"], hit["organisation"], hit["phone"]) == (
        w["ellen"],
        "Ellen Smeets",
        "Bewindvoering Haaglanden",
        "070 362 4415",
    )
    assert [(c["name"], c["relation"], c["access"], c["current"]) for c in hit["clients"]] == [
        ("Anna Jansen", "Beschermingsbewindvoerder", "full", True),
        ("Bert de Boer", "Bewindvoerder", "full", True),
    ]  # Cor's link ended: not "now"
    assert hit["clients"][0]["valid_from"] == (today_in_amsterdam() - timedelta(days=300)).isoformat()
    [event, *_] = [e for e in await audit_events() if e.action == "search"]
    assert (event.object_type, event.detail) == ("representative", "zoeksoort=name; resultaten=1")
    assert "smee" not in " ".join(e.detail for e in await audit_events())
    shown = {e.client_pseudonym for e in await audit_events() if e.action == "search"}
    assert shown == {w["anna"].pseudonym, w["bert"].pseudonym}


async def test_search_by_phone_in_any_format(client, db, make_user, employee) -> None:
    w = await _world(db, make_user)
    _, headers = await employee("kcc_agent")
    for typed in ("070-3624415", "+31 70 362 44 15", "0703624"):
        body = (await client.get("/api/v1/representatives", params={"q": typed}, headers=headers)).json()
        assert body["kind"] == "phone" and [h["id"] for h in body["items"]] == [w["ellen"]], typed
    body = (await client.get("/api/v1/representatives", params={"q": "haddou"}, headers=headers)).json()
    assert [h["name"] for h in body["items"]] == ["Youssef Haddou"]  # the start of a later word of the name
    short = (await client.get("/api/v1/representatives", params={"q": "e"}, headers=headers)).json()
    assert short == {"kind": "", "items": []}


async def test_limited_clients_show_name_and_pseudonym_only(client, db, make_user, make_token) -> None:
    w = await _world(db, make_user)
    headers = await make_token(w["cm"])
    body = (await client.get("/api/v1/representatives", params={"q": "Ellen"}, headers=headers)).json()
    anna, bert = body["items"][0]["clients"]
    assert (anna["name"], anna["access"], anna["relation"]) == ("Anna Jansen", "full", "Beschermingsbewindvoerder")
    assert bert == {
        "client_id": w["bert"].id,
        "name": "Bert de Boer",
        "pseudonym": w["bert"].pseudonym,
        "access": "limited",
        "relation": None,
        "valid_from": None,
        "valid_until": None,
        "current": None,
        "link_id": bert["link_id"],
    }
    one = (await client.get(f"/api/v1/representatives/{w['ellen']}", headers=headers)).json()
    assert [(c["name"], c["access"]) for c in one["clients"]] == [
        ("Anna Jansen", "full"),
        ("Bert de Boer", "limited"),
        ("Cor Visser", "limited"),
    ]
    await login(client, w["cm"].email)
    page = await client.get(f"/vertegenwoordigers/{w['ellen']}")
    assert page.status_code == 200 and "beperkte weergave" in page.text and "Beschermingsbewindvoerder" in page.text
    assert "Spui 2" not in page.text


async def test_one_representative_lists_current_clients_first(client, db, make_user, employee, audit_events) -> None:
    w = await _world(db, make_user)
    _, headers = await employee("kcc_agent")
    body = (await client.get(f"/api/v1/representatives/{w['ellen']}", headers=headers)).json()
    assert [(c["name"], c["current"]) for c in body["clients"]] == [
        ("Anna Jansen", True),
        ("Bert de Boer", True),
        ("Cor Visser", False),
    ]
    reads = [e for e in await audit_events() if e.action == "read" and e.object_type == "representative"]
    assert {e.client_pseudonym for e in reads} == {w["anna"].pseudonym, w["bert"].pseudonym, w["cor"].pseudonym}
    missing = await client.get("/api/v1/representatives/999999", headers=headers)
    assert missing.status_code == 404


async def test_the_evaluator_finds_no_representatives(client, db, make_user, employee) -> None:
    w = await _world(db, make_user)
    _, headers = await employee("evaluator")
    assert (await client.get("/api/v1/representatives", params={"q": "Ellen"}, headers=headers)).status_code == 403
    assert (await client.get(f"/api/v1/representatives/{w['ellen']}", headers=headers)).status_code == 403


async def test_link_an_existing_representative_to_another_client(client, db, make_user, employee) -> None:
    w = await _world(db, make_user)
    _, headers = await employee("kcc_agent")
    async with db() as session, session.begin():
        dirk = await create_client(session, "Dirk Mulder")
    url = f"/api/v1/clients/{dirk.id}/representatives"
    link = {"representative_id": w["ellen"], "relation": "Bewindvoerder"}
    response = await client.post(url, json=link, headers=headers)
    assert response.status_code == 201, response.text
    data = response.json()
    assert (data["representative_id"], data["name"], data["relation"]) == (w["ellen"], "Ellen Smeets", "Bewindvoerder")
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Representative)) == 2  # no new person
        links = await session.scalar(select(func.count()).where(ClientRepresentative.representative_id == w["ellen"]))
        assert links == 4
    again = await client.post(url, json=link, headers=headers)
    assert again.status_code == 422
    assert again.json()["extra"][0]["field"] == "representative_id"  # already linked for this period
    both = await client.post(
        url, json={"representative_id": w["ellen"], "relation": "Advocaat", "name": "Iemand"}, headers=headers
    )
    assert both.status_code == 422 and both.json()["extra"][0]["field"] == "representative_id"
    unknown = await client.post(url, json={"representative_id": 999999, "relation": "Advocaat"}, headers=headers)
    assert unknown.status_code == 422 and unknown.json()["extra"][0]["field"] == "representative_id"
    nothing = await client.post(url, json={"relation": "Advocaat"}, headers=headers)
    assert {e["field"] for e in nothing.json()["extra"]} == {"name", "organisation"}

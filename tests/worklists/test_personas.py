"""The persona matrix for every route of commitments, handoffs, escalations and worklists: an anonymous visitor, each
role, and (for the actions) employees who are or are not involved. The evaluator is refused everywhere: these pages
and API routes all hold personal data."""

from __future__ import annotations

import pytest

from tests.worlds.personas import csrf_from, login
from tests.worlds.promises import CONTEXT, counts, login_as, make_commitment

pytestmark = pytest.mark.anyio

PANELS = ["toezeggingen", "overdrachten", "escalaties", "dossiers", "teller"]
READ_PAGES = [
    "/werkvoorraad",
    *[f"/werkvoorraad/{panel}" for panel in PANELS],
    "/terugbelnotities",
    "/escalaties",
    "/escalaties/nieuw",
    "/escalaties/{escalation}",
    "/antwoorden",
]
READ_API = [
    "/api/v1/commitments",
    "/api/v1/commitments?state=overdue",
    "/api/v1/escalations",
    "/api/v1/answers?q=paspoort",
    "/api/v1/worklist",
]
ROLE_PERSONA = {"kcc_agent": "kcc", "casemanager": "cm", "accountmanager": "szw", "admin": "admin"}
KCC_DIRECTION = {"/terugbelnotities"}  # kcc_agent and admin only


async def arrange(client, world) -> dict[str, int]:
    commitment = await make_commitment(client, world)
    handoff = await client.post(
        "/api/v1/handoffs",
        json={"dossier_id": world.dossier_id, "to_service": "OCW", "reason": "WMO", "context": CONTEXT},
        headers=world.token("szw"),
    )
    escalation = await client.post(
        "/api/v1/escalations",
        json={"service": "SZW", "question": "Waarom niet betaald?", "dossier_id": world.dossier_id},
        headers=world.token("kcc"),
    )
    assert handoff.status_code == 201 and escalation.status_code == 201
    return {"commitment": commitment["id"], "handoff": handoff.json()["id"], "escalation": escalation.json()["id"]}


def posts(ids: dict[str, int], world) -> list[tuple[str, dict[str, str]]]:
    c, h, e = ids["commitment"], ids["handoff"], ids["escalation"]
    return [
        ("/escalaties", {"service": "SZW", "question": "Nog een vraag"}),
        (f"/escalaties/{e}/antwoord", {"answer": "Antwoord"}),
        (f"/toezeggingen/{c}/nagekomen", {"note": "Gebeld"}),
        (f"/toezeggingen/{c}/niet-nagekomen", {"note": "Kan niet"}),
        (f"/toezeggingen/{c}/intrekken", {"reason": "Niet nodig"}),
        (f"/toezeggingen/{c}/overdragen", {"owner_id": str(world.szw.id), "reason": "Over"}),
        (f"/overdrachten/{h}/accepteren", {}),
        (f"/overdrachten/{h}/weigeren", {"reason": "Nee"}),
        (f"/overdrachten/{h}/intrekken", {}),
    ]


def api_posts(ids: dict[str, int], world) -> list[tuple[str, dict]]:
    c, h, e = ids["commitment"], ids["handoff"], ids["escalation"]
    return [
        (
            "/api/v1/commitments",
            {"client_id": world.client_id, "kind": "callback", "description": "Bel terug", "owner_id": world.szw.id},
        ),
        (f"/api/v1/commitments/{c}/fulfil", {"note": "Gebeld"}),
        (f"/api/v1/commitments/{c}/miss", {"note": "Kan niet"}),
        (f"/api/v1/commitments/{c}/cancel", {"reason": "Niet nodig"}),
        (f"/api/v1/commitments/{c}/reassign", {"owner_id": world.szw.id, "reason": "Over"}),
        (
            "/api/v1/handoffs",
            {"dossier_id": world.dossier_id, "to_service": "DPZ", "reason": "Naar DPZ", "context": CONTEXT},
        ),
        (f"/api/v1/handoffs/{h}/accept", {}),
        (f"/api/v1/handoffs/{h}/decline", {"reason": "Nee"}),
        (f"/api/v1/handoffs/{h}/cancel", {}),
        ("/api/v1/escalations", {"service": "SZW", "question": "Vraag"}),
        (f"/api/v1/escalations/{e}/answer", {"answer": "Antwoord", "reusable": True}),
    ]


async def test_anonymous_visitors_are_sent_to_login_and_the_api_answers_401(client, world, db) -> None:
    ids = await arrange(client, world)
    before = await counts(db)
    for path in READ_PAGES:
        response = await client.get(path.format(**ids), follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path
    htmx = await client.get("/werkvoorraad/teller", headers={"hx-request": "true"}, follow_redirects=False)
    assert htmx.headers["hx-redirect"].startswith("/login")
    token = csrf_from((await client.get("/login")).text)
    for path, data in posts(ids, world):
        response = await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    for path in READ_API:
        assert (await client.get(path)).status_code == 401, path
    for path, body in api_posts(ids, world):
        assert (await client.post(path, json=body)).status_code == 401, path
    assert await counts(db) == before


async def test_the_evaluator_is_refused_everywhere_and_nothing_is_written(client, world, db) -> None:
    ids = await arrange(client, world)
    before = await counts(db)
    assert (await login(client, world.evaluator.email)).status_code == 303
    token = csrf_from((await client.get("/")).text)
    for path in READ_PAGES:
        response = await client.get(path.format(**ids))
        assert response.status_code == 403, path
        assert "Jan de Vries" not in response.text, path
    for path, data in posts(ids, world):
        response = await client.post(path, data={**data, "_csrf_token": token})
        assert response.status_code == 403, path
    headers = world.token("evaluator")
    for path in READ_API:
        response = await client.get(path, headers=headers)
        assert response.status_code == 403, path
    for path, body in api_posts(ids, world):
        response = await client.post(path, json=body, headers=headers)
        assert response.status_code == 403, path
    assert await counts(db) == before


@pytest.mark.parametrize("role", sorted(ROLE_PERSONA))
async def test_employees_read_every_page_and_list(client, world, role) -> None:
    ids = await arrange(client, world)
    person = world.person(ROLE_PERSONA[role])
    await login_as(client, person)
    for path in READ_PAGES:
        response = await client.get(path.format(**ids))
        allowed = path not in KCC_DIRECTION or role in ("kcc_agent", "admin")
        assert response.status_code == (200 if allowed else 403), (role, path)
    for path in READ_API:
        response = await client.get(path, headers=world.token(ROLE_PERSONA[role]))
        assert response.status_code == 200, (role, path, response.text)


async def test_werkvoorraad_in_the_navigation_of_caseworkers_only(client, world) -> None:
    for who, shown in (("cm", True), ("szw", True), ("admin", True), ("kcc", False)):
        await login_as(client, world.person(who))
        page = await client.get("/")
        assert ('href="/werkvoorraad"' in page.text) is shown, who
        assert ('href="/terugbelnotities"' in page.text) is (who in ("kcc", "admin")), who


async def test_unknown_panel_is_404(client, world) -> None:
    await login_as(client, world.cm)
    assert (await client.get("/werkvoorraad/iets")).status_code == 404


# Who may act on a commitment of the dossier (owner dso, made by dso): the owner and maker, the dossier's current
# casemanager and accountmanagers and admins; nobody else. KCC agents see it (direction over callbacks) but act only
# on the callbacks they made (issue 13).
COMMITMENT_ACTORS = [
    ("dso", 200),
    ("cm", 200),
    ("szw", 200),
    ("kcc", 403),
    ("admin", 200),
    ("other_cm", 403),
    ("ocw", 403),
    ("evaluator", 403),
]


@pytest.mark.parametrize(("who", "status"), COMMITMENT_ACTORS)
async def test_who_may_act_on_a_commitment(client, world, db, who, status) -> None:
    made = await make_commitment(client, world)
    before = await counts(db)
    response = await client.post(
        f"/api/v1/commitments/{made['id']}/cancel", json={"reason": "Klant belde zelf"}, headers=world.token(who)
    )
    assert response.status_code == status, response.text
    if status == 403:
        assert await counts(db) == before
    else:
        assert response.json()["status"] == "cancelled"
    listed = await client.get("/api/v1/commitments", headers=world.token(who))
    visible = [c["id"] for c in listed.json()["items"]] if listed.status_code == 200 else []
    assert (made["id"] in visible) is (status == 200 or who == "kcc"), who

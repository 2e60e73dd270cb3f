"""The client pages: Klant zoeken (with and without htmx), Wie helpt deze klant?, Nieuwe klant, representatives."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.models import Client, Representative
from tests.factories import create_client, create_dossier
from tests.worlds.personas import csrf_token, login
from tests.worlds.representatives import represents

pytestmark = pytest.mark.anyio

HX = {"HX-Request": "true"}
XSS = "<script>alert(1)</script>"


async def count(db, model) -> int:
    """Rows of ``model``; of the audit log, the casework's events (not logging in and out)."""
    where = [AuditEvent.object_type != "user"] if model is AuditEvent else []
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def logged_in(client, make_user, role: str = "kcc_agent", **values):
    person = await make_user(role, services=values.pop("services", ["KCC"] if role == "kcc_agent" else None), **values)
    assert (await login(client, person.email)).status_code == 303
    return person


async def test_search_page_has_one_search_box_wired_for_htmx(client, make_user) -> None:
    await logged_in(client, make_user)
    page = await client.get("/klanten")
    assert page.status_code == 200
    text = page.text
    assert '<h1 class="utrecht-heading-1">Klant zoeken</h1>' in text
    assert (
        '<label class="utrecht-form-label" for="zoekterm">BSN, KvK-nummer, naam, dossiernummer of kenmerk</label>'
        in text
    )
    assert 'hx-get="/klanten/zoeken"' in text
    assert 'hx-trigger="input changed delay:300ms, search"' in text
    assert 'hx-target="#zoekresultaten"' in text
    assert 'method="get" action="/klanten"' in text
    assert 'id="zoekresultaten" aria-live="polite"' in text
    assert "Nieuwe klant vastleggen" in text


async def test_search_without_javascript_and_as_you_type(client, db, make_user, audit_events) -> None:
    async with db() as session, session.begin():
        anna = await create_client(session, "Anna de Boer", bsn="123456782", address="Spui 1")
        await create_client(session, "Karel Appel")
    agent = await logged_in(client, make_user)
    full = await client.get("/klanten", params={"q": "de boer"})
    assert full.status_code == 200
    assert "Anna de Boer" in full.text and "Karel Appel" not in full.text
    assert 'value="de boer"' in full.text
    assert f'href="/klanten/{anna.id}"' in full.text
    assert f'hx-get="/klanten/{anna.id}/routering" hx-target="#routering"' in full.text
    assert "******782" in full.text and "123456782" not in full.text  # BSN masked in the results

    fragment = await client.get("/klanten/zoeken", params={"q": "123 456 782"}, headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "Anna de Boer" in fragment.text and "1 klant gevonden." in fragment.text
    assert fragment.headers["vary"] == "HX-Request"

    plain = await client.get("/klanten/zoeken", params={"q": "appel"})
    assert "<html" in plain.text and "Karel Appel" in plain.text

    events = await audit_events()
    assert [(e.action, e.object_type, e.actor_id) for e in events] == [("search", "client", agent.id)] * 3
    assert [e.detail.split(";")[0] for e in events] == ["zoeksoort=name", "zoeksoort=bsn", "zoeksoort=name"]
    assert events[1].client_pseudonym == anna.pseudonym
    assert all("123456782" not in e.detail for e in events)


async def test_search_messages(client, db, make_user, audit_events) -> None:
    await logged_in(client, make_user)
    short = await client.get("/klanten/zoeken", params={"q": "a"}, headers=HX)
    assert "Typ ten minste 2 tekens." in short.text
    wrong = await client.get("/klanten/zoeken", params={"q": "123456783"}, headers=HX)
    assert "Ongeldig BSN (elfproef)" in wrong.text
    empty = await client.get("/klanten/zoeken", params={"q": ""}, headers=HX)
    assert empty.status_code == 200 and "gevonden" not in empty.text
    none = await client.get("/klanten/zoeken", params={"q": "niemand"}, headers=HX)
    assert "Geen klant gevonden." in none.text and "/klanten/nieuw" in none.text
    assert [e.detail for e in await audit_events()] == ["zoeksoort=name; resultaten=0"]  # only a real search counts


async def test_search_by_dossier_reference_on_the_page(client, db, make_user) -> None:
    cm = await make_user("casemanager")
    async with db() as session, session.begin():
        person = await create_client(session, "Mevrouw Yilmaz")
        dossier = await create_dossier(session, person, cm.id)
    await logged_in(client, make_user, "accountmanager", services=["SZW"])
    response = await client.get("/klanten/zoeken", params={"q": dossier.ref}, headers=HX)
    assert "Mevrouw Yilmaz" in response.text
    assert "/klanten/nieuw" not in response.text  # an accountmanager does not create clients


async def test_routing_page_shows_who_helps_this_client(client, db, make_user, audit_events) -> None:
    cm = await make_user("casemanager", name="Carla Mulder", phone="070 353 1001")
    szw = await make_user("accountmanager", services=["SZW"], name="Sara Zwart", phone="070 353 2001")
    async with db() as session, session.begin():
        person = await create_client(session, "Henk de Wit", bsn="111222333", phone="06 5555 4444", address="Spui 70")
        dossier = await create_dossier(session, person, cm.id, {"SZW": szw.id}, subject="Schulden en WMO")
        closed = await create_dossier(session, person, cm.id, subject="Afgesloten vraag", status="closed")
        session.add(
            represents(
                client_id=person.id,
                name="Sanne Bakker",
                organisation="Wijkteam Centrum",
                phone="06 2222 3333",
                relation="maatschappelijk werker",
                valid_from=closed.opened_at.date(),
            )
        )
    agent = await logged_in(client, make_user)
    page = await client.get(f"/klanten/{person.id}")
    assert page.status_code == 200
    text = page.text
    assert '<h1 id="routering-titel-' in text and "Wie helpt deze klant?</h1>" in text
    assert "Henk de Wit" in text and "******333" in text and "111222333" not in text
    assert "06 55554444" in text and "Spui 70" in text  # the phone in national format (stored +31655554444)
    assert dossier.ref in text and "Schulden en WMO" in text
    # the closed dossier is not among the open ones: it shows (issue 12) only in the timeline and "Gesloten dossiers"
    current, record = text.split("Tijdlijn van de klant", 1)
    assert closed.ref not in current and "Afgesloten vraag" not in current
    assert closed.ref in record.split("Gesloten dossiers", 1)[1]
    assert "Carla Mulder" in text and "070 353 1001" in text
    assert "Sara Zwart" in text and "070 353 2001" in text and "ma-vr 08:30-17:00" in text and "070 353 7500" in text
    assert "Vertegenwoordigers" in text and "Sanne Bakker" in text and "Wijkteam Centrum" in text
    assert f'href="/klanten/{person.id}/acties/contact"' in text and "Contact vastleggen" in text  # in place (issue 15)
    assert "/dossiers/nieuw" not in text  # a KCC agent does not open dossiers
    assert "Vertegenwoordiger toevoegen" in text
    event, record_event = await audit_events()
    assert (event.action, event.object_type, event.actor_id, event.purpose, event.client_pseudonym) == (
        "read",
        "routing_view",
        agent.id,
        "klantcontact",
        person.pseudonym,
    )
    assert (record_event.action, record_event.object_type, record_event.client_pseudonym) == (
        "read",
        "client",
        person.pseudonym,
    )


async def test_routing_fragment_opens_in_place(client, db, make_user) -> None:
    async with db() as session, session.begin():
        person = await create_client(session, "Henk de Wit")
    await logged_in(client, make_user, "casemanager")
    fragment = await client.get(f"/klanten/{person.id}/routering", headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "Wie helpt deze klant?</h2>" in fragment.text
    assert f'href="/dossiers/nieuw?client_id={person.id}"' in fragment.text and "Dossier openen" in fragment.text
    page = await client.get(f"/klanten/{person.id}/routering")
    assert "<html" in page.text and "Wie helpt deze klant?</h1>" in page.text
    assert (await client.get("/klanten/999999")).status_code == 404


async def test_accountmanager_sees_routing_without_forms_to_change(client, db, make_user) -> None:
    async with db() as session, session.begin():
        person = await create_client(session, "Henk de Wit")
    await logged_in(client, make_user, "accountmanager", services=["SZW"])
    page = await client.get(f"/klanten/{person.id}")
    assert page.status_code == 200
    assert "Vertegenwoordiger toevoegen" not in page.text and "Dossier openen" not in page.text


async def test_client_name_is_escaped_everywhere(client, db, make_user) -> None:
    async with db() as session, session.begin():
        person = await create_client(session, XSS, address="<b>Spui</b>")
        session.add(
            represents(
                client_id=person.id,
                name=XSS,
                organisation="<i>org</i>",
                relation="x",
                valid_from=person.created_at.date(),
            )
        )
    await logged_in(client, make_user)
    for response in (
        await client.get("/klanten/zoeken", params={"q": "<script>"}, headers=HX),
        await client.get("/klanten", params={"q": "<script>al"}),
        await client.get(f"/klanten/{person.id}"),
        await client.get(f"/klanten/{person.id}/routering", headers=HX),
    ):
        assert response.status_code == 200
        assert XSS not in response.text and "<b>Spui</b>" not in response.text
        assert html.escape(XSS, quote=False) in response.text.replace("&#34;", '"').replace("&#39;", "'")


async def test_create_client_form(client, db, make_user, audit_events) -> None:
    cm = await logged_in(client, make_user, "casemanager")
    form = await client.get("/klanten/nieuw")
    assert form.status_code == 200 and "Nieuwe klant vastleggen" in form.text
    token = await csrf_token(client, "/klanten/nieuw")
    response = await client.post(
        "/klanten",
        data={
            "kind": "person",
            "bsn": "123456782",
            "name": "Jan de Vries",
            "phone": "06 1234 1234",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    async with db() as session:
        created = await session.scalar(select(Client))
    assert response.headers["location"] == f"/klanten/{created.id}"
    assert (created.bsn, created.name, created.created_by_id) == ("123456782", "Jan de Vries", cm.id)
    page = await client.get(response.headers["location"])
    assert "Klant Jan de Vries is vastgelegd." in page.text
    assert [(e.action, e.object_type) for e in await audit_events()] == [
        ("create", "client"),
        ("read", "routing_view"),
        ("read", "client"),  # the klantbeeld below it: timeline and closed dossiers
    ]


async def test_create_with_a_known_bsn_leads_to_the_existing_client(client, db, make_user) -> None:
    async with db() as session, session.begin():
        existing = await create_client(session, "Fatima El Amrani", bsn="111222333")
    await logged_in(client, make_user)
    token = await csrf_token(client, "/klanten/nieuw")
    response = await client.post(
        "/klanten",
        data={"kind": "person", "bsn": "111 222 333", "name": "Iemand Anders", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/klanten/{existing.id}"
    page = await client.get(response.headers["location"])
    assert "Er bestaat al een klant met dit BSN" in page.text and "Fatima El Amrani" in page.text
    assert await count(db, Client) == 1


async def test_create_form_errors_are_shown_per_field_keeping_what_was_typed(client, db, make_user) -> None:
    await logged_in(client, make_user, "admin")
    token = await csrf_token(client, "/klanten/nieuw")
    response = await client.post(
        "/klanten",
        data={
            "kind": "person",
            "bsn": "123456783",
            "name": "",
            "email": "jan@",
            "street": "Spui <1>",
            "postcode": "0511 AB",
            "phone": "06 1",
            "_csrf_token": token,
        },
    )
    assert response.status_code == 422
    text = response.text
    assert "Ongeldig BSN (elfproef)" in text and "Naam is verplicht" in text and "Ongeldig e-mailadres" in text
    assert 'value="123456783"' in text and 'value="jan@"' in text and 'value="Spui &lt;1&gt;"' in text
    assert "Ongeldige postcode" in text and 'value="0511 AB"' in text and "Ongeldig telefoonnummer" in text
    assert 'aria-invalid="true" aria-describedby="klant-bsn-fout"' in text
    org = await client.post("/klanten", data={"kind": "organisation", "kvk": "123", "name": "BV", "_csrf_token": token})
    assert org.status_code == 422 and "Ongeldig KvK-nummer (8 cijfers)" in org.text
    assert 'id="kind-organisation"\n             name="kind" value="organisation" checked' in org.text
    assert await count(db, Client) == 0
    assert await count(db, AuditEvent) == 0


async def test_create_without_csrf_token_is_refused(client, db, make_user) -> None:
    await logged_in(client, make_user)
    response = await client.post("/klanten", data={"kind": "person", "bsn": "123456782", "name": "Jan"})
    assert response.status_code == 403
    assert await count(db, Client) == 0


async def test_add_representative_inline_with_htmx(client, db, make_user, audit_events) -> None:
    async with db() as session, session.begin():
        person = await create_client(session, "Gerda Smit")
    await logged_in(client, make_user)
    token = await csrf_token(client, f"/klanten/{person.id}")
    headers = {**HX, "x-csrftoken": token}
    bad = await client.post(
        f"/klanten/{person.id}/vertegenwoordigers",
        data={"name": "Sanne <Bakker>", "organisation": "", "relation": "buurtcoach", "valid_until": "morgen"},
        headers=headers,
    )
    assert bad.status_code == 422
    assert "<html" not in bad.text
    assert "Organisatie is verplicht" in bad.text and "Ongeldige datum; gebruik jjjj-mm-dd" in bad.text
    assert 'value="Sanne &lt;Bakker&gt;"' in bad.text and 'value="buurtcoach"' in bad.text
    assert await count(db, Representative) == 0

    good = await client.post(
        f"/klanten/{person.id}/vertegenwoordigers",
        data={"name": "Sanne Bakker", "organisation": "Wijkteam", "relation": "buurtcoach", "phone": "06 2"},
        headers=headers,
    )
    assert good.status_code == 200
    assert "Vertegenwoordiger Sanne Bakker is toegevoegd." in good.text
    assert "Wijkteam" in good.text and 'value="Sanne Bakker"' not in good.text  # the list shows it, the form is empty
    assert await count(db, Representative) == 1
    assert [(e.action, e.object_type) for e in await audit_events()][-2:] == [
        ("create", "representative"),
        ("link", "representative"),
    ]


async def test_add_representative_without_javascript(client, db, make_user) -> None:
    async with db() as session, session.begin():
        person = await create_client(session, "Gerda Smit")
    await logged_in(client, make_user, "kcc_agent")  # the KCC sees every client in full
    token = await csrf_token(client, f"/klanten/{person.id}")
    bad = await client.post(
        f"/klanten/{person.id}/vertegenwoordigers",
        data={"name": "", "organisation": "Wijkteam", "relation": "buurtcoach", "_csrf_token": token},
    )
    assert bad.status_code == 422 and "<html" in bad.text and "Naam is verplicht" in bad.text
    assert 'value="Wijkteam"' in bad.text
    good = await client.post(
        f"/klanten/{person.id}/vertegenwoordigers",
        data={"name": "Piet Post", "organisation": "Wijkteam", "relation": "buurtcoach", "_csrf_token": token},
        follow_redirects=False,
    )
    assert good.status_code == 303 and good.headers["location"] == f"/klanten/{person.id}"
    page = await client.get(good.headers["location"])
    assert "Vertegenwoordiger Piet Post is toegevoegd." in page.text and "Piet Post" in page.text

"""The dossier page, story first (issue 15): a compact header, the actions opening their form in place, the answer
of an htmx form (the page's content with the message at the action), every refusal at the point of action in plain
Dutch (a refused close with the open promises, a stale version, not allowed), the first handoff from the page, no
request for a fragment the reader may not use, and no form address that answers "405" when opened as a page."""

from __future__ import annotations

import re

import pytest

from casemgmt.dossiers.models import Dossier
from casemgmt.handoffs.models import Handoff
from tests.factories import create_client, create_dossier
from tests.worlds.casework import Casework, counts, login_as, promise_callback
from tests.worlds.personas import csrf_token

pytestmark = pytest.mark.anyio

HTMX = {"HX-Request": "true"}
CONTEXT = "Klant heeft een bijstandsuitkering en vraagt nu om een vergunning voor een dakkapel."


async def post(client, path: str, data: dict[str, object], headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    token = await csrf_token(client, "/login")
    return await client.post(path, data={**data, "_csrf_token": token}, headers=headers or {}, follow_redirects=False)


def ref_of(text: str) -> str:
    found = re.search(r"D-\d{4}-\d{5}", text)
    assert found, "the page names the dossier by its reference"
    return found.group(0)


# ------------------------------------------------------------------ the page


async def test_header_names_people_with_direct_lines_and_actions_open_in_place(client, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    text = page.text
    assert page.status_code == 200
    assert f'href="/klanten/{w.client_id}" data-testid="klant-link"' in text
    assert 'href="tel:+31701111111"' in text and 'href="tel:+31702222222"' in text  # casemanager, accountmanager
    assert 'data-testid="pilot">geen<' in text
    actions = re.findall(r'<details class="dossier-action" name="dossier-actie-[0-9a-f]+" id="actie-([a-z_]+)"', text)
    assert actions == ["contact", "commitment", "handoff", "time", "status", "assign", "external_refs", "link"]
    assert " open>" not in text.split('data-testid="acties"')[1].split("</nav>")[0]  # all closed at first
    # the story: the actions, then the open promises, then the timeline
    assert text.index('data-testid="acties"') < text.index('id="beloftes-titel"') < text.index('id="tijdlijn-titel"')


async def test_kcc_view_requests_no_time_registration_it_may_not_use(client, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert page.status_code == 200
    assert "/tijdregistratie/nieuw" not in page.text
    assert re.findall(r'id="actie-([a-z_]+)"', page.text) == ["contact", "commitment", "link"]
    assert (await client.get(f"/tijdregistratie/nieuw?dossier_id={w.dossier_id}")).status_code == 403
    await login_as(client, w.cm)
    assert f"/tijdregistratie/nieuw?dossier_id={w.dossier_id}" in (await client.get(f"/dossiers/{w.dossier_id}")).text


async def test_a_form_address_opened_as_a_page_goes_back_to_the_dossier(client, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    for form in ("status", "kenmerken", "casemanager", "accountmanager", "koppelen", "contacten", "toezeggingen"):
        response = await client.get(f"/dossiers/{w.dossier_id}/{form}", follow_redirects=False)
        assert response.status_code == 303, form
        assert response.headers["location"] == f"/dossiers/{w.dossier_id}"
    back = await client.get(f"/dossiers/{w.dossier_id}/overdrachten")
    assert back.status_code == 200 and "Niet toegestaan" not in back.text


# ------------------------------------------------------------------ htmx answers


async def test_htmx_change_answers_the_fresh_content_with_the_message_at_the_action(client, db, world) -> None:
    w = world
    await login_as(client, w.cm)
    done = await post(client, f"/dossiers/{w.dossier_id}/status", {"version": 1, "status": "in_progress"}, HTMX)
    assert done.status_code == 200
    assert "<html" not in done.text and done.text.lstrip().startswith('<div id="dossier"')
    assert 'id="actie-status" open>' in done.text
    panel = done.text.split('id="actie-status"')[1].split("</details>")[0]
    assert 'data-testid="actie-gelukt"' in panel and "De status is gewijzigd." in panel
    assert 'name="version" value="2"' in done.text  # the next change starts from the fresh version
    assert 'data-testid="dossier-status">In behandeling<' in done.text  # the header is fresh too
    async with db() as s:
        assert (await s.get(Dossier, w.dossier_id)).status == "in_progress"


async def test_htmx_validation_error_keeps_the_form_open_with_messages_at_the_fields(client, db, world) -> None:
    w = world
    await login_as(client, w.cm)
    before = await counts(db)
    bad = await post(client, f"/dossiers/{w.dossier_id}/toezeggingen", {"kind": "callback", "owner_id": ""}, HTMX)
    assert bad.status_code == 422 and "<html" not in bad.text
    panel = bad.text.split('id="actie-commitment" open>')[1].split("</details>")[0]
    assert "Kies wie de toezegging nakomt" in panel
    assert 'id="cm-owner-fout"' in panel  # next to the field
    assert await counts(db) == before


# ------------------------------------------------------------------ refusals at the point of action


async def test_refused_close_names_the_dossier_and_links_each_open_promise(client, db, world: Casework) -> None:
    w = world
    first = await promise_callback(
        client, w, "Ik bel u morgen terug over de parkeerplaats van uw broer, voor vijf uur."
    )
    second = await promise_callback(client, w, "Ik stuur u de voorwaarden per e-mail.")
    await login_as(client, w.cm)
    for headers in (HTMX, {}):
        refused = await post(
            client,
            f"/dossiers/{w.dossier_id}/status",
            {"version": 1, "status": "closed", "outcome": "resolved"},
            headers,
        )
        assert refused.status_code == 422
        panel = refused.text.split('id="actie-status" open>')[1].split("</details>")[0]
        alert = panel.split('data-testid="weigering"')[1].split("</div>")[0]
        ref = ref_of(refused.text)
        assert f"Dossier {ref} kan nog niet worden gesloten: er staat nog 2 beloften aan de klant open." in alert
        assert f'href="#toezegging-{first}"' in alert and f'href="#toezegging-{second}"' in alert
        assert "“Ik bel u morgen terug over de parkeerplaats van uw broer, voor vijf uur.”" in alert  # complete
        assert "uiterlijk " in alert
        assert f"#{first}:" not in refused.text and "Open toezegging #" not in refused.text  # no internal ids
        assert panel.count("kan nog niet worden gesloten") == 1  # said once, at the action
        assert f'id="toezegging-{first}"' in refused.text  # the link's target is on the page
    async with db() as s:
        assert (await s.get(Dossier, w.dossier_id)).status == "open"


async def test_stale_version_says_so_at_the_action_with_a_reload_link(client, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    assert (await post(client, f"/dossiers/{w.dossier_id}/status", {"version": 1, "status": "in_progress"})).is_redirect
    for headers in (HTMX, {}):
        stale = await post(client, f"/dossiers/{w.dossier_id}/kenmerken", {"version": 1, "external_refs": "X"}, headers)
        assert stale.status_code == 409
        panel = stale.text.split('id="actie-external_refs" open>')[1].split("</details>")[0]
        assert "Iemand anders heeft dit dossier intussen gewijzigd" in panel
        assert (
            f'<a class="utrecht-link" href="/dossiers/{w.dossier_id}" data-testid="laad-opnieuw">Laad opnieuw</a>'
            in panel
        )


async def test_not_allowed_is_said_at_the_action(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)  # reads and logs contacts, may not change the status
    refused = await post(client, f"/dossiers/{w.dossier_id}/status", {"version": 1, "status": "in_progress"}, HTMX)
    assert refused.status_code == 403 and "<html" not in refused.text
    alert = refused.text.split('data-testid="weigering"')[1].split("</div>")[0]
    assert "Geen toegang" in alert and "Laad opnieuw" in alert
    async with db() as s:
        assert (await s.get(Dossier, w.dossier_id)).status == "open"


# ------------------------------------------------------------------ the first handoff


async def test_first_handoff_from_the_page_derives_the_service_it_is_made_for(client, db, world: Casework) -> None:
    """The casemanager (no service of their own) hands over a dossier without an earlier handoff: the dossier's only
    service (SZW) is the one it is handed over from; the form does not ask."""
    w = world
    await login_as(client, w.cm)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert 'name="from_service"' not in page.text
    data = {"to_service": "DSO", "reason": "Vergunningvraag", "context": CONTEXT}
    done = await post(client, f"/dossiers/{w.dossier_id}/overdrachten", data)
    assert done.status_code == 303, done.text
    async with db() as s:
        handoffs = (await s.execute(Handoff.__table__.select())).all()
    assert len(handoffs) == 1
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert "SZW → DSO" in page.text and "Kies namens welke dienst" not in page.text


async def test_first_handoff_asks_on_behalf_of_which_service_when_the_dossier_has_several(
    client, db, world: Casework
) -> None:
    w = world
    async with db() as s, s.begin():
        person = await create_client(s, name="Mila Meerdiensten")
        dossier = await create_dossier(s, person, w.cm.id, {"SZW": w.am.id, "DSO": w.am_dso.id}, subject="Twee")
        dossier_id = dossier.id
    await login_as(client, w.cm)
    form = (await client.get(f"/dossiers/{dossier_id}/formulier/handoff", headers=HTMX)).text
    assert 'name="from_service"' in form
    assert re.findall(r'<option value="([A-Z]+)"', form.split('name="from_service"')[1].split("</select>")[0]) == [
        "DSO",
        "SZW",
    ]
    data = {"to_service": "OCW", "reason": "Leerlingenvervoer", "context": CONTEXT}
    missing = await post(client, f"/dossiers/{dossier_id}/overdrachten", data, HTMX)
    assert missing.status_code == 422
    panel = missing.text.split('id="actie-handoff" open>')[1].split("</details>")[0]
    field = panel.split('name="from_service"')[0].rsplit('<div class="utrecht-form-field', 1)[1]
    assert "Kies namens welke dienst u de vraag overdraagt" in field  # next to the field it is about
    done = await post(client, f"/dossiers/{dossier_id}/overdrachten", {**data, "from_service": "DSO"}, HTMX)
    assert done.status_code == 200 and "Overdracht aangevraagd." in done.text
    assert "DSO → OCW" in done.text  # the promises panel is fresh

"""The dossier page's forms load when opened (issue 18, "no selects for dropdown choices the page does not open"):
the page renders each folded action with a link to ``GET /dossiers/{id}/formulier/{action}`` (htmx swaps the form
in when the action is opened; without JavaScript the link opens the form as a page of its own), refused exactly as
the form's POST; a form that is open (after a change or a refusal) is rendered in place, with what was typed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from casemgmt.audit.models import AuditEvent
from casemgmt.casefile.dossier_controllers import ACTIONS, LAZY_ACTIONS
from casemgmt.clients.models import Client
from casemgmt.dossiers.models import Dossier
from casemgmt.dossiers.rules import REASON_MAX
from tests.dossiers.test_read_cost import statements_of
from tests.factories import create_contact
from tests.worlds.casework import Casework, login_as
from tests.worlds.personas import csrf_token

pytestmark = pytest.mark.anyio

HTMX = {"HX-Request": "true"}

POSTS = {
    "contact": "contacten",
    "commitment": "toezeggingen",
    "handoff": "overdrachten",
    "status": "status",
    "assign": "casemanager",
    "external_refs": "kenmerken",
    "link": "koppelen",
}
"""Per action loaded when opened, the (first) form it posts to."""

CONTEXT = "De klant heeft een schuld bij de woningcorporatie en een aanvraag bijzondere bijstand lopen."


async def post(client, path: str, data: dict[str, object], headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    token = await csrf_token(client, "/login")
    return await client.post(path, data={**data, "_csrf_token": token}, headers=headers or {}, follow_redirects=False)


def panel(html: str, action: str) -> str:
    """The content of the action's <details> on a rendered dossier page."""
    return html.split(f'id="actie-{action}"')[1].split("</details>")[0]


async def test_every_lazy_action_is_a_link_on_the_page_and_its_form_loads(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():  # a contact to link, so "Contact koppelen" has a form
        await create_contact(s, await s.get(Client, w.client_id), w.kcc.id, summary="Belde over huur")
    await login_as(client, w.cm)
    page = (await client.get(f"/dossiers/{w.dossier_id}")).text
    assert set(POSTS) == set(LAZY_ACTIONS) and set(LAZY_ACTIONS) < set(ACTIONS)
    for action, target in POSTS.items():
        link = panel(page, action)
        assert f'href="/dossiers/{w.dossier_id}/formulier/{action}"' in link
        assert 'hx-trigger="toggle once from:closest details"' in link
        assert "<form" not in link and "<select" not in link  # nothing of the form until it is opened
        form = await client.get(f"/dossiers/{w.dossier_id}/formulier/{action}", headers=HTMX)
        assert form.status_code == 200, (action, form.text)
        assert "<html" not in form.text and "Vary" in form.headers
        assert f'action="/dossiers/{w.dossier_id}/{target}"' in form.text, action
        assert 'name="_csrf_token"' in form.text
    # the choices come with their forms only
    assert "Carla Casemanager (" not in page and 'name="owner_id"' not in page
    form = (await client.get(f"/dossiers/{w.dossier_id}/formulier/assign", headers=HTMX)).text
    assert "Olga Ander (" in form and 'name="accountmanager_id"' in form
    form = (await client.get(f"/dossiers/{w.dossier_id}/formulier/commitment", headers=HTMX)).text
    assert re.search(rf'<option value="{w.cm.id}" selected>Carla Casemanager</option>', form)


async def test_the_page_asks_no_choices_for_forms_it_does_not_show(app, client, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    asked = " ".join(await statements_of(app, client, f"/dossiers/{w.dossier_id}", {}))
    choices = ("topics.is_active", "departments.hours", "JOIN user_services ON user_services.service_id", "caseload")
    for table in choices:
        assert table not in asked, table


async def test_an_unknown_action_is_not_found_in_dutch(client, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    for headers in (HTMX, {}):
        response = await client.get(f"/dossiers/{w.dossier_id}/formulier/verwijderen", headers=headers)
        assert response.status_code == 404
        assert "Dit dossier heeft geen formulier “verwijderen”." in response.text
    # "Tijd" has its own loader (the time-entry form of the pilots), not this route
    assert (await client.get(f"/dossiers/{w.dossier_id}/formulier/time", headers=HTMX)).status_code == 404


@pytest.mark.parametrize("persona", ["other_cm", "earlier", "kcc", "evaluator"])
async def test_who_may_not_post_a_form_may_not_load_it(client, world: Casework, persona: str) -> None:
    """Not involved (other_cm), no longer involved (earlier: reads only), KCC (contacts only), the evaluator (no
    employee): loading each form answers as posting it does, with the same message."""
    w = world
    await login_as(client, w.person(persona))
    for action, target in POSTS.items():
        posted = await post(client, f"/dossiers/{w.dossier_id}/{target}", {})
        loaded = await client.get(f"/dossiers/{w.dossier_id}/formulier/{action}", headers=HTMX)
        refused = posted.status_code in (401, 403, 404)
        assert (loaded.status_code in (401, 403, 404)) == refused, (action, posted.status_code, loaded.status_code)
        if refused:
            assert loaded.status_code == posted.status_code, action
            message = re.search(r'id="fout-titel".*?<p class="utrecht-paragraph">([^<]+)</p>', loaded.text, re.S)
            assert message and message.group(1) in posted.text, (action, message)


async def test_without_javascript_the_link_opens_the_form_as_a_page(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    page = await client.get(f"/dossiers/{w.dossier_id}/formulier/external_refs")
    assert page.status_code == 200 and "<html" in page.text
    assert "<title>Kenmerken · Dossier" in page.text
    assert f'href="/dossiers/{w.dossier_id}" data-testid="terug-naar-dossier"' in page.text
    form = re.search(r'<form\b[^>]*action="(/dossiers/[^"]+)".*?</form>', page.text, flags=re.S)
    assert form and form.group(1) == f"/dossiers/{w.dossier_id}/kenmerken"
    version = re.search(r'name="version" value="(\d+)"', form.group(0))
    assert version
    done = await post(client, form.group(1), {"version": version.group(1), "external_refs": "DB-2026-11873"})
    assert done.status_code == 303 and done.headers["location"] == f"/dossiers/{w.dossier_id}"
    assert "DB-2026-11873" in (await client.get(f"/dossiers/{w.dossier_id}")).text


async def test_a_refused_form_is_rendered_in_place_with_what_was_typed(client, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    commitment = {"kind": "callback", "description": "", "owner_id": str(w.am.id), "due_at": "2026-12-24T10:30"}
    for headers in (HTMX, {}):
        refused = await post(client, f"/dossiers/{w.dossier_id}/toezeggingen", commitment, headers)
        assert refused.status_code == 422
        form = panel(refused.text, "commitment")
        assert 'data-testid="formulier-commitment"' not in form and "<form" in form
        assert f'<option value="{w.am.id}" selected>' in form and 'value="2026-12-24T10:30"' in form
        assert 'id="actie-commitment" open' in refused.text
        # the other forms still load when opened
        assert 'data-testid="formulier-handoff"' in panel(refused.text, "handoff")
    handoff = {"to_service": "OCW", "reason": "Leerlingenvervoer", "context": "te kort"}
    refused = await post(client, f"/dossiers/{w.dossier_id}/overdrachten", handoff, HTMX)
    assert refused.status_code == 422
    form = panel(refused.text, "handoff")
    assert '<option value="OCW" selected>' in form and 'value="Leerlingenvervoer"' in form and "te kort" in form
    assignment = {"service": "DSO", "accountmanager_id": str(w.other_am.id), "reason": "x" * (REASON_MAX + 1)}
    refused = await post(client, f"/dossiers/{w.dossier_id}/accountmanager", assignment, HTMX)
    assert refused.status_code == 422, refused.text
    assert f'<option value="{w.other_am.id}" selected>' in panel(refused.text, "assign")


async def test_after_a_change_the_used_form_is_open_and_fresh(client, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    handoff = {"to_service": "OCW", "reason": "Leerlingenvervoer", "context": CONTEXT}
    done = await post(client, f"/dossiers/{w.dossier_id}/overdrachten", handoff, HTMX)
    assert done.status_code == 200 and "Overdracht aangevraagd." in done.text
    form = panel(done.text, "handoff")
    assert "<form" in form and "Leerlingenvervoer" not in form
    assert 'data-testid="formulier-status"' in panel(done.text, "status")


async def test_a_form_the_closed_dossier_no_longer_offers_says_to_load_again(client, db, world: Casework) -> None:
    """Opened on a page shown before someone closed the dossier: 409 with "Laad opnieuw", no form."""
    w = world
    await login_as(client, w.cm)
    async with db() as s, s.begin():
        await s.execute(update(Dossier).where(Dossier.id == w.dossier_id).values(status="closed"))
    for action in ("status", "commitment", "handoff"):
        stale = await client.get(f"/dossiers/{w.dossier_id}/formulier/{action}", headers=HTMX)
        assert stale.status_code == 409 and "<html" not in stale.text
        assert 'data-testid="laad-opnieuw"' in stale.text and "<form" not in stale.text
    assert (await client.get(f"/dossiers/{w.dossier_id}/formulier/contact", headers=HTMX)).status_code == 200
    page = await client.get(f"/dossiers/{w.dossier_id}/formulier/status")
    assert page.status_code == 409 and "<html" in page.text and 'data-testid="laad-opnieuw"' in page.text


async def test_loading_a_form_is_a_read_of_the_dossier_in_the_log(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)

    async def reads() -> int:
        async with db() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(
                        AuditEvent.action == "read",
                        AuditEvent.object_type == "dossier",
                        AuditEvent.object_id == str(w.dossier_id),
                        AuditEvent.actor_id == w.cm.id,
                    )
                )
                or 0
            )

    before = await reads()
    assert (await client.get(f"/dossiers/{w.dossier_id}/formulier/contact", headers=HTMX)).status_code == 200
    assert await reads() == before + 1

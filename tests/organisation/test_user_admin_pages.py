"""Beheer (``/beheer``) and Beheer > Gebruikers (issue 17) through the pages: the cards, the list with its filters,
search and paging, creating, changing and deactivating an employee, with the Dutch messages beside the fields."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casemgmt.auth.models import User
from casemgmt.organisation import rules
from casemgmt.organisation.beheer import CARDS
from tests.worlds.personas import csrf_token, login

pytestmark = pytest.mark.anyio


def form_values(html: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to ``action``."""
    form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))


def listed(response) -> str:  # type: ignore[no-untyped-def]
    """The list part of the page (the header names the admin too)."""
    return response.text.split('id="gebruikers-lijst"', 1)[-1]


async def test_beheer_links_to_every_admin_page_that_exists(client, make_user, app) -> None:
    admin = await make_user("admin")
    assert (await login(client, admin.email)).status_code == 303
    page = await client.get("/beheer")
    assert page.status_code == 200
    paths = {route.path for route in app.routes}
    for card in CARDS:
        linked = f'href="{card.path}"' in page.text
        assert linked == (card.path in paths), card.title
    for present in (
        "/beheer/gebruikers",
        "/beheer/onderwerpen",
        "/beheer/afdelingen",
        "/logboek",
        "/beheer/api-tokens",
    ):
        assert f'href="{present}"' in page.text
    assert 'href="/beheer"' in page.text.split("</nav>")[0]  # the menu's entry
    moved = await client.get("/gebruikers", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/beheer/gebruikers"


async def test_the_list_filters_searches_and_pages(client, make_user, db) -> None:
    admin = await make_user("admin", name="Anna Admin")
    async with db() as session, session.begin():
        for n in range(30):
            await make_user("casemanager", name=f"Casemanager {n:02d}", session=session)
        await make_user("accountmanager", services=["OCW"], name="Omar Ocw", session=session)
        await make_user("kcc_agent", services=["KCC"], name="Weg Geweest", active=False, session=session)
    assert (await login(client, admin.email)).status_code == 303
    first = await client.get("/beheer/gebruikers")
    assert "1–25 van 32" in listed(first) and "Weg Geweest" not in listed(first)
    second = await client.get("/beheer/gebruikers", params={"pagina": "2"})
    assert "26–32 van 32" in listed(second)
    ocw = await client.get("/beheer/gebruikers", params={"dienst": "OCW"})
    assert "Omar Ocw" in listed(ocw) and "Casemanager 01" not in listed(ocw)
    admins = await client.get("/beheer/gebruikers", params={"rol": "admin"})
    assert "Anna Admin" in listed(admins) and "Omar Ocw" not in listed(admins)
    gone = await client.get("/beheer/gebruikers", params={"actief": "nee"})
    assert "Weg Geweest" in listed(gone) and "Anna Admin" not in listed(gone)
    found = await client.get("/beheer/gebruikers", params={"q": "OMAR", "actief": "alle"})
    assert "1–1 van 1" in listed(found)
    fragment = await client.get("/beheer/gebruikers", params={"q": "casemanager 1"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "Casemanager 10" in fragment.text
    odd = await client.get("/beheer/gebruikers", params={"rol": "baas", "actief": "?", "pagina": "-4", "q": "%_"})
    assert odd.status_code == 200 and "geen" in listed(odd)


async def test_an_admin_creates_changes_and_deactivates_through_the_pages(client, make_user, db) -> None:
    admin = await make_user("admin")
    assert (await login(client, admin.email)).status_code == 303
    token = await csrf_token(client, "/beheer/gebruikers/nieuw")
    bad = await client.post(
        "/beheer/gebruikers",
        data={
            "_csrf_token": token,
            "name": "Nina",
            "email": "nina@gemeente.nl",
            "roles": "accountmanager",
            "max_caseload": "0",
            "activation": "password",
            "password": "kort",
        },
    )
    assert bad.status_code == 422
    assert rules.ACCOUNTMANAGER_SERVICE in bad.text and "Ten minste" not in bad.text.split("gebruiker-fouten")[0]
    assert 'value="Nina"' in bad.text and "kort" not in bad.text  # the password is not sent back
    made = await client.post(
        "/beheer/gebruikers",
        data={
            "_csrf_token": token,
            "name": "Nina Nieuw",
            "email": "nina@gemeente.nl",
            "roles": ["casemanager", "kcc_agent"],
            "services": "KCC",
            "max_caseload": "8",
            "phone": "070 353 7510",
            "activation": "later",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    async with db() as session:
        user = await session.scalar(select(User).where(User.email == "nina@gemeente.nl"))
        assert user is not None and not user.is_active and user.password_hash is None and user.max_caseload == 8
    edit = await client.get(made.headers["location"])
    assert "nog geen wachtwoord" in edit.text and "Gedeactiveerd" in edit.text
    values = form_values(edit.text, f"/beheer/gebruikers/{user.id}")
    changed = await client.post(
        f"/beheer/gebruikers/{user.id}",
        data={
            **values,
            "_csrf_token": token,
            "name": "Nina de Nieuw",
            "roles": ["casemanager", "admin"],
            "max_caseload": "",
        },
        follow_redirects=True,
    )
    assert "opgeslagen" in changed.text and "Nina de Nieuw" in changed.text
    stale = await client.post(
        f"/beheer/gebruikers/{user.id}",
        data={"updated_at": values["updated_at"], "_csrf_token": token, "name": "Oud", "roles": "casemanager"},
    )
    assert stale.status_code == 409 and "intussen door iemand anders gewijzigd" in stale.text
    status = form_values(changed.text, f"/beheer/gebruikers/{user.id}/status")
    activated = await client.post(
        f"/beheer/gebruikers/{user.id}/status", data={**status, "_csrf_token": token}, follow_redirects=True
    )
    assert "weer actief" in activated.text
    myself = await client.get(f"/beheer/gebruikers/{admin.id}")
    own = form_values(myself.text, f"/beheer/gebruikers/{admin.id}/status")
    refused = await client.post(
        f"/beheer/gebruikers/{admin.id}/status", data={**own, "_csrf_token": token}, follow_redirects=True
    )
    assert rules.NOT_YOURSELF in refused.text
    async with db() as session:
        assert (await session.get(User, admin.id)).is_active
        again = await session.get(User, user.id)
        assert again.is_active and again.name == "Nina de Nieuw" and sorted(again.roles) == ["admin", "casemanager"]
        assert again.max_caseload is None
    missing = await client.get("/beheer/gebruikers/999999", follow_redirects=True)
    assert "Gebruiker niet gevonden" in missing.text

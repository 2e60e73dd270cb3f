"""The dossier pages: Mijn dossiers, opening a dossier, the dossier page with its forms and inline contact logging."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select, update

from casemgmt.audit.models import AuditEvent
from casemgmt.auth.models import User
from casemgmt.clients.models import Client
from casemgmt.contacts.models import Contact
from casemgmt.dossiers.models import Dossier, DossierAssignment
from tests.factories import create_contact, create_dossier
from tests.worlds.casework import Casework, count, counts, login_as
from tests.worlds.personas import csrf_token
from tests.worlds.representatives import represents

pytestmark = pytest.mark.anyio

HTMX = {"HX-Request": "true"}


def contact_form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "channel": "phone",
        "direction": "in",
        "service": "SZW",
        "outcome": "callback_promised",
        "transfers": "1",
        "topic": "bijstand",
        "subject": "Uitkering",
        "summary": "Klant vraagt waarom de uitkering later komt.",
        "occurred_at": "",
        "commitment_description": "We bellen u morgen terug over de uitkering.",
    }
    form.update(changes)
    return form


async def post(client, path: str, data: dict[str, object], headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    token = await csrf_token(client, "/login")
    return await client.post(path, data={**data, "_csrf_token": token}, headers=headers or {}, follow_redirects=False)


# ------------------------------------------------------------------ Mijn dossiers


async def test_casemanager_sees_caseload_with_counts_per_status(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():
        client_row = await s.get(Client, w.client_id)
        for status in ("in_progress", "in_progress", "waiting", "closed"):
            await create_dossier(s, client_row, w.cm.id, subject=f"Dossier {status}", status=status)
        await create_dossier(s, client_row, w.other_cm.id, subject="Niet van mij")
    await login_as(client, w.cm)
    page = await client.get("/dossiers")
    assert page.status_code == 200
    counts_html = page.text.split('data-testid="caseload-tellingen"')[1].split("</ul>")[0]
    found = dict(re.findall(r'data-status="(\w+)">(\d+)<', counts_html))
    assert found == {"open": "1", "in_progress": "2", "waiting": "1", "closed": "1"}
    table = page.text.split('data-testid="caseload"')[1].split("</table>")[0]
    assert "Schulden en bijstand" in table and "Dossier waiting" in table
    assert "Dossier closed" not in table  # closed ones only when asked for
    assert "Niet van mij" not in page.text
    closed = await client.get("/dossiers?status=closed")
    assert "Dossier closed" in closed.text.split('data-testid="caseload"')[1]


async def test_accountmanager_sees_dossiers_per_service(client, db, make_user, world: Casework) -> None:
    w = world
    both = await make_user("accountmanager", services=["SZW", "DSO"], name="Bea Beide")
    async with db() as s, s.begin():
        client_row = await s.get(Client, w.client_id)
        await create_dossier(s, client_row, w.cm.id, {"SZW": both.id}, subject="Bijstand")
        await create_dossier(s, client_row, w.cm.id, {"DSO": both.id}, subject="Verbouwing")
        await create_dossier(s, client_row, w.cm.id, {"DSO": w.other_am.id}, subject="Niet de mijne")
    await login_as(client, both)
    page = await client.get("/dossiers")
    szw = page.text.split('data-testid="dienst-SZW"')[1].split("</table>")[0]
    dso = page.text.split('data-testid="dienst-DSO"')[1].split("</table>")[0]
    assert "Bijstand" in szw and "Verbouwing" not in szw
    assert "Verbouwing" in dso and "Niet de mijne" not in page.text


async def test_admin_sees_all_dossiers_and_filters(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():
        other = await s.get(Client, w.other_client_id)
        await create_dossier(s, other, w.other_cm.id, {"DSO": w.other_am.id}, subject="Vergunning", status="waiting")
    await login_as(client, w.admin)
    page = await client.get("/dossiers")
    table = page.text.split('data-testid="alle-dossiers"')[1]
    assert "Schulden en bijstand" in table and "Vergunning" in table
    filtered = await client.get("/dossiers?status=waiting&casemanager_id=&service=")
    table = filtered.text.split('data-testid="alle-dossiers"')[1]
    assert "Vergunning" in table and "Schulden en bijstand" not in table
    by_service = await client.get("/dossiers?status=&casemanager_id=&service=SZW")
    assert "Vergunning" not in by_service.text.split('data-testid="alle-dossiers"')[1]
    by_cm = await client.get(f"/dossiers?status=&casemanager_id={w.other_cm.id}&service=")
    assert "Schulden en bijstand" not in by_cm.text.split('data-testid="alle-dossiers"')[1]


# ------------------------------------------------------------------ opening a dossier


async def test_open_a_dossier_through_the_form(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    form = await client.get(f"/dossiers/nieuw?client_id={w.client_id}")
    assert form.status_code == 200
    assert "Jan de Vries" in form.text
    assert f'<option value="{w.cm.id}" selected>Carla Casemanager' in form.text  # the casemanager by default
    assert 'name="am_SZW"' in form.text and "Ahmed Accountmanager" in form.text
    response = await post(
        client,
        "/dossiers",
        {"client_id": w.client_id, "subject": "Huurachterstand", "casemanager_id": w.cm.id, "am_SZW": w.am.id,
         "am_DSO": ""},
    )  # fmt: skip
    assert response.status_code == 303
    dossier_id = int(response.headers["location"].rsplit("/", 1)[1])
    async with db() as s:
        dossier = await s.get(Dossier, dossier_id)
        assert dossier.subject == "Huurachterstand" and dossier.client_id == w.client_id
        roles = (
            await s.execute(
                select(DossierAssignment.role, DossierAssignment.user_id).where(
                    DossierAssignment.dossier_id == dossier_id
                )
            )
        ).all()
        assert sorted(roles) == [("accountmanager", w.am.id), ("casemanager", w.cm.id)]
    page = await client.get(response.headers["location"])
    assert f"Dossier {dossier.ref} is geopend." in page.text


async def test_open_form_errors_keep_what_was_typed(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    before = await counts(db)
    response = await post(
        client,
        "/dossiers",
        {"client_id": w.client_id, "subject": "Mijn getypte tekst", "casemanager_id": "", "am_SZW": w.am_dso.id},
    )
    assert response.status_code == 422
    assert "Kies een casemanager" in response.text
    assert "Dirk Dso hoort niet bij dienst SZW" in response.text
    assert 'value="Mijn getypte tekst"' in response.text
    assert await counts(db) == before


async def test_open_form_refuses_beyond_the_cap(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():
        await s.execute(update(User).where(User.id == w.cm.id).values(max_caseload=1))
    await login_as(client, w.admin)
    response = await post(
        client, "/dossiers", {"client_id": w.client_id, "subject": "Nog een", "casemanager_id": w.cm.id}
    )
    assert response.status_code == 422
    assert "Casemanager Carla Casemanager heeft al 1 open dossiers (maximum 1)" in response.text


async def test_open_form_without_client_points_to_search(client, world: Casework) -> None:
    await login_as(client, world.cm)
    page = await client.get("/dossiers/nieuw")
    assert page.status_code == 200 and 'href="/klanten"' in page.text
    assert (await client.get("/dossiers/nieuw?client_id=999999")).status_code == 404


# ------------------------------------------------------------------ the dossier page


async def test_dossier_page_header(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():
        s.add(
            represents(
                client_id=w.client_id,
                name="Wendy Wijkteam",
                organisation="Wijkteam Centrum",
                phone="06 5555 0000",
                relation="maatschappelijk werker",
                valid_from=date(2020, 1, 1),
            )
        )
    await login_as(client, w.kcc)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert page.status_code == 200
    text = page.text
    assert f'href="/klanten/{w.client_id}"' in text and "Jan de Vries" in text
    assert "Carla Casemanager" in text and "070 111 1111" in text
    accountmanagers = text.split('data-testid="accountmanagers"')[1].split("</ul>")[0]
    assert "SZW" in accountmanagers and "Ahmed Accountmanager" in accountmanagers and "070 222 2222" in accountmanagers
    assert "Wendy Wijkteam" in text and "Wijkteam Centrum" in text and "06 55550000" in text
    assert ">Open<" in text


async def test_status_change_and_stale_version(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    url = f"/dossiers/{w.dossier_id}/status"
    done = await post(client, url, {"version": 1, "status": "in_progress", "outcome": ""})
    assert done.status_code == 303
    async with db() as s:
        assert (await s.get(Dossier, w.dossier_id)).status == "in_progress"
    before = await counts(db)
    stale = await post(client, url, {"version": 1, "status": "closed", "outcome": "resolved"})
    assert stale.status_code == 409
    assert "Iemand anders heeft dit dossier intussen gewijzigd" in stale.text and ">Laad opnieuw</a>" in stale.text
    assert 'name="version" value="2"' in stale.text  # the page shows the fresh state to try again from
    assert await counts(db) == before
    async with db() as s:
        assert (await s.get(Dossier, w.dossier_id)).status == "in_progress"
    no_outcome = await post(client, url, {"version": 2, "status": "closed", "outcome": ""})
    assert no_outcome.status_code == 422
    assert "Kies bij het sluiten een uitkomst" in no_outcome.text


async def test_reassign_casemanager_with_reason(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    url = f"/dossiers/{w.dossier_id}/casemanager"
    missing = await post(client, url, {"version": 1, "casemanager_id": w.other_cm.id, "reason": ""})
    assert missing.status_code == 422 and "Geef een reden op" in missing.text
    moved = await post(client, url, {"version": 1, "casemanager_id": w.other_cm.id, "reason": "Langdurig ziek"})
    assert moved.status_code == 303
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert "U kunt het inzien, maar niet meer wijzigen" in page.text
    assert "Olga Ander is casemanager" in page.text and "Langdurig ziek" in page.text
    refused = await post(client, f"/dossiers/{w.dossier_id}/status", {"version": 2, "status": "waiting"})
    assert refused.status_code == 403


async def test_change_accountmanager_on_the_page(client, db, make_user, world: Casework) -> None:
    w = world
    sara = await make_user("accountmanager", services=["SZW"], name="Sara Szw")
    await login_as(client, w.admin)
    response = await post(
        client,
        f"/dossiers/{w.dossier_id}/accountmanager",
        {"service": "SZW", "accountmanager_id": sara.id, "reason": "Specialist schulden"},
    )
    assert response.status_code == 303
    page = await client.get(f"/dossiers/{w.dossier_id}")
    accountmanagers = page.text.split('data-testid="accountmanagers"')[1].split("</ul>")[0]
    assert "Sara Szw" in accountmanagers and "Ahmed Accountmanager" not in accountmanagers
    assert "Specialist schulden" in page.text  # the reason shows in the timeline
    wrong = await post(
        client, f"/dossiers/{w.dossier_id}/accountmanager", {"service": "DSO", "accountmanager_id": sara.id}
    )
    assert wrong.status_code == 422 and "Sara Szw hoort niet bij dienst DSO" in wrong.text


async def test_link_an_unlinked_contact(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():
        loose = await create_contact(s, await s.get(Client, w.client_id), w.kcc.id, summary="Belde over huur")
        other = await create_contact(s, await s.get(Client, w.other_client_id), w.kcc.id, summary="Ander mens")
    await login_as(client, w.am)
    form = await client.get(f"/dossiers/{w.dossier_id}/formulier/link", headers=HTMX)
    assert "Belde over huur" in form.text and "Ander mens" not in form.text
    wrong = await post(client, f"/dossiers/{w.dossier_id}/koppelen", {"contact_id": other.id})
    assert wrong.status_code == 422 and "hoort bij een andere klant" in wrong.text
    assert "Belde over huur" in wrong.text  # the refused form is rendered in place, with its choices
    linked = await post(client, f"/dossiers/{w.dossier_id}/koppelen", {"contact_id": loose.id})
    assert linked.status_code == 303
    async with db() as s:
        assert (await s.get(Contact, loose.id)).dossier_id == w.dossier_id
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert f'id="contact-{loose.id}"' in page.text


# ------------------------------------------------------------------ inline contact logging


async def test_inline_contact_answers_fresh_form_and_entry_for_the_top(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.am)
    response = await post(client, f"/dossiers/{w.dossier_id}/contacten", contact_form(), HTMX)
    assert response.status_code == 200
    async with db() as s:
        contact = (await s.scalars(select(Contact))).one()
    assert (contact.dossier_id, contact.employee_id, contact.outcome, contact.transfers) == (
        w.dossier_id, w.am.id, "callback_promised", 1,
    )  # fmt: skip
    html = response.text
    assert "<html" not in html
    form, _, oob = html.partition('hx-swap-oob="afterbegin:#tijdlijn-items"')
    assert 'id="contact-formulier"' in form and "Het contact is vastgelegd" in form
    assert "Klant vraagt waarom" not in form  # the form is empty again
    assert f'id="contact-{contact.id}"' in oob and "Klant vraagt waarom de uitkering later komt." in oob
    event = (await _events(db, "contact"))[-1]
    assert (event.action, event.object_id, event.client_pseudonym) == ("create", str(contact.id), w.client_pseudonym)


async def test_inline_contact_errors_keep_the_typed_text(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)
    before = await counts(db)
    response = await post(
        client,
        f"/dossiers/{w.dossier_id}/contacten",
        contact_form(transfers="21", occurred_at="2999-01-01T10:00", summary="Wat de klant vertelde"),
        HTMX,
    )
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="contact-formulier"' in response.text
    assert "Het moment ligt in de toekomst" in response.text
    assert "Het aantal keer doorverbinden ligt tussen 0 en 20" in response.text
    assert "Wat de klant vertelde</textarea>" in response.text
    assert 'value="2999-01-01T10:00"' in response.text and 'value="21"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert await counts(db) == before


async def test_inline_contact_without_javascript(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    done = await post(client, f"/dossiers/{w.dossier_id}/contacten", contact_form())
    assert done.status_code == 303 and done.headers["location"] == f"/dossiers/{w.dossier_id}"
    bad = await post(client, f"/dossiers/{w.dossier_id}/contacten", contact_form(summary="", service="XYZ"))
    assert bad.status_code == 422 and "<html" in bad.text
    assert "Vul een samenvatting van het gesprek in" in bad.text and "Onbekende dienst &#39;XYZ&#39;" in bad.text
    assert await count(db, Contact) == 1


async def _events(db, object_type: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    async with db() as s:
        return list(
            await s.scalars(select(AuditEvent).where(AuditEvent.object_type == object_type).order_by(AuditEvent.id))
        )


async def test_page_reads_are_audited(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)
    await client.get(f"/dossiers/{w.dossier_id}")
    assert [(e.action, e.actor_id, e.purpose) for e in await _events(db, "dossier")] == [
        ("read", w.kcc.id, "klantcontact")
    ]
    assert [(e.action, e.client_pseudonym) for e in await _events(db, "timeline")] == [("read", w.client_pseudonym)]

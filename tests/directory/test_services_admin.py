"""Beheer > Diensten (``/beheer/diensten``) and ``GET``/``PATCH /api/v1/services/{code}`` (issue 17): an admin
changes a service's details, norms and opening hours with a version check; bad input answers 422 at the field and
writes nothing; every change is audited; new due moments follow a changed norm, the routing view and Bereikbaarheid
follow changed hours; ``casemgmt services load`` never overwrites an edit. Also Beheer > Coördinatoren and Beheer >
Pilots with their API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.directory.calendar import add_business_days
from casemgmt.directory.models import Service, ServiceHours, service_coordinators
from casemgmt.directory.reference import load_reference_services
from casemgmt.pilots.models import Pilot
from casemgmt.settings import PROJECT_ROOT
from tests.worlds.casework import Casework, arrange, login_as
from tests.worlds.personas import csrf_token

pytestmark = pytest.mark.anyio

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
KCC_HOURS = [
    *({"weekday": day, "opens": "08:00", "closes": "18:00"} for day in WEEKDAYS if day != "thursday"),
    {"weekday": "thursday", "opens": "08:00", "closes": "12:00"},
    {"weekday": "thursday", "opens": "18:00", "closes": "21:00"},
]


@pytest.fixture
async def world(make_user, make_token, db) -> Casework:  # type: ignore[no-untyped-def]
    return await arrange(make_user, make_token, db)


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


async def service(client, world: Casework, code: str = "SZW") -> dict:
    response = await client.get(f"/api/v1/services/{code}", headers=world.tokens["kcc"])
    assert response.status_code == 200, response.text
    return response.json()


async def patch(client, world: Casework, code: str = "SZW", **values):
    body = {"updated_at": (await service(client, world, code))["updated_at"], **values}
    return await client.patch(f"/api/v1/services/{code}", json=body, headers=world.tokens["admin"])


async def snapshot(db) -> tuple:
    async with db() as s:
        services = (await s.execute(select(Service.code, Service.name, Service.escalation_norm_days))).all()
        hours = (await s.execute(select(ServiceHours.service_id, ServiceHours.weekday, ServiceHours.closes))).all()
        events = await s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "service"))
    return sorted(services), sorted(hours), events


async def service_events(db) -> list[str]:
    async with db() as s:
        rows = await s.scalars(
            select(AuditEvent.detail).where(AuditEvent.object_type == "service").order_by(AuditEvent.id)
        )
        return list(rows)


# ------------------------------------------------------------------------------------------------ the API


async def test_get_one_service_and_404(client, world: Casework) -> None:
    szw = await service(client, world, "szw")
    assert szw["code"] == "SZW" and szw["hours"] == "ma-vr 08:30-17:00" and szw["active"] is True
    assert [a["name"] for a in szw["accountmanagers"]] == ["Ahmed Accountmanager"]
    missing = await client.get("/api/v1/services/XYZ", headers=world.tokens["kcc"])
    assert missing.status_code == 404
    assert (await client.get("/api/v1/services/SZW", headers=world.tokens["evaluator"])).status_code == 403


async def test_an_admin_changes_norm_and_thursday_hours(client, db, world: Casework) -> None:
    response = await patch(client, world, "KCC", escalation_norm_days=4, opening_hours=KCC_HOURS, phone="14 070")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["escalation_norm_days"] == 4 and body["phone"] == "14 070"
    assert body["hours"] == "ma-wo 08:00-18:00, do 08:00-12:00 en 18:00-21:00, vr 08:00-18:00"
    assert {"weekday": "thursday", "opens": "18:00", "closes": "21:00"} in body["opening_hours"]
    assert body["updated_at"] != (await service(client, world, "SZW"))["updated_at"]
    (detail,) = await service_events(db)
    assert detail.startswith("KCC: telefoon: '14070' -> '14 070'; escalatienorm: 1 -> 4; openingstijden: ")
    # the same body again changes nothing and writes no event
    again = await patch(client, world, "KCC", escalation_norm_days=4, opening_hours=KCC_HOURS, phone="14 070")
    assert again.status_code == 200 and len(await service_events(db)) == 1
    # only the hours: the version still moves, so a change based on the old one is refused
    before = body["updated_at"]
    hours_only = await patch(client, world, "KCC", opening_hours=KCC_HOURS[:-1])
    assert hours_only.status_code == 200 and hours_only.json()["updated_at"] != before


async def test_a_stale_version_is_409_and_writes_nothing(client, db, world: Casework) -> None:
    old = (await service(client, world))["updated_at"]
    assert (await patch(client, world, name="Sociale Zaken")).status_code == 200
    state = await snapshot(db)
    stale = await client.patch(
        "/api/v1/services/SZW", json={"updated_at": old, "escalation_norm_days": 9}, headers=world.tokens["admin"]
    )
    assert stale.status_code == 409 and "laad opnieuw" in stale.json()["detail"]
    assert await snapshot(db) == state


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"escalation_norm_days": 0}, "escalation_norm_days", "minstens 1 werkdag"),
        ({"escalation_norm_days": -3}, "escalation_norm_days", "minstens 1 werkdag"),
        ({"callback_term_days": 0}, "callback_term_days", "minstens 1 werkdag"),
        ({"callback_term_days": 400}, "callback_term_days", "hoogstens 60"),
        ({"name": "  "}, "name", "Vul de naam"),
        ({"phone": "bel ons"}, "phone", "Ongeldig telefoonnummer"),
        ({"email": "geen adres"}, "email", "Ongeldig e-mailadres"),
        (
            {"opening_hours": [{"weekday": "monday", "opens": "17:00", "closes": "08:30"}]},
            "opening_hours[0].closes",
            "na de openingstijd",
        ),
        (
            {"opening_hours": [{"weekday": "someday", "opens": "08:00", "closes": "17:00"}]},
            "opening_hours[0].weekday",
            "Onbekende weekdag",
        ),
        (
            {
                "opening_hours": [
                    {"weekday": "thursday", "opens": "08:00", "closes": "18:00"},
                    {"weekday": "thursday", "opens": "17:00", "closes": "20:00"},
                ]
            },
            "opening_hours[1].opens",
            "Overlapt met 08:00-18:00 op donderdag",
        ),
        (
            {"opening_hours": [{"weekday": "monday", "opens": "8u", "closes": "17:00"}]},
            "opening_hours[0].opens",
            "uu:mm",
        ),
    ],
)
async def test_bad_input_is_422_at_the_field_and_writes_nothing(
    client, db, world: Casework, values, field, says
) -> None:
    state = await snapshot(db)
    response = await patch(client, world, **{"email": "nieuw@gemeente.nl", **values})
    assert response.status_code == 422, response.text
    extra = response.json()["extra"]
    assert [e["field"] for e in extra] == [field] and says in extra[0]["message"], extra
    assert await snapshot(db) == state


async def test_only_admins_patch(client, world: Casework) -> None:
    body = {"updated_at": (await service(client, world))["updated_at"], "escalation_norm_days": 5}
    for who in ("kcc", "cm", "am", "evaluator"):
        response = await client.patch("/api/v1/services/SZW", json=body, headers=world.tokens[who])
        assert response.status_code == 403, who
    unknown = await client.patch("/api/v1/services/XYZ", json=body, headers=world.tokens["admin"])
    assert unknown.status_code == 404


async def test_new_escalations_follow_a_changed_norm(client, world: Casework) -> None:
    async def escalate() -> datetime:
        response = await client.post(
            "/api/v1/escalations",
            json={"service": "SZW", "question": "Waarom is de bijstand niet betaald?", "dossier_id": world.dossier_id},
            headers=world.tokens["kcc"],
        )
        assert response.status_code == 201, response.text
        return parse(response.json()["due_at"])

    first = await escalate()
    assert first == add_business_days(datetime.now(UTC), 3)  # SZW's reference norm
    assert (await patch(client, world, escalation_norm_days=7)).status_code == 200
    second = await escalate()
    assert second == add_business_days(datetime.now(UTC), 7) and second > first


async def test_the_routing_view_and_bereikbaarheid_follow_changed_hours(client, world: Casework) -> None:
    hours = [{"weekday": day, "opens": "09:00", "closes": "12:00"} for day in WEEKDAYS]
    assert (await patch(client, world, opening_hours=hours)).status_code == 200
    routing = await client.get(f"/api/v1/clients/{world.client_id}/routing", headers=world.tokens["kcc"])
    (line,) = routing.json()["dossiers"][0]["accountmanagers"]
    assert line["service"] == "SZW" and line["service_hours"] == "ma-vr 09:00-12:00"
    await login_as(client, world.kcc)
    page = (await client.get(f"/klanten/{world.client_id}")).text  # the klantbeeld: who works on the dossier
    cell = page.split('data-testid="dienst-bereikbaar-SZW"')[1].split("</li>")[0]
    assert "ma-vr 09:00-12:00" in cell and ("Nu open (tot 12:00)" in cell or "Gesloten" in cell)
    reach = (await client.get("/bereikbaarheid")).text
    assert "ma-vr 09:00-12:00" in reach.split('data-testid="uren-SZW"')[1].split("</span>")[0]
    # closed every day: gesloten now, whatever the clock says
    assert (await patch(client, world, opening_hours=[])).status_code == 200
    reach = (await client.get("/bereikbaarheid")).text
    assert reach.split('data-testid="status-SZW">')[1].startswith("Gesloten")


async def test_loading_the_reference_services_again_keeps_an_edit(client, db, world: Casework) -> None:
    assert (await patch(client, world, escalation_norm_days=8, opening_hours=[])).status_code == 200
    async with db() as s, s.begin():
        assert await load_reference_services(s) == 0
    szw = await service(client, world)
    assert szw["escalation_norm_days"] == 8 and szw["opening_hours"] == []


# ------------------------------------------------------------------------------------------------ the pages


def form_of(szw: dict, **values: str) -> dict[str, str]:
    data = {
        "name": szw["name"],
        "phone": szw["phone"],
        "email": szw["email"],
        "callback_term_days": str(szw["callback_term_days"]),
        "escalation_norm_days": str(szw["escalation_norm_days"]),
        "active": "1",
        "updated_at": szw["updated_at"],
    }
    for day in WEEKDAYS:
        data[f"hours-{day}-1-opens"], data[f"hours-{day}-1-closes"] = "08:30", "17:00"
    data.update(values)
    return data


async def test_the_pages_list_and_save_a_service(client, db, world: Casework) -> None:
    await login_as(client, world.admin)
    listing = await client.get("/beheer/diensten")
    assert listing.status_code == 200 and 'href="/beheer/diensten/SZW"' in listing.text
    assert 'aria-current="page" href="/beheer/diensten"' in listing.text  # the Beheer sub-navigation
    edit = await client.get("/beheer/diensten/SZW")
    assert edit.status_code == 200
    assert 'name="hours-thursday-1-opens"' in edit.text and 'value="08:30"' in edit.text
    assert "Ahmed Accountmanager" in edit.text and "070 222 2222" in edit.text  # the direct line, shown
    token = await csrf_token(client, "/beheer/diensten/SZW")
    szw = await service(client, world)
    data = form_of(
        szw, escalation_norm_days="5", **{"hours-thursday-2-opens": "18:00", "hours-thursday-2-closes": "20:00"}
    )
    saved = await client.post("/beheer/diensten/SZW", data={"_csrf_token": token, **data}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    szw = await service(client, world)
    assert (
        szw["escalation_norm_days"] == 5
        and szw["hours"] == "ma-wo 08:30-17:00, do 08:30-17:00 en 18:00-20:00, vr 08:30-17:00"
    )
    # the old version again: 409 with the reload link, nothing written
    state = await snapshot(db)
    stale = await client.post("/beheer/diensten/SZW", data={"_csrf_token": token, **data})
    assert stale.status_code == 409 and "Laad de dienst opnieuw" in stale.text
    assert await snapshot(db) == state
    unknown = await client.get("/beheer/diensten/XYZ", follow_redirects=False)
    assert unknown.status_code == 303


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"escalation_norm_days": "0"}, "De escalatienorm is minstens 1 werkdag"),
        ({"callback_term_days": "-1"}, "De terugbeltermijn is minstens 1 werkdag"),
        ({"escalation_norm_days": "drie"}, "geheel aantal werkdagen"),
        ({"hours-monday-1-closes": "08:00"}, "De sluitingstijd moet na de openingstijd (08:30) liggen"),
        ({"hours-monday-1-closes": ""}, "Vul een sluitingstijd in"),
        ({"hours-friday-2-opens": "12:00", "hours-friday-2-closes": "18:00"}, "Overlapt met 08:30-17:00 op vrijdag"),
        ({"name": ""}, "Vul de naam van de dienst in"),
    ],
)
async def test_bad_input_on_the_page_is_shown_at_the_field(client, db, world: Casework, values, says) -> None:
    await login_as(client, world.admin)
    token = await csrf_token(client, "/beheer/diensten/SZW")
    state = await snapshot(db)
    data = form_of(await service(client, world), **values)
    response = await client.post("/beheer/diensten/SZW", data={"_csrf_token": token, **data})
    assert response.status_code == 422 and says in response.text
    assert 'aria-invalid="true"' in response.text
    assert await snapshot(db) == state


async def test_topics_departments_and_services_share_the_beheer_navigation(client, world: Casework) -> None:
    await login_as(client, world.admin)
    for path in (
        "/beheer/diensten",
        "/beheer/coordinatoren",
        "/beheer/onderwerpen",
        "/beheer/afdelingen",
        "/beheer/pilots",
    ):
        text = (await client.get(path)).text
        assert '<nav class="admin-subnav" aria-label="Beheer">' in text, path
        assert f'aria-current="page" href="{path}"' in text, path
    assert 'href="/beheer"' in (await client.get("/start")).text
    assert 'href="/beheer/diensten"' in (await client.get("/beheer")).text


# ------------------------------------------------------------------------------------------------ coordinators


async def test_coordinators_through_the_api_and_the_page(client, db, world: Casework) -> None:
    url = f"/api/v1/services/SZW/coordinators/{world.am.id}"
    assert (await client.put(url, headers=world.tokens["kcc"])).status_code == 403
    added = await client.put(url, headers=world.tokens["admin"])
    assert added.status_code == 200 and [c["name"] for c in added.json()] == ["Ahmed Accountmanager"]
    listed = await client.get("/api/v1/services/SZW/coordinators", headers=world.tokens["cm"])
    assert [c["id"] for c in listed.json()] == [world.am.id]
    assert (
        await client.put("/api/v1/services/SZW/coordinators/999999", headers=world.tokens["admin"])
    ).status_code == 404
    assert (
        await client.put(f"/api/v1/services/XYZ/coordinators/{world.am.id}", headers=world.tokens["admin"])
    ).status_code == 404
    removed = await client.delete(url, headers=world.tokens["admin"])
    assert removed.status_code == 200 and removed.json() == []
    await login_as(client, world.admin)
    token = await csrf_token(client, "/beheer/coordinatoren")
    page_add = await client.post(
        "/beheer/coordinatoren", data={"_csrf_token": token, "service": "DSO", "user_id": str(world.am_dso.id)}
    )
    assert page_add.status_code == 200
    section = page_add.text.split('data-testid="coordinatoren-DSO"')[1].split("</section>")[0]
    assert "Dirk Dso" in section and "Verwijderen" in section
    bad = await client.post("/beheer/coordinatoren", data={"_csrf_token": token, "service": "DSO", "user_id": "x"})
    assert bad.status_code == 422 and "Kies een medewerker" in bad.text
    gone = await client.post(
        "/beheer/coordinatoren/verwijderen",
        data={"_csrf_token": token, "service": "DSO", "user_id": str(world.am_dso.id)},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    async with db() as s:
        assert await s.scalar(select(func.count()).select_from(service_coordinators)) == 0
        details = list(await s.scalars(select(AuditEvent.detail).where(AuditEvent.detail.contains("coordinator van"))))
    assert len(details) == 4 and all("Beheer > Coördinatoren" in d for d in details)


# ------------------------------------------------------------------------------------------------ pilots


BROKEN = """slug = "kapot"
name = "Kapotte pilot"
start = 2026-01-01
end = 2026-12-31
services = ["SZW", "XYZ"]
"""


@pytest.fixture
def pilot_folder(session_app, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "pilots"
    folder.mkdir()
    (folder / "multiservice-szw-ocw-dso.toml").write_text(
        (PROJECT_ROOT / "pilots" / "multiservice-szw-ocw-dso.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    settings = session_app.state.settings
    session_app.state.settings = settings.model_copy(update={"pilots_dir": folder})
    yield folder
    session_app.state.settings = settings


async def test_pilots_reload_good_and_broken_files(client, db, world: Casework, pilot_folder: Path) -> None:
    assert (await client.post("/api/v1/pilots/reload", headers=world.tokens["cm"])).status_code == 403
    first = await client.post("/api/v1/pilots/reload", headers=world.tokens["admin"])
    assert first.status_code == 200, first.text
    assert first.json() == {
        "created": ["multiservice-szw-ocw-dso"],
        "updated": [],
        "unchanged": [],
        "invalid_files": [],
        "errors": [],
    }
    (pilot_folder / "kapot.toml").write_text(BROKEN, encoding="utf-8")
    await login_as(client, world.admin)
    token = await csrf_token(client, "/beheer/pilots")
    reloaded = await client.post("/beheer/pilots/opnieuw-laden", data={"_csrf_token": token})
    assert reloaded.status_code == 200
    text = reloaded.text
    assert "kapot.toml: caseload_cap: ontbreekt; dit veld is verplicht." in text  # in Dutch, with the file
    assert "Niet geladen (de pilot blijft zoals hij was): " in text
    assert 'data-testid="pilot-multiservice-szw-ocw-dso"' in text and "multiservice-szw-ocw-dso.toml" in text
    async with db() as s:
        assert list(await s.scalars(select(Pilot.slug))) == ["multiservice-szw-ocw-dso"]  # nothing half-loaded
        loaded = list(await s.scalars(select(AuditEvent.detail).where(AuditEvent.object_type == "pilot")))
    assert len(loaded) == 1 and loaded[0].endswith("multiservice-szw-ocw-dso.toml")  # one event: the creation
    api = await client.post("/api/v1/pilots/reload", headers=world.tokens["admin"])
    body = api.json()
    assert body["unchanged"] == ["multiservice-szw-ocw-dso"]
    assert [Path(f).name for f in body["invalid_files"]] == ["kapot.toml"]
    assert body["errors"] and all(Path(e["file"]).name == "kapot.toml" for e in body["errors"])


async def test_an_inactive_account_cannot_become_coordinator(client, db, world: Casework, make_user) -> None:
    gone = await make_user("accountmanager", services=["SZW"], name="Uit Dienst", active=False)
    response = await client.put(f"/api/v1/services/SZW/coordinators/{gone.id}", headers=world.tokens["admin"])
    assert response.status_code == 422
    assert response.json()["extra"] == [
        {"field": "user_id", "message": "Een inactief account kan geen coördinator worden"}
    ]
    async with db() as s:
        assert await s.scalar(select(func.count()).select_from(service_coordinators)) == 0

"""Beheer > Afdelingen (``/beheer/afdelingen``) and ``/api/v1/departments`` (issue 13): admins add departments under
a service, change their name, phone and hours with a version check (a stale change writes nothing and says so),
deactivate and reactivate them (never delete); bad input is refused with the field named; every change is audited.
Also ``GET /api/v1/topics``, read by every signed-in role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.directory.catalogue import DEPARTMENT_PHONE_MESSAGE, check_department
from casemgmt.directory.models import Department, Service
from tests.worlds.casework import Casework, arrange, login_as
from tests.worlds.personas import csrf_token

pytestmark = pytest.mark.anyio

PATH = "/beheer/afdelingen"


@pytest.fixture
async def world(make_user, make_token, db) -> Casework:  # type: ignore[no-untyped-def]
    return await arrange(make_user, make_token, db)


# ---------------------------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("phone", ["070 353 7510", "0703537510", "+31 70 353 7510", "0031703537510", "06-12345678", ""])
def test_a_dutch_or_international_number_or_none_is_a_phone(phone: str) -> None:
    cleaned, errors = check_department(" Werk en Inkomen ", f" {phone} ", "ma-vr 08:30-12:30")
    assert errors == []
    assert (cleaned.name, cleaned.phone, cleaned.hours) == ("Werk en Inkomen", phone, "ma-vr 08:30-12:30")


@pytest.mark.parametrize(
    ("name", "phone", "hours", "field", "says"),
    [
        ("", "070 353 7510", "", "name", "Vul de naam"),
        ("   ", "", "", "name", "Vul de naam"),
        ("x" * 201, "", "", "name", "maximaal 200"),
        ("Balie", "12345", "", "phone", DEPARTMENT_PHONE_MESSAGE),
        ("Balie", "bel ons", "", "phone", DEPARTMENT_PHONE_MESSAGE),
        ("Balie", "0" * 41, "", "phone", "maximaal 40"),
        ("Balie", "", "h" * 201, "hours", "maximaal 200"),
    ],
)
def test_the_rule_names_the_field(name: str, phone: str, hours: str, field: str, says: str) -> None:
    _, errors = check_department(name, phone, hours)
    assert [e.field for e in errors] == [field] and says in errors[0].message


# ---------------------------------------------------------------------------------------------- pages


async def _department(db, name: str = "Werk en Inkomen") -> Department:
    async with db() as s:
        return await s.scalar(select(Department).where(Department.name == name))


async def _events(db) -> list[tuple[str, str, str]]:
    async with db() as s:
        rows = await s.execute(
            select(AuditEvent.action, AuditEvent.object_type, AuditEvent.detail)
            .where(AuditEvent.object_type == "department")
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


async def test_the_page_lists_departments_grouped_per_service(client, world: Casework) -> None:
    await login_as(client, world.admin)
    page = await client.get(PATH)
    assert page.status_code == 200
    text = page.text
    assert 'data-testid="afdelingen-SZW"' in text and 'data-testid="afdelingen-OCW"' in text
    start = text.index('data-testid="afdelingen-SZW"')
    szw = text[start : text.index("</section>", start)]
    assert "Werk en Inkomen" in szw and "070 353 7510" in szw and "Subsidies" not in szw
    assert 'href="/beheer/afdelingen"' in (await client.get("/beheer")).text  # its card on Beheer (issue 17)


async def test_an_admin_adds_a_department(client, db, world: Casework) -> None:
    await login_as(client, world.admin)
    token = await csrf_token(client, PATH)
    added = await client.post(
        PATH,
        data={
            "_csrf_token": token,
            "service": "szw",
            "name": " Bijzondere bijstand ",
            "phone": "070 353 7540",
            "hours": "ma-vr 09:00-12:00",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    department = await _department(db, "Bijzondere bijstand")
    async with db() as s:
        szw = await s.scalar(select(Service.id).where(Service.code == "SZW"))
    assert (department.service_id, department.phone, department.hours, department.is_active) == (
        szw,
        "070 353 7540",
        "ma-vr 09:00-12:00",
        True,
    )
    assert ("create", "department", "SZW Bijzondere bijstand") in await _events(db)
    page = await client.get(PATH)
    assert "Afdeling &#39;Bijzondere bijstand&#39; toegevoegd." in page.text or "Bijzondere bijstand" in page.text
    # the contact form offers it at once
    await login_as(client, world.kcc)
    assert "Bijzondere bijstand" in (await client.get(f"/contacten/nieuw?client_id={world.client_id}")).text


@pytest.mark.parametrize(
    ("values", "field_text"),
    [
        ({"service": "", "name": "Balie", "phone": "", "hours": ""}, "Kies de dienst"),
        ({"service": "XYZ", "name": "Balie", "phone": "", "hours": ""}, "Kies de dienst"),
        ({"service": "SZW", "name": " ", "phone": "", "hours": ""}, "Vul de naam van de afdeling in"),
        ({"service": "SZW", "name": "Balie", "phone": "12", "hours": ""}, "Ongeldig telefoonnummer"),
        ({"service": "SZW", "name": "Balie", "phone": "", "hours": "u" * 201}, "maximaal 200"),
        ({"service": "SZW", "name": "Werk en Inkomen", "phone": "", "hours": ""}, "heeft al een afdeling"),
    ],
)
async def test_bad_input_is_refused_next_to_the_field_and_nothing_added(
    client, db, world: Casework, values, field_text
) -> None:
    await login_as(client, world.admin)
    token = await csrf_token(client, PATH)
    async with db() as s:
        before = await s.scalar(select(func.count()).select_from(Department))
    response = await client.post(PATH, data={"_csrf_token": token, **values})
    assert response.status_code == 422 and field_text in response.text
    assert "utrecht-form-field--invalid" in response.text and 'aria-invalid="true"' in response.text
    async with db() as s:
        assert await s.scalar(select(func.count()).select_from(Department)) == before
    assert await _events(db) == []


async def test_an_admin_changes_name_phone_and_hours(client, db, world: Casework) -> None:
    department = await _department(db)
    await login_as(client, world.admin)
    form = await client.get(f"{PATH}/{department.id}")
    assert form.status_code == 200 and f'value="{department.updated_at.isoformat()}"' in form.text
    token = await csrf_token(client, f"{PATH}/{department.id}")
    saved = await client.post(
        f"{PATH}/{department.id}",
        data={
            "_csrf_token": token,
            "name": "Werk & Inkomen",
            "phone": "+31 70 353 7599",
            "hours": "ma-do 09:00-12:00",
            "updated_at": department.updated_at.isoformat(),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    after = await _department(db, "Werk & Inkomen")
    assert (after.id, after.phone, after.hours) == (department.id, "+31 70 353 7599", "ma-do 09:00-12:00")
    assert after.updated_at != department.updated_at
    (event,) = await _events(db)
    assert event[0] == "update" and "naam: 'Werk en Inkomen' -> 'Werk & Inkomen'" in event[2]
    assert "telefoon" in event[2] and "openingstijden" in event[2]


async def test_a_stale_edit_writes_nothing_and_offers_a_reload(client, db, world: Casework) -> None:
    department = await _department(db)
    stale = department.updated_at.isoformat()
    await login_as(client, world.admin)
    token = await csrf_token(client, f"{PATH}/{department.id}")
    first = await client.post(
        f"{PATH}/{department.id}",
        data={
            "_csrf_token": token,
            "name": department.name,
            "phone": "070 353 7511",
            "hours": department.hours,
            "updated_at": stale,
        },
        follow_redirects=False,
    )
    assert first.status_code == 303
    token = await csrf_token(client, f"{PATH}/{department.id}")
    second = await client.post(
        f"{PATH}/{department.id}",
        data={"_csrf_token": token, "name": "Andere naam", "phone": "070 353 7512", "hours": "", "updated_at": stale},
        follow_redirects=False,
    )
    assert second.status_code == 409
    assert "intussen door iemand anders gewijzigd" in second.text and "Er is niets opgeslagen" in second.text
    assert f'href="{PATH}/{department.id}"' in second.text and "Laad de afdeling opnieuw" in second.text
    after = await _department(db)
    assert (after.name, after.phone) == (department.name, "070 353 7511")  # the first change, not the second
    assert len(await _events(db)) == 1


async def test_an_edit_with_bad_input_is_refused_with_the_field_named(client, db, world: Casework) -> None:
    department = await _department(db)
    await login_as(client, world.admin)
    token = await csrf_token(client, f"{PATH}/{department.id}")
    refused = await client.post(
        f"{PATH}/{department.id}",
        data={
            "_csrf_token": token,
            "name": "",
            "phone": "abc",
            "hours": "",
            "updated_at": department.updated_at.isoformat(),
        },
    )
    assert refused.status_code == 422
    assert "Vul de naam van de afdeling in" in refused.text and "Ongeldig telefoonnummer" in refused.text
    assert (await _department(db)).phone == department.phone and await _events(db) == []


async def test_deactivating_keeps_the_department_and_its_transfers(client, db, world: Casework) -> None:
    department = await _department(db)
    await login_as(client, world.admin)
    token = await csrf_token(client, PATH)
    off = await client.post(
        f"{PATH}/{department.id}/status",
        data={"_csrf_token": token, "active": "0", "updated_at": department.updated_at.isoformat()},
        follow_redirects=False,
    )
    assert off.status_code == 303
    page = await client.get(PATH)
    row = page.text[page.text.index(f'data-testid="afdeling-{department.id}"') :]
    assert "Gedeactiveerd" in row[:2000] and "Activeren" in row[:2000]
    after = await _department(db)
    assert after is not None and after.is_active is False
    await login_as(client, world.kcc)
    assert "Werk en Inkomen" not in (await client.get(f"/contacten/nieuw?client_id={world.client_id}")).text
    await login_as(client, world.admin)
    token = await csrf_token(client, PATH)
    on = await client.post(
        f"{PATH}/{department.id}/status",
        data={"_csrf_token": token, "active": "1", "updated_at": after.updated_at.isoformat()},
        follow_redirects=False,
    )
    assert on.status_code == 303 and (await _department(db)).is_active is True
    assert [e[2] for e in await _events(db)] == ["gedeactiveerd", "geactiveerd"]


async def test_a_stale_deactivation_changes_nothing(client, db, world: Casework) -> None:
    department = await _department(db)
    await login_as(client, world.admin)
    token = await csrf_token(client, PATH)
    response = await client.post(
        f"{PATH}/{department.id}/status",
        data={"_csrf_token": token, "active": "0", "updated_at": "2020-01-01T00:00:00+00:00"},
    )
    assert response.status_code == 200 and "intussen door iemand anders gewijzigd" in response.text
    assert (await _department(db)).is_active is True and await _events(db) == []


async def test_only_admins_manage_departments(client, db, world: Casework) -> None:
    department = await _department(db)
    for person in (world.kcc, world.cm, world.am, world.evaluator):
        await login_as(client, person)
        assert (await client.get(PATH)).status_code == 403
        assert (await client.get(f"{PATH}/{department.id}")).status_code == 403
        token = await csrf_token(client)
        refused = await client.post(
            f"{PATH}/{department.id}",
            data={
                "_csrf_token": token,
                "name": "Gekaapt",
                "phone": "",
                "hours": "",
                "updated_at": department.updated_at.isoformat(),
            },
        )
        assert refused.status_code == 403
        add = await client.post(PATH, data={"_csrf_token": token, "service": "SZW", "name": "Gekaapt"})
        assert add.status_code == 403
    assert (await _department(db)).name == "Werk en Inkomen" and await _events(db) == []
    assert 'href="/beheer/afdelingen"' not in (await client.get("/start")).text


# ---------------------------------------------------------------------------------------------- the API


async def test_every_signed_in_role_reads_departments_and_topics(client, world: Casework) -> None:
    for name in ("kcc", "cm", "am", "evaluator", "admin"):
        response = await client.get("/api/v1/departments", params={"service": "szw"}, headers=world.tokens[name])
        assert response.status_code == 200, (name, response.text)
        body = response.json()
        assert {d["service"] for d in body} == {"SZW"} and "Werk en Inkomen" in {d["name"] for d in body}
        assert set(body[0]) == {"id", "service", "name", "phone", "hours", "active", "updated_at"}
        topics = await client.get("/api/v1/topics", params={"service": "SZW"}, headers=world.tokens[name])
        assert topics.status_code == 200 and {t["service"] for t in topics.json()} == {"SZW"}
        assert set(topics.json()[0]) == {"code", "name", "service", "active"}
    everything = await client.get("/api/v1/departments", headers=world.tokens["kcc"])
    assert {"SZW", "OCW", "DSO"} <= {d["service"] for d in everything.json()}
    unknown = await client.get("/api/v1/departments", params={"service": "XYZ"}, headers=world.tokens["kcc"])
    assert unknown.status_code == 422 and unknown.json()["extra"][0]["field"] == "service"
    assert (await client.get("/api/v1/departments")).status_code == 401


async def test_the_api_adds_and_changes_with_a_version(client, db, world: Casework) -> None:
    admin = world.tokens["admin"]
    created = await client.post(
        "/api/v1/departments",
        json={"service": "OCW", "name": "Kinderopvang", "phone": "070 353 6830", "hours": "ma-vr 09:00-12:00"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["service"], body["name"], body["active"]) == ("OCW", "Kinderopvang", True)
    changed = await client.patch(
        f"/api/v1/departments/{body['id']}",
        json={"updated_at": body["updated_at"], "hours": "di 10:00-12:00"},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["hours"], changed.json()["phone"]) == ("di 10:00-12:00", "070 353 6830")
    stale = await client.patch(
        f"/api/v1/departments/{body['id']}", json={"updated_at": body["updated_at"], "active": False}, headers=admin
    )
    assert stale.status_code == 409 and "laad opnieuw" in stale.json()["detail"]
    off = await client.patch(
        f"/api/v1/departments/{body['id']}",
        json={"updated_at": changed.json()["updated_at"], "active": False},
        headers=admin,
    )
    assert off.status_code == 200 and off.json()["active"] is False
    bad = await client.patch(
        f"/api/v1/departments/{body['id']}",
        json={"updated_at": off.json()["updated_at"], "name": "", "phone": "123"},
        headers=admin,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["extra"]} == {"name", "phone"}
    missing = await client.patch("/api/v1/departments/999999", json={"updated_at": "x"}, headers=admin)
    assert missing.status_code == 404
    assert [e[0] for e in await _events(db)] == ["create", "update", "update"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"service": "XYZ", "name": "Balie"}, {"service"}),
        ({"service": "SZW", "name": " "}, {"name"}),
        ({"service": "SZW", "name": "Balie", "phone": "nul zeventig"}, {"phone"}),
        ({"service": "SZW", "name": "Werk en Inkomen"}, {"name"}),
    ],
)
async def test_the_api_refuses_bad_input_with_the_fields(client, db, world: Casework, body, fields) -> None:
    response = await client.post("/api/v1/departments", json=body, headers=world.tokens["admin"])
    assert response.status_code == 422, response.text
    assert {e["field"] for e in response.json()["extra"]} == fields
    assert await _events(db) == []


async def test_only_admins_write_through_the_api(client, db, world: Casework) -> None:
    department = await _department(db)
    for name in ("kcc", "cm", "am", "evaluator"):
        headers = world.tokens[name]
        assert (
            await client.post("/api/v1/departments", json={"service": "SZW", "name": "X"}, headers=headers)
        ).status_code == 403
        patched = await client.patch(
            f"/api/v1/departments/{department.id}",
            json={"updated_at": department.updated_at.isoformat(), "name": "X"},
            headers=headers,
        )
        assert patched.status_code == 403
    assert (await _department(db)).name == "Werk en Inkomen"


async def test_the_loader_uses_the_same_rule(app, db, tmp_path) -> None:
    from casemgmt.directory.catalogue import load_departments
    from casemgmt.errors import InvalidInput

    file = tmp_path / "afdelingen.toml"
    file.write_text('[[SZW]]\nname = "Nieuw"\nphone = "070 353 7590"\n\n[[SZW]]\nname = "Fout"\nphone = "12"\n')
    async with db() as s:
        with pytest.raises(InvalidInput) as refused:
            await load_departments(s, file)
        await s.rollback()
    assert "nr. 2" in refused.value.errors[0].field and "Ongeldig telefoonnummer" in refused.value.errors[0].message
    assert await _department(db, "Nieuw") is None

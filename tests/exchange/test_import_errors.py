"""Import is all or nothing: an invalid line anywhere → nothing written, every invalid line reported with its field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlalchemy import select

from casemgmt.auth.models import User
from casemgmt.dossiers.models import Dossier
from casemgmt.exchange.importer import DossierImportRejected, import_dossiers
from casemgmt.exchange.schema import LineError
from tests.exchange.conftest import jsonl, make_staff, reset, valid_line, written_counts

pytestmark = pytest.mark.anyio

BSNS = ["123456782", "111222333", "100000009", "100000010"]
SURVEY_GRADE_11 = {"respondent_id": "R1", "contact_date": "2026-10-02", "remembered_contact": "ja", "grade": 11}


def lines_with(bad: dict[str, Any] | str) -> bytes:
    """Three valid dossiers with the bad one third (line 3)."""
    return jsonl(
        valid_line("D-2026-08001", BSNS[0]), valid_line("D-2026-08002", BSNS[1]), bad, valid_line("D-2026-08004")
    )


def changed(path: str, value: Any) -> dict[str, Any]:
    """A valid line (D-2026-08003) with the value at ``path`` (``contacts.0.transfers``) replaced."""
    line = copy.deepcopy(valid_line("D-2026-08003", BSNS[3]))
    target: Any = line
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is KeyError:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return line


async def rejected(db, body: bytes, **options: Any) -> list[LineError]:
    async with db() as session, session.begin():
        before = await written_counts(session)
    with pytest.raises(DossierImportRejected) as caught:
        async with db() as session, session.begin():
            await import_dossiers(session, body.splitlines(keepends=True), **options)
    async with db() as session:
        assert await written_counts(session) == before, "nothing may be written"
    return caught.value.report.errors


@pytest.fixture
async def staff(db) -> None:
    async with db() as session, session.begin():
        await reset(session)
        await make_staff(session)


async def test_valid_file_imports(db, staff) -> None:
    async with db() as session, session.begin():
        report = await import_dossiers(session, lines_with(valid_line("D-2026-08003", BSNS[3])).splitlines(True))
    assert report.dossiers == 4 and report.clients_created == 3 and report.clients_reused == 1
    async with db() as session:
        refs = (await session.scalars(select(Dossier.ref).order_by(Dossier.id))).all()
    assert refs == ["D-2026-08001", "D-2026-08002", "D-2026-08003", "D-2026-08004"]


@pytest.mark.parametrize(
    ("bad", "path", "words"),
    [
        ('{"ref": "D-2026-08003", "subject": ', None, "Geen geldige JSON"),
        (changed("contacts.0.transfers", "2"), "contacts[0].transfers", "geheel getal"),
        (changed("contacts.0.service", "XYZ"), "contacts[0].service", "Onbekende dienst 'XYZ'"),
        (changed("casemanager", "nobody@gemeente.example"), "casemanager", "Onbekende medewerker"),
        (changed("contacts.0.channel", "fax"), "contacts[0].channel", "Onbekende waarde 'fax'"),
        (changed("contacts.0.occurred_at", "2026-10-01T09:00:00"), "contacts[0].occurred_at", "geen tijdzone"),
        (changed("opened_at", "1 oktober 2026"), "opened_at", "Ongeldig moment"),
        (changed("client.bsn", "123456783"), "client.bsn", "elfproef"),
        (changed("client.bsn", "000000000"), "client.bsn", "elfproef"),
        (changed("ref", "D-2026-08001"), "ref", "staat al op regel 1"),
        (changed("pilot", "geen-pilot"), "cohort", "horen samen"),
        (changed("commitments.0.kept_on_time", False), "commitments[0].kept_on_time", "Moet true zijn"),
        (changed("commitments.0.status", "beloofd"), "commitments[0].status", "Onbekende waarde"),
        (changed("contacts.0.occurred_at", "2099-01-01T09:00:00+00:00"), "contacts[0].occurred_at", "toekomst"),
        (changed("status", "closed"), "outcome", "gesloten dossier heeft een uitkomst"),
        (changed("subject", KeyError), "subject", "Ontbreekt"),
        (changed("colour", "blue"), "colour", "Onbekend veld"),
        (
            changed(
                "surveys",
                [{"respondent_id": "R1", "contact_date": "2026-10-02", "remembered_contact": "ja", "grade": 11}],
            ),
            "surveys[0].grade",
            "Rapportcijfer '11' is ongeldig",
        ),
    ],
)
async def test_an_invalid_line_writes_nothing_and_is_reported(db, staff, bad, path, words) -> None:
    errors = await rejected(db, lines_with(bad))
    assert {error.line for error in errors} == {3}, errors
    assert any(error.path == path and words in error.message for error in errors), errors


async def test_existing_reference_is_an_error(db, staff) -> None:
    async with db() as session, session.begin():
        await import_dossiers(session, jsonl(valid_line("D-2026-08003", BSNS[3])).splitlines(True))
    errors = await rejected(db, lines_with(valid_line("D-2026-08003", BSNS[2])))
    assert [(e.line, e.path) for e in errors] == [(3, "ref")]
    assert "bestaat al" in errors[0].message


async def test_unknown_pilot_and_respondent_used_twice(db, staff) -> None:
    survey = {"respondent_id": "R1", "contact_date": "2026-10-02", "remembered_contact": "ja", "grade": 8}
    body = jsonl(
        valid_line("D-2026-08001", BSNS[0], pilot="onbekend", cohort="pilot"),
        valid_line("D-2026-08002", BSNS[1], surveys=[survey]),
        valid_line("D-2026-08003", BSNS[2], surveys=[survey]),
    )
    errors = await rejected(db, body)
    assert [(e.line, e.path) for e in errors] == [(1, "pilot"), (3, "surveys[0].respondent_id")]


async def test_every_invalid_line_is_reported(db, staff) -> None:
    body = jsonl(
        "not json at all",
        valid_line("D-2026-08002", BSNS[1]),
        changed("contacts.0.direction", "sideways"),
        valid_line("D-2026-08005", "123456783"),
    )
    errors = await rejected(db, body)
    assert [(e.line, e.path) for e in errors] == [
        (1, None),
        (3, "contacts[0].direction"),
        (4, "client.bsn"),
    ]


async def test_a_late_error_after_a_written_batch_still_writes_nothing(db, staff) -> None:
    many = [valid_line(f"D-2026-{n:05d}", BSNS[0]) for n in range(1, 8)]
    errors = await rejected(db, jsonl(*many, changed("contacts.0.employee", "wie@gemeente.example")), batch_size=3)
    assert [(e.line, e.path) for e in errors] == [(8, "contacts[0].employee")]


async def test_time_over_24_hours_a_day_is_refused(db, staff) -> None:
    entry = {"employee": "cm@gemeente.example", "date": "2026-10-02", "minutes": 800, "activity": "coordination"}
    body = jsonl(
        valid_line("D-2026-08001", BSNS[0], time_entries=[entry]),
        valid_line("D-2026-08002", BSNS[1], time_entries=[entry]),
    )
    errors = await rejected(db, body)
    assert [(e.line, e.path) for e in errors] == [(2, "time_entries[0].minutes")]
    assert "24 uur" in errors[0].message


async def test_create_users_makes_inactive_accounts_with_implied_roles(db) -> None:
    async with db() as session, session.begin():
        await reset(session)
    line = valid_line(
        "D-2026-08001",
        casemanager="nieuw.cm@gemeente.example",
        assignments=[
            {
                "service": "OCW",
                "accountmanager": "nieuw.am@gemeente.example",
                "since": "2026-10-01T09:00:00+00:00",
                "until": None,
                "reason": "",
            }
        ],
    )
    line["contacts"][0]["employee"] = "nieuw.kcc@gemeente.example"
    line["commitments"][0]["owner"] = "nieuw.am@gemeente.example"
    line["commitments"][0]["made_by"] = "alleen.toezegging@gemeente.example"
    with pytest.raises(DossierImportRejected):
        async with db() as session, session.begin():
            await import_dossiers(session, jsonl(line).splitlines(True))
    async with db() as session, session.begin():
        report = await import_dossiers(session, jsonl(line).splitlines(True), create_users=True)
    assert sorted(report.users_created) == [
        "alleen.toezegging@gemeente.example",
        "nieuw.am@gemeente.example",
        "nieuw.cm@gemeente.example",
        "nieuw.kcc@gemeente.example",
    ]
    async with db() as session:
        users = {user.email: user for user in (await session.scalars(select(User))).all()}
    expected = {
        "nieuw.cm@gemeente.example": (["casemanager"], []),
        "nieuw.am@gemeente.example": (["accountmanager"], ["OCW"]),
        "nieuw.kcc@gemeente.example": (["kcc_agent"], ["KCC"]),
        "alleen.toezegging@gemeente.example": (["kcc_agent"], ["KCC"]),
    }
    for email, (roles, services) in expected.items():
        user = users[email]
        assert not user.is_active and user.password_hash is None
        assert (user.roles, user.service_codes) == (roles, services)


async def test_existing_client_is_reused_and_representatives_merged(db, staff) -> None:
    rep = {
        "name": "Jürgen",
        "organisation": "Wijkteam",
        "phone": "",
        "email": "",
        "relation": "Werker",
        "valid_from": "2026-01-01",
        "valid_until": None,
    }
    first = valid_line("D-2026-08001", BSNS[0])
    second = valid_line("D-2026-08002", BSNS[0])
    second["client"] = {**second["client"], "name": "Andere naam", "representatives": [rep]}
    async with db() as session, session.begin():
        await import_dossiers(session, jsonl(first).splitlines(True))
    async with db() as session, session.begin():
        report = await import_dossiers(session, jsonl(second).splitlines(True))
    assert (report.clients_created, report.clients_reused, report.records["representatives"]) == (0, 1, 1)
    async with db() as session:
        clients = (await session.execute(select(Dossier.client_id).order_by(Dossier.id))).scalars().all()
    assert clients[0] == clients[1]


def test_line_errors_serialise() -> None:
    error = LineError(3, "contacts[3].occurred_at", "Ligt in de toekomst.")
    assert json.loads(json.dumps(error.as_dict())) == {
        "line": 3,
        "path": "contacts[3].occurred_at",
        "message": "Ligt in de toekomst.",
    }


# -- characters no database can store (issue 11) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "path"),
    [
        (changed("contacts.0.summary", "Vraag\u0000beantwoord."), "contacts[0].summary"),  # JSON \u0000
        (changed("client.name", "Anna\ud800"), "client.name"),  # a lone surrogate (JSON \ud800)
        (changed("surveys", [{**SURVEY_GRADE_11, "grade": 8, "comment": "goed\u0000"}]), "surveys[0].comment"),
    ],
)
async def test_a_nul_or_lone_surrogate_is_a_line_error(db, staff, bad, path) -> None:
    errors = await rejected(db, lines_with(json.dumps(bad)))
    assert [(e.line, e.path) for e in errors] == [(3, path)]
    assert "NUL-teken" in errors[0].message
    assert str(errors[0]).startswith(f"regel 3: {path}: ")


async def test_a_raw_nul_byte_is_a_line_error(db, staff) -> None:
    raw = json.dumps(valid_line("D-2026-08003", BSNS[3])).replace("Vraag beantwoord.", "Vraag\x00beantwoord.")
    errors = await rejected(db, lines_with(raw))
    assert [(e.line, e.path) for e in errors] == [(3, None)]
    assert "NUL-teken" in errors[0].message

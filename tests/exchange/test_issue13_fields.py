"""The dossier exchange format carries the KCC facts of issue 13: a contact's topic (by code), its transfer attempts
(``[{service, department, connected}]``, the department by name), its representative (one of the line's
``client.representatives``) and a dossier's ``external_refs``. Export → import into an empty database → export gives
the same lines; an unknown topic or department, or a representative the client does not have, is an error naming the
line and the field, and nothing is written; older files without these keys still import."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlalchemy import select

from casemgmt.clients.models import Representative
from casemgmt.contacts.models import Contact, ContactTransfer
from casemgmt.directory.models import Department, Topic
from casemgmt.exchange.importer import DossierImportRejected, import_dossiers
from casemgmt.references.models import ExternalReference
from tests.exchange.conftest import export_lines, jsonl, make_staff, reset, valid_line, written_counts

pytestmark = pytest.mark.anyio

JURGEN = {"name": "Jürgen de Wit", "organisation": "Sociaal Wijkteam Escamp", "phone": "070 353 9999"}
ATTEMPTS = [
    {"service": "SZW", "department": "Werk en Inkomen", "connected": False},
    {"service": "SZW", "department": None, "connected": False},
    {"service": "OCW", "department": "Subsidies", "connected": True},
]


def kcc_line(ref: str = "D-2026-08101", bsn: str = "123456782") -> dict[str, Any]:
    """A valid line with every new key filled in."""
    line = valid_line(ref, bsn, external_refs=["DB-2026-11873", "Zaak 4411"])
    line["client"]["representatives"] = [
        {**JURGEN, "email": "", "relation": "Maatschappelijk werker", "valid_from": "2025-01-01", "valid_until": None}
    ]
    inbound = line["contacts"][0]
    inbound.update(
        outcome="transferred", transfers=3, topic="bijstand", transfer_attempts=ATTEMPTS, representative=JURGEN
    )
    line["contacts"].append(
        {
            "occurred_at": "2026-10-02T09:00:00+00:00",
            "channel": "phone",
            "direction": "out",
            "service": "SZW",
            "employee": "am@gemeente.example",
            "outcome": "resolved",
            "transfers": 0,
            "summary": "Teruggebeld.",
            "topic": None,
            "transfer_attempts": [],
            "representative": None,
        }
    )
    return line


@pytest.fixture
async def staff(db) -> None:
    async with db() as session, session.begin():
        await reset(session)
        await make_staff(session)


async def _import(db, body: bytes) -> None:
    async with db() as session, session.begin():
        await import_dossiers(session, body.splitlines(keepends=True))


async def _rejected(db, body: bytes) -> list[Any]:
    async with db() as session:
        before = await written_counts(session)
        transfers = len((await session.scalars(select(ContactTransfer))).all())
    with pytest.raises(DossierImportRejected) as caught:
        async with db() as session, session.begin():
            await import_dossiers(session, body.splitlines(keepends=True))
    async with db() as session:
        assert await written_counts(session) == before, "nothing may be written"
        assert len((await session.scalars(select(ContactTransfer))).all()) == transfers
    return caught.value.report.errors


async def test_the_new_fields_are_stored_and_exported(db, staff) -> None:
    await _import(db, jsonl(kcc_line()))
    async with db() as session:
        inbound = await session.scalar(select(Contact).where(Contact.direction == "in"))
        assert inbound.topic_id == await session.scalar(select(Topic.id).where(Topic.code == "bijstand"))
        person = await session.get(Representative, inbound.representative_id)
        assert (person.name, person.organisation, person.phone) == tuple(JURGEN.values())
        attempts = (
            await session.execute(
                select(ContactTransfer.position, Department.name, ContactTransfer.connected)
                .outerjoin(Department, Department.id == ContactTransfer.department_id)
                .where(ContactTransfer.contact_id == inbound.id)
                .order_by(ContactTransfer.position)
            )
        ).all()
        assert [tuple(a) for a in attempts] == [(1, "Werk en Inkomen", False), (2, None, False), (3, "Subsidies", True)]
        refs = await session.scalars(select(ExternalReference.ref).where(ExternalReference.record_type == "dossier"))
        assert list(refs) == ["DB-2026-11873", "Zaak 4411"]
        (exported,) = await export_lines(session)
    line = json.loads(exported)
    assert line["external_refs"] == ["DB-2026-11873", "Zaak 4411"]
    first, second = line["contacts"]
    assert (first["topic"], first["transfer_attempts"], first["representative"]) == ("bijstand", ATTEMPTS, JURGEN)
    assert (second["topic"], second["transfer_attempts"], second["representative"]) == (None, [], None)


async def test_export_import_export_is_identical(db, staff) -> None:
    await _import(db, jsonl(kcc_line(), kcc_line("D-2026-08102", "111222333")))
    async with db() as session:
        first = await export_lines(session)
    async with db() as session, session.begin():
        await reset(session)
    async with db() as session, session.begin():
        await import_dossiers(session, [line + "\n" for line in first], create_users=True)
    async with db() as session:
        second = await export_lines(session)
    assert second == first
    assert all(json.loads(line)["contacts"][0]["transfer_attempts"] == ATTEMPTS for line in second)


async def test_an_older_file_without_the_keys_still_imports(db, staff) -> None:
    old = valid_line("D-2026-08103")
    assert "external_refs" not in old and "topic" not in old["contacts"][0]
    await _import(db, jsonl(old))
    async with db() as session:
        (exported,) = await export_lines(session)
    line = json.loads(exported)
    assert line["external_refs"] == [] and line["contacts"][0]["topic"] is None
    assert line["contacts"][0]["transfer_attempts"] == [] and line["contacts"][0]["representative"] is None


def _with(change: str, value: Any) -> dict[str, Any]:
    line = copy.deepcopy(kcc_line("D-2026-08104", "100000009"))
    target: Any = line
    *parents, last = change.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return line


@pytest.mark.parametrize(
    ("change", "value", "path", "words"),
    [
        ("contacts.0.topic", "geen-onderwerp", "contacts[0].topic", "Onbekend onderwerp 'geen-onderwerp'"),
        (
            "contacts.0.transfer_attempts.0.department",
            "Leerplicht en Leerlingenvervoer",
            "contacts[0].transfer_attempts[0].department",
            "SZW heeft geen afdeling 'Leerplicht en Leerlingenvervoer'",
        ),
        (
            "contacts.0.transfer_attempts.1.service",
            "XYZ",
            "contacts[0].transfer_attempts[1].service",
            "Onbekende dienst",
        ),
        ("contacts.0.transfers", 2, "contacts[0].transfers", "transfers hun aantal (3)"),
        (
            "contacts.0.representative",
            {"name": "Onbekende Helper", "organisation": "", "phone": ""},
            "contacts[0].representative",
            "staat niet bij de vertegenwoordigers",
        ),
        ("external_refs", ["DB-1", "DB-1"], "external_refs", "twee keer"),
    ],
)
async def test_a_bad_value_names_the_line_and_writes_nothing(db, staff, change, value, path, words) -> None:
    body = jsonl(kcc_line(), _with(change, value))
    errors = await _rejected(db, body)
    assert [(e.line, e.path) for e in errors] == [(2, path)], errors
    assert words in errors[0].message
    assert str(errors[0]).startswith("regel 2")


async def test_transfer_failed_needs_a_failed_attempt(db, staff) -> None:
    line = kcc_line("D-2026-08105", "100000010")
    line["contacts"][0].update(
        outcome="transfer_failed", transfers=1, transfer_attempts=[{"service": "SZW", "connected": True}]
    )
    errors = await _rejected(db, jsonl(line))
    assert [(e.line, e.path) for e in errors] == [(1, "contacts[0].transfer_attempts")]

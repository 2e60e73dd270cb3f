"""Fixtures for the exchange tests: a dossier with every kind of record and awkward Unicode text, exporting to a list
of lines, emptying the database back to its reference data, and a small valid line to break in the import tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.models import User
from casemgmt.auth.passwords import Passwords
from casemgmt.auth.services import Accounts
from casemgmt.clients.models import Client
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.directory.catalogue import load_departments, load_topics
from casemgmt.directory.models import Service
from casemgmt.directory.reference import load_reference_services
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.escalations.models import Escalation
from casemgmt.exchange.export import DossierExport, ExportFilter
from casemgmt.handoffs.models import Handoff
from casemgmt.pilots.definitions import load_pilots
from casemgmt.pilots.models import Pilot, PilotEnrolment, TimeEntry
from casemgmt.settings import PROJECT_ROOT
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from tests.conftest import empty_tables
from tests.worlds.representatives import represents

PILOT_SLUG = "multiservice-szw-ocw-dso"
AS_OF = date(2026, 11, 20)
"""The generated history ends here in every test, so tests do not depend on the day they run."""

TRICKY = 'Klant zegt: "ik word van het kastje naar de muur gestuurd" – café, über, ĳs, 😀\nTweede regel\tmet tab'
NOTE_WITH_SEPARATOR = "Regel\u2028scheiding en \\ backslash en 'enkele' quotes"

Session = Callable[[], AsyncSession]


def t(days_ago: float, hour: int = 10) -> datetime:
    """A moment ``days_ago`` days before AS_OF, at ``hour`` UTC."""
    base = datetime(AS_OF.year, AS_OF.month, AS_OF.day, hour, 0, tzinfo=UTC)
    return base - timedelta(days=days_ago)


async def export_lines(session: AsyncSession, filters: ExportFilter | None = None) -> list[str]:
    return [line async for line in DossierExport(session, filters).lines()]


async def reset(session: AsyncSession, *, pilots: bool = True) -> None:
    """An empty database with the reference services, their topics and departments (and the project's pilots)."""
    await empty_tables(session)
    await load_reference_services(session)
    await load_topics(session)
    await load_departments(session)
    if pilots:
        await load_pilots(session, PROJECT_ROOT / "pilots")


async def count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def service_ids(session: AsyncSession) -> dict[str, int]:
    return dict((await session.execute(select(Service.code, Service.id))).tuples().all())


async def add_every_kind_of_record(session: AsyncSession) -> str:
    """One dossier (reference D-2026-09001) with every kind of record, every status, and tricky Unicode text; plus a
    second dossier of an organisation. Returns the first dossier's reference."""
    accounts = Accounts(session, Passwords(cheap=True))

    async def user(email: str, name: str, role: str, services: list[str]) -> int:
        return (await accounts.create_user(email=email, name=name, roles=[role], service_codes=services)).id

    cm = await user("renée.ĳzerman@gemeente.example", "Renée Ĳzerman", "casemanager", [])
    am_szw = await user("uğur.çelik@gemeente.example", "Uğur Çelik", "accountmanager", ["SZW"])
    am_ocw_old = await user("zoë.müller@gemeente.example", "Zoë Müller", "accountmanager", ["OCW"])
    am_ocw = await user("joël.nguyen@gemeente.example", "Joël Nguyễn", "accountmanager", ["OCW"])
    kcc = await user("kcc.agent@gemeente.example", "Kim 'KCC' de Vries", "kcc_agent", ["KCC"])
    sid = await service_ids(session)
    pilot = (await session.scalars(select(Pilot).where(Pilot.slug == PILOT_SLUG))).one()

    person = Client(
        kind="person",
        bsn="111222333",
        name="Özlem “Ozzy” El Amrani-ĳsselmuiden",
        name_normalised="özlem “ozzy” el amrani-ĳsselmuiden",
        phone="+31612345678",
        email="özlem@voorbeeld.example",
        street="Laan van Meerdervoort",
        house_number=1,
        house_number_addition="A",
        postcode="2517AA",
        city="Den Haag",
        pseudonym="K-TESTUNIC01",
    )
    organisation = Client(
        kind="organisation",
        kvk="12345678",
        name="Café 'De Ĳsvogel' B.V.",
        name_normalised="café 'de ĳsvogel' b.v.",
        pseudonym="K-TESTUNIC02",
    )
    session.add_all([person, organisation])
    await session.flush()
    session.add_all(
        [
            represents(
                client_id=person.id,
                name="Jürgen de Wit",
                organisation="Sociaal Wijkteam Escamp",
                phone="070 1",
                email="jurgen@wijkteam.example",
                relation="Maatschappelijk werker 🤝",
                valid_from=date(2025, 1, 1),
                valid_until=date(2026, 1, 1),
            ),
            represents(
                client_id=person.id,
                name="Advocaat Ülker",
                organisation="Ülker & De Vries",
                relation="Advocaat",
                valid_from=date(2025, 6, 1),
            ),
        ]
    )
    dossier = Dossier(
        ref="D-2026-09001",
        client_id=person.id,
        subject=f"Schulden én “huisuitzetting” {TRICKY[:40]}",
        status="in_progress",
        opened_at=t(60),
        casemanager_id=cm,
    )
    closed = Dossier(
        ref="D-2026-09002",
        client_id=organisation.id,
        subject="Bedrijfspand → woning",
        status="closed",
        outcome="resolved",
        opened_at=t(90),
        closed_at=t(30),
        casemanager_id=cm,
    )
    session.add_all([dossier, closed])
    await session.flush()
    session.add_all(
        [
            DossierAssignment(dossier_id=dossier.id, role="casemanager", user_id=cm, since=t(60)),
            DossierAssignment(
                dossier_id=dossier.id,
                role="accountmanager",
                service_id=sid["SZW"],
                user_id=am_szw,
                since=t(60),
                reason="Bij opening",
            ),
            DossierAssignment(
                dossier_id=dossier.id,
                role="accountmanager",
                service_id=sid["OCW"],
                user_id=am_ocw_old,
                since=t(59),
                until=t(20),
                reason="Eerste accountmanager",
            ),
            DossierAssignment(
                dossier_id=dossier.id,
                role="accountmanager",
                service_id=sid["OCW"],
                user_id=am_ocw,
                since=t(20),
                reason=f"Overdracht: {TRICKY}",
            ),
            DossierAssignment(dossier_id=closed.id, role="casemanager", user_id=cm, since=t(90)),
            DossierAssignment(
                dossier_id=closed.id, role="accountmanager", service_id=sid["DSO"], user_id=am_szw, since=t(90)
            ),
        ]
    )
    session.add(
        PilotEnrolment(dossier_id=dossier.id, pilot_id=pilot.id, cohort="pilot", method="random", assigned_at=t(60))
    )
    contacts = [
        Contact(
            client_id=person.id,
            dossier_id=dossier.id,
            channel="phone",
            direction="in",
            service_id=sid["KCC"],
            employee_id=kcc,
            occurred_at=t(60),
            outcome="transferred",
            transfers=3,
            summary=TRICKY,
        ),
        Contact(
            client_id=person.id,
            dossier_id=dossier.id,
            channel="email",
            direction="out",
            service_id=sid["SZW"],
            employee_id=am_szw,
            occurred_at=t(50, 14),
            outcome="resolved",
            transfers=0,
            summary=NOTE_WITH_SEPARATOR,
        ),
        # two contacts at the same moment: the order must survive the round trip
        Contact(
            client_id=person.id,
            dossier_id=dossier.id,
            channel="desk",
            direction="in",
            service_id=sid["OCW"],
            employee_id=am_ocw,
            occurred_at=t(10),
            outcome="callback_promised",
            transfers=0,
            summary="Zelfde moment B",
        ),
        Contact(
            client_id=person.id,
            dossier_id=dossier.id,
            channel="web",
            direction="in",
            service_id=sid["OCW"],
            employee_id=am_ocw,
            occurred_at=t(10),
            outcome="appointment_made",
            transfers=0,
            summary="Zelfde moment A",
        ),
        Contact(
            client_id=organisation.id,
            dossier_id=closed.id,
            channel="letter",
            direction="in",
            service_id=sid["DSO"],
            employee_id=am_szw,
            occurred_at=t(80),
            outcome="client_to_call_back",
            transfers=1,
            summary="Brief 📨",
        ),
    ]
    session.add_all(contacts)
    commitments = [
        ("open", None, None, "", t(5), t(-3)),
        ("fulfilled", t(40), True, "Teruggebeld ✔", t(45), t(39)),
        ("fulfilled", t(30), False, "Te laat", t(45), t(35)),
        ("missed", t(25), False, "Niet bereikt", t(40), t(27)),
        ("cancelled", t(20), None, "Klant trok de vraag in", t(30), t(15)),
        ("open", None, None, "", t(15), t(12)),  # open and overdue
    ]
    for index, (status, closed_at, kept, note, made_at, due_at) in enumerate(commitments):
        session.add(
            Commitment(
                client_id=person.id,
                dossier_id=dossier.id,
                kind=("callback", "information", "action", "appointment")[index % 4],
                description=f"Toezegging {index}: {TRICKY}",
                owner_id=am_szw if index % 2 else cm,
                service_id=sid["SZW"],
                made_by_id=kcc,
                made_at=made_at,
                due_at=due_at,
                status=status,
                closed_at=closed_at,
                closed_by_id=cm if closed_at else None,
                kept_on_time=kept,
                note=note,
            )
        )
    context = "Klant heeft het verhaal al twee keer verteld — zie “samenvatting”; ĳverig opgepakt."
    for status, decided_at, to_employee, reason in (
        ("accepted", t(21), am_ocw, ""),
        ("declined", t(18), am_ocw, "Hoort niet bij ons 🙅"),
        ("cancelled", t(17), None, ""),
        ("requested", None, None, ""),
    ):
        session.add(
            Handoff(
                dossier_id=dossier.id,
                from_employee_id=am_szw,
                from_service_id=sid["SZW"],
                to_service_id=sid["OCW"],
                to_employee_id=to_employee,
                reason=f"Reden {status}",
                context=context,
                requested_at=(decided_at or t(2)) - timedelta(hours=3),
                status=status,
                decided_at=decided_at,
                decided_by_id=to_employee if decided_at else None,
                decision_reason=reason,
            )
        )
    session.add_all(
        [
            Escalation(
                service_id=sid["SZW"],
                question="Waarom is de uitkering niet betaald? “Spoed”",
                client_id=person.id,
                dossier_id=dossier.id,
                asked_by_id=kcc,
                asked_at=t(40),
                due_at=t(37),
                assignee_id=am_szw,
                status="answered",
                answer="Betaling staat klaar ✓",
                answered_by_id=am_szw,
                answered_at=t(38),
                within_norm=True,
                reusable=True,
            ),
            Escalation(
                service_id=sid["OCW"],
                question="Open vraag",
                client_id=person.id,
                dossier_id=dossier.id,
                asked_by_id=kcc,
                asked_at=t(3),
                due_at=t(1),
                assignee_id=am_ocw,
            ),
        ]
    )
    session.add_all(
        [
            TimeEntry(
                dossier_id=dossier.id,
                employee_id=cm,
                role="casemanager",
                entry_date=(t(30)).date(),
                minutes=90,
                activity="coordination",
                registered_by_id=cm,
            ),
            TimeEntry(
                dossier_id=dossier.id,
                employee_id=am_szw,
                role="accountmanager",
                entry_date=(t(30)).date(),
                minutes=15,
                activity="contact",
                registered_by_id=am_szw,
            ),
        ]
    )
    satisfied = SurveyResponse(
        respondent_id="R-ü-1",
        contact_date=t(50).date(),
        remembered_contact=True,
        grade=8,
        dossier_id=dossier.id,
        comment="Eindelijk één aanspreekpunt 👍",
        imported_at=t(1),
    )
    unhappy = SurveyResponse(
        respondent_id="R-ü-2",
        contact_date=t(10).date(),
        remembered_contact=True,
        grade=4,
        helped_at_once="doorverbonden",
        transfer_count="meer_dan_3",
        respondent_type="bewoner",
        gender="vrouw",
        age_band="35-44",
        education="hbo",
        dossier_id=dossier.id,
        comment='Zei: "bel maar terug"',
        imported_at=t(1),
    )
    forgot = SurveyResponse(
        respondent_id="R-ü-3",
        contact_date=t(10).date(),
        remembered_contact=False,
        dossier_id=dossier.id,
        imported_at=t(1),
    )
    session.add_all([satisfied, unhappy, forgot])
    await session.flush()
    await session.execute(
        survey_reasons.insert(),
        [
            {"response_id": unhappy.id, "code": "vaker_doorverbonden"},
            {"response_id": unhappy.id, "code": "niet_in_een_keer"},
        ],
    )
    await session.flush()
    return dossier.ref


def valid_line(ref: str = "D-2026-08001", bsn: str = "123456782", **changes: Any) -> dict[str, Any]:
    """A small valid dossier line referring to the employees of ``make_staff``; ``changes`` replace keys."""
    line: dict[str, Any] = {
        "ref": ref,
        "subject": "Bijstand en kinderopvang",
        "status": "open",
        "outcome": None,
        "opened_at": "2026-10-01T09:00:00+00:00",
        "closed_at": None,
        "client": {
            "kind": "person",
            "bsn": bsn,
            "name": "Anna de Boer",
            "phone": "",
            "email": "",
            "address": {"street": "", "house_number": None, "addition": "", "postcode": "", "city": ""},
            "representatives": [],
        },
        "casemanager": "cm@gemeente.example",
        "assignments": [
            {
                "service": "SZW",
                "accountmanager": "am@gemeente.example",
                "since": "2026-10-01T09:00:00+00:00",
                "until": None,
                "reason": "",
            }
        ],
        "pilot": None,
        "cohort": None,
        "contacts": [
            {
                "occurred_at": "2026-10-01T09:00:00+00:00",
                "channel": "phone",
                "direction": "in",
                "service": "KCC",
                "employee": "kcc@gemeente.example",
                "outcome": "resolved",
                "transfers": 0,
                "summary": "Vraag beantwoord.",
            }
        ],
        "commitments": [
            {
                "kind": "callback",
                "description": "We bellen terug.",
                "owner": "am@gemeente.example",
                "made_by": "kcc@gemeente.example",
                "made_at": "2026-10-01T09:00:00+00:00",
                "due_at": "2026-10-03T15:00:00+00:00",
                "status": "fulfilled",
                "closed_at": "2026-10-02T10:00:00+00:00",
                "kept_on_time": True,
                "note": "",
            }
        ],
        "handoffs": [],
        "escalations": [],
        "time_entries": [],
        "surveys": [],
    }
    line.update(changes)
    return line


def jsonl(*lines: dict[str, Any] | str) -> bytes:
    return "".join(
        (item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)) + "\n" for item in lines
    ).encode()


async def make_staff(session: AsyncSession) -> None:
    """The employees ``valid_line`` refers to."""
    accounts = Accounts(session, Passwords(cheap=True))
    await accounts.create_user(email="cm@gemeente.example", name="Cas", roles=["casemanager"])
    await accounts.create_user(email="am@gemeente.example", name="Am", roles=["accountmanager"], service_codes=["SZW"])
    await accounts.create_user(email="kcc@gemeente.example", name="Kim", roles=["kcc_agent"], service_codes=["KCC"])


async def written_counts(session: AsyncSession) -> dict[str, int]:
    return {
        model.__name__: await count(session, model)
        for model in (User, Client, Dossier, Contact, Commitment, Handoff, Escalation, SurveyResponse, TimeEntry)
    }

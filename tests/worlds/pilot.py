"""Small worlds for the dashboard tests, arranged directly in the database (no HTTP).

``arrange_pilot``: a pilot over 2025 (loaded from a pilot file through the pilots loader) with dossiers in both
cohorts opened in February and March, closing outcomes, inbound contacts, survey grades, time entries and two
escalations. Every client has a known, recognisable name and BSN (``SECRET_NAMES``, ``SECRET_BSNS``) so tests can
scan responses for personal data.

``arrange_trends``: commitments, escalations, handoffs and survey responses across services in January–March 2025,
small enough to compute every trend figure by hand (the expected values are in ``EXPECTED_TRENDS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.commitments.models import Commitment
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from casemgmt.pilots.definitions import load_pilots
from casemgmt.pilots.models import Pilot, PilotEnrolment, TimeEntry
from casemgmt.surveys.models import SurveyResponse
from tests.factories import create_client, create_contact, create_dossier, service_id, valid_bsn

SLUG = "proef-dashboard"
PILOT_FILE = f"""
slug = "{SLUG}"
name = "Proef casemanagement dashboard"
description = "Pilot voor de dashboardtests."
start = 2025-01-06
end = 2025-12-19
services = ["SZW", "OCW"]
caseload_cap = 50
assignment = "manual"
primary_outcome = "resolved_share"

[rates]
casemanager = 78.0
accountmanager = 72.0

[[fixed_costs]]
label = "Training"
amount = 12000

[targets]
satisfied_share = 0.90
resolved_in_one_go_share = 0.80
on_time_share = 0.80
resolved_share = 0.75
escalation_within_norm_share = 0.90
"""

SECRET_NAMES: list[str] = []
SECRET_BSNS: list[str] = []


def moment(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class PilotWorld:
    pilot: Pilot
    casemanager_id: int
    names: list[str] = field(default_factory=list)
    bsns: list[str] = field(default_factory=list)
    pseudonyms: list[str] = field(default_factory=list)


# (cohort, opened, [(status, outcome), ...], grades on contact_date, contact_date)
PILOT_DOSSIERS = [
    ("pilot", date(2025, 2, 10), [("closed", "resolved")] * 4 + [("closed", "withdrawn")] + [("open", None)] * 2),
    ("pilot", date(2025, 3, 12), [("closed", "resolved")] * 2 + [("closed", "referred")]),
    ("control", date(2025, 2, 11), [("closed", "resolved")] * 3 + [("closed", "referred")] * 3),
    ("control", date(2025, 3, 13), [("closed", "resolved")] * 2 + [("closed", "referred")] * 3 + [("open", None)]),
]
GRADES = {
    ("pilot", date(2025, 2, 20)): [8, 9, 7, 6, 8, 7, 5],
    ("pilot", date(2025, 3, 20)): [9, 8],
    ("control", date(2025, 2, 20)): [6, 7, 5, 8, 4, 6],
    ("control", date(2025, 3, 20)): [7, 7, 6, 8, 5],
}


async def arrange_pilot(db: Callable[[], AsyncSession], tmp_path: Path, casemanager_id: int) -> PilotWorld:
    path = tmp_path / f"{SLUG}.toml"
    path.write_text(PILOT_FILE, encoding="utf-8")
    async with db() as session, session.begin():
        report = await load_pilots(session, path)
        assert not report.errors, [str(e) for e in report.errors]
        pilot = (await session.scalars(select(Pilot).where(Pilot.slug == SLUG))).one()
        world = PilotWorld(pilot, casemanager_id)
        szw = await service_id(session, "SZW")
        dossiers: dict[tuple[str, date], list[Dossier]] = {}
        number = 0
        for cohort, opened, outcomes in PILOT_DOSSIERS:
            for status, outcome in outcomes:
                number += 1
                name = f"Geheimnaam Vertrouwelijk{number:03d}"
                bsn = valid_bsn(5000 + number)
                client = await create_client(session, name=name, bsn=bsn)
                world.names.append(name)
                world.bsns.append(bsn)
                world.pseudonyms.append(client.pseudonym)
                dossier = await create_dossier(session, client, casemanager_id, subject=f"Vraag van {name}")
                dossier.opened_at = moment(opened)
                dossier.status = status
                dossier.outcome = outcome
                dossier.closed_at = moment(opened + timedelta(days=20)) if status == "closed" else None
                session.add(
                    PilotEnrolment(
                        dossier_id=dossier.id,
                        pilot_id=pilot.id,
                        cohort=cohort,
                        method="manual",
                        reason="Test",
                        assigned_by_id=casemanager_id,
                        assigned_at=moment(opened),
                    )
                )
                index = len(dossiers.setdefault((cohort, opened), []))
                dossiers[(cohort, opened)].append(dossier)
                if cohort == "pilot":
                    outcome_code, transfers = ("transferred", 2) if index % 3 == 0 else ("resolved", 0)
                else:
                    outcome_code, transfers = ("resolved", 1) if index % 2 == 0 else ("callback_promised", 0)
                await create_contact(
                    session,
                    client,
                    casemanager_id,
                    service="SZW",
                    dossier_id=dossier.id,
                    occurred_at=moment(opened, 11),
                    outcome=outcome_code,
                    transfers=transfers,
                    summary=f"Gesprek met {name} over BSN {bsn}",
                )
                session.add(
                    TimeEntry(
                        dossier_id=dossier.id,
                        employee_id=casemanager_id,
                        role="casemanager",
                        entry_date=opened,
                        minutes=120 if cohort == "pilot" else 60,
                        activity="contact",
                        registered_by_id=casemanager_id,
                    )
                )
        await session.flush()
        respondent = 0
        for (cohort, contact_date), grades in GRADES.items():
            month_dossiers = [d for (c, opened), ds in dossiers.items() if c == cohort for d in ds]
            for grade, dossier in zip(grades, month_dossiers, strict=False):
                respondent += 1
                session.add(
                    SurveyResponse(
                        respondent_id=f"R-DASH-{respondent:04d}",
                        contact_date=contact_date,
                        remembered_contact=True,
                        grade=grade,
                        dossier_id=dossier.id,
                        imported_at=moment(contact_date),
                        comment=f"Opmerking van {world.names[0]}",
                    )
                )
        for dossier in dossiers[("pilot", date(2025, 2, 10))][:2]:
            session.add(
                Escalation(
                    service_id=szw,
                    question="Vraag over de uitkering",
                    client_id=dossier.client_id,
                    dossier_id=dossier.id,
                    asked_by_id=casemanager_id,
                    asked_at=moment(date(2025, 2, 12)),
                    due_at=moment(date(2025, 2, 14), 16),
                    status="answered",
                    answer="Antwoord",
                    answered_by_id=casemanager_id,
                    answered_at=moment(date(2025, 2, 13)),
                    within_norm=True,
                )
            )
    return world


# ------------------------------------------------------------------------------------------------ trends

TRENDS_FROM = date(2025, 1, 1)
TRENDS_TO = date(2025, 3, 31)
TRENDS_NOW = datetime(2025, 3, 20, 12, tzinfo=UTC)

EXPECTED_TRENDS = {
    # measure: {(service, month): (count, n)}; cells not listed are (0, 0)
    "on_time_share": {
        ("SZW", "2025-01"): (5, 8),
        ("SZW", "2025-02"): (3, 3),
        ("OCW", "2025-02"): (4, 5),
        ("", "2025-03"): (5, 5),
    },
    "escalation_within_norm_share": {
        ("SZW", "2025-01"): (4, 6),
        ("DSO", "2025-03"): (5, 5),
    },
    "handoffs_per_dossier": {
        ("SZW", "2025-01"): (7, 6),
        ("OCW", "2025-01"): (5, 5),
        ("OCW", "2025-02"): (1, 1),
    },
    "ping_pong_share": {
        ("SZW", "2025-01"): (0, 6),
        ("OCW", "2025-01"): (5, 5),
        ("OCW", "2025-02"): (0, 1),
    },
    "satisfied_share": {
        ("GEMEENTE", "2025-01"): (4, 6),
        ("GEMEENTE", "2025-02"): (1, 2),
    },
}

JUDGED_LATER = {
    # Judged after the period (as the API does, at the real now) the promises due after TRENDS_NOW count as well:
    # the open OCW commitment and the open DSO escalation are then overdue, so not kept / not within the norm.
    "on_time_share": {("OCW", "2025-03"): (0, 1)},
    "escalation_within_norm_share": {("DSO", "2025-03"): (5, 6)},
}


async def arrange_trends(db: Callable[[], AsyncSession], employee_id: int) -> None:
    """The trends world; see ``EXPECTED_TRENDS`` for the figures it must give (period Jan–Mar 2025, now 20 Mar)."""
    async with db() as session, session.begin():
        codes = {code: await service_id(session, code) for code in ("SZW", "OCW", "DSO", "KCC")}
        client = await create_client(session, name="Trendklant Geheim")
        dossiers = [await create_dossier(session, client, employee_id) for _ in range(7)]

        def commitment(service: str | None, due: datetime, status: str, kept: bool | None, closed: datetime | None):
            session.add(
                Commitment(
                    client_id=client.id,
                    dossier_id=dossiers[0].id,
                    kind="callback",
                    description="Wij bellen u terug.",
                    owner_id=employee_id,
                    service_id=codes[service] if service else None,
                    made_by_id=employee_id,
                    made_at=due - timedelta(days=3),
                    due_at=due,
                    status=status,
                    closed_at=closed,
                    closed_by_id=employee_id if closed else None,
                    kept_on_time=kept,
                )
            )

        jan15 = datetime(2025, 1, 15, 16, tzinfo=UTC)
        for _ in range(5):
            commitment("SZW", jan15, "fulfilled", True, jan15 - timedelta(hours=2))
        commitment("SZW", jan15, "fulfilled", False, jan15 + timedelta(days=1))
        commitment("SZW", jan15, "missed", False, jan15 + timedelta(days=2))
        commitment("SZW", jan15, "cancelled", None, jan15 - timedelta(days=1))  # before due: left out
        commitment("SZW", jan15, "cancelled", None, jan15 + timedelta(days=3))  # after due: not kept
        feb10 = datetime(2025, 2, 10, 16, tzinfo=UTC)
        for _ in range(3):
            commitment("SZW", feb10, "fulfilled", True, feb10)
        # 23:30 UTC on 31 January is 00:30 on 1 February in Amsterdam: February.
        late_jan = datetime(2025, 1, 31, 23, 30, tzinfo=UTC)
        for kept in (True, True, True, True, False):
            commitment("OCW", late_jan, "fulfilled", kept, late_jan)
        commitment("OCW", datetime(2025, 3, 25, 16, tzinfo=UTC), "open", None, None)  # not yet due at "now"
        mar3 = datetime(2025, 3, 3, 16, tzinfo=UTC)
        for _ in range(5):
            commitment(None, mar3, "fulfilled", True, mar3)
        commitment("SZW", datetime(2024, 12, 31, 16, tzinfo=UTC), "missed", False, None)  # before the period

        def escalation(service: str, due: datetime, status: str, within: bool | None):
            session.add(
                Escalation(
                    service_id=codes[service],
                    question="Vraag",
                    asked_by_id=employee_id,
                    asked_at=due - timedelta(days=3),
                    due_at=due,
                    status=status,
                    within_norm=within,
                )
            )

        jan20 = datetime(2025, 1, 20, 16, tzinfo=UTC)
        for within in (True, True, True, True, False):
            escalation("SZW", jan20, "answered", within)
        escalation("SZW", jan20, "open", None)  # open past its norm: not within
        for _ in range(5):
            escalation("DSO", datetime(2025, 3, 10, 16, tzinfo=UTC), "answered", True)
        escalation("DSO", datetime(2025, 3, 28, 16, tzinfo=UTC), "open", None)  # not yet due

        def handoff(dossier: Dossier, source: str, target: str, at: datetime, status: str = "accepted"):
            session.add(
                Handoff(
                    dossier_id=dossier.id,
                    from_employee_id=employee_id,
                    from_service_id=codes[source],
                    to_service_id=codes[target],
                    reason="Hoort bij deze dienst",
                    context="De klant heeft schulden en een lopende aanvraag; zie eerdere contacten.",
                    requested_at=at,
                    status=status,
                )
            )

        for dossier in dossiers[:6]:
            handoff(dossier, "SZW", "OCW", datetime(2025, 1, 10, 9, tzinfo=UTC))
        handoff(dossiers[2], "SZW", "DSO", datetime(2025, 1, 28, 9, tzinfo=UTC), status="requested")
        handoff(dossiers[0], "SZW", "KCC", datetime(2025, 1, 12, 9, tzinfo=UTC), status="declined")  # never moved
        for dossier in (*dossiers[:4], dossiers[5]):
            handoff(dossier, "OCW", "SZW", datetime(2025, 1, 25, 9, tzinfo=UTC))  # back within 30 days: ping-pong
        handoff(dossiers[4], "OCW", "SZW", datetime(2025, 2, 20, 9, tzinfo=UTC))  # 41 days later: no ping-pong
        handoff(dossiers[6], "DSO", "SZW", datetime(2025, 4, 2, 9, tzinfo=UTC))  # after the period

        def response(number: int, day: date, grade: int | None, remembered: bool = True):
            session.add(
                SurveyResponse(
                    respondent_id=f"R-TREND-{number:03d}",
                    contact_date=day,
                    remembered_contact=remembered,
                    grade=grade,
                    imported_at=TRENDS_NOW,
                )
            )

        for number, grade in enumerate((8, 7, 9, 7, 6, 3), start=1):
            response(number, date(2025, 1, 31), grade)
        response(7, date(2025, 1, 15), None, remembered=False)
        response(8, date(2025, 2, 3), 8)
        response(9, date(2025, 2, 4), 5)
        response(10, date(2024, 12, 31), 9)  # before the period

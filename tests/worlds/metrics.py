"""A small pilot, built by hand, whose every figure is computed by hand below (the expectations of the engine tests).

Period under test: March 2026 (``FROM``..``TO``), judged at ``NOW`` (1 June 2026). Times are Europe/Amsterdam
unless marked UTC. Pilot "proef": rates casemanager 78, accountmanager 72 (kcc_agent has no rate: its time costs
0); fixed costs 6,000 + 3,000 = 9,000 over the 5 dossiers of the pilot cohort (P1–P5) = 1,800 per pilot dossier.

Pilot cohort (dossiers opened in March: P1–P4; P5 opened in February is outside the period)
  P1 opened Mon 2 Mar, closed resolved Fri 6 Mar (4 business days)
  P2 opened Tue 3 Mar, closed resolved Fri 13 Mar (8)
  P3 opened Tue 10 Mar, closed referred Thu 12 Mar (2)
  P4 opened Fri 20 Mar, open
  P5 opened Fri 20 Feb, closed resolved 27 Feb — outside the period
Control cohort
  C1 opened Wed 4 Mar, closed resolved Wed 18 Mar (10)
  C2 opened Thu 5 Mar, closed withdrawn Mon 9 Mar (2)
  C3 opened Wed 25 Mar, open
Elsewhere: X1 (not enrolled) and O1 (another pilot, pilot cohort) carry data that must never count.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.clients.models import Client
from casemgmt.commitments.models import Commitment
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from casemgmt.pilots.models import Pilot, PilotEnrolment, TimeEntry
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from tests.factories import create_client, create_contact, create_dossier, service_id, valid_bsn

FROM = date(2026, 3, 1)
TO = date(2026, 3, 31)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

RATES = {"casemanager": 78.0, "accountmanager": 72.0}
FIXED_COSTS = [{"label": "Training", "amount": 6000.0}, {"label": "=Coördinator", "amount": 3000.0}]
_respondents = itertools.count(1)

TARGETS = {"resolved_share": 0.75, "on_time_share": 0.8, "satisfied_share": 0.9, "ping_pong_share": 0.1}


def ams(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM).astimezone(UTC)


def mar(day: int, hour: int = 10) -> datetime:
    return ams(2026, 3, day, hour)


@dataclass
class Built:
    pilot: Pilot
    other_pilot: Pilot
    dossiers: dict[str, Dossier] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)


async def make_pilot(session: AsyncSession, slug: str = "proef", **values: Any) -> Pilot:
    pilot = Pilot(
        slug=slug,
        name=values.pop("name", "Proefpilot"),
        description="",
        start_date=values.pop("start_date", date(2026, 2, 1)),
        end_date=values.pop("end_date", date(2026, 12, 31)),
        caseload_cap=25,
        assignment="manual",
        primary_outcome=values.pop("primary_outcome", "resolved_share"),
        rates=values.pop("rates", RATES),
        fixed_costs=values.pop("fixed_costs", FIXED_COSTS),
        targets=values.pop("targets", TARGETS),
        **values,
    )
    session.add(pilot)
    await session.flush()
    return pilot


async def enrol(session: AsyncSession, pilot: Pilot, dossier: Dossier, cohort: str) -> None:
    session.add(
        PilotEnrolment(
            dossier_id=dossier.id,
            pilot_id=pilot.id,
            cohort=cohort,
            method="manual",
            reason="test",
            assigned_at=dossier.opened_at,
        )
    )
    await session.flush()


async def dossier_at(
    session: AsyncSession,
    client: Client,
    casemanager_id: int,
    opened: datetime,
    closed: datetime | None = None,
    outcome: str | None = None,
) -> Dossier:
    dossier = await create_dossier(session, client, casemanager_id, status="closed" if closed else "open")
    dossier.opened_at = opened
    dossier.closed_at = closed
    dossier.outcome = outcome
    await session.flush()
    return dossier


class Arrange:
    """Direct ORM inserts for the events around a dossier."""

    def __init__(self, session: AsyncSession, employee_id: int) -> None:
        self.session = session
        self.employee_id = employee_id

    async def contact(self, dossier: Dossier | None, client: Client, at: datetime, **values: Any) -> None:
        await create_contact(
            self.session,
            client,
            self.employee_id,
            dossier_id=dossier.id if dossier else None,
            occurred_at=at,
            **values,
        )

    async def commitment(
        self, dossier: Dossier, due: datetime, status: str, kept: bool | None, closed: datetime | None = None
    ) -> None:
        self.session.add(
            Commitment(
                client_id=dossier.client_id,
                dossier_id=dossier.id,
                kind="callback",
                description="Terugbellen",
                owner_id=self.employee_id,
                made_by_id=self.employee_id,
                made_at=dossier.opened_at,
                due_at=due,
                status=status,
                kept_on_time=kept,
                closed_at=closed,
            )
        )
        await self.session.flush()

    async def escalation(self, dossier: Dossier, due: datetime, within: bool | None) -> None:
        self.session.add(
            Escalation(
                service_id=await service_id(self.session, "SZW"),
                question="Vraag aan SZW",
                dossier_id=dossier.id,
                asked_by_id=self.employee_id,
                asked_at=dossier.opened_at,
                due_at=due,
                status="open" if within is None else "answered",
                answer="" if within is None else "Antwoord",
                answered_at=None if within is None else due,
                within_norm=within,
            )
        )
        await self.session.flush()

    async def handoff(self, dossier: Dossier, source: str, target: str, at: datetime, status: str) -> None:
        self.session.add(
            Handoff(
                dossier_id=dossier.id,
                from_employee_id=self.employee_id,
                from_service_id=await service_id(self.session, source),
                to_service_id=await service_id(self.session, target),
                reason="Andere dienst",
                context="De klant heeft een vraag die bij deze dienst hoort.",
                requested_at=at,
                status=status,
            )
        )
        await self.session.flush()

    async def time(self, dossier: Dossier, role: str, minutes: int, day: date = date(2026, 3, 20)) -> None:
        self.session.add(
            TimeEntry(
                dossier_id=dossier.id,
                employee_id=self.employee_id,
                role=role,
                entry_date=day,
                minutes=minutes,
                activity="contact",
                registered_by_id=self.employee_id,
            )
        )
        await self.session.flush()

    async def response(
        self,
        dossier: Dossier | None,
        day: date,
        grade: int | None,
        *,
        remembered: bool = True,
        reasons: tuple[str, ...] = (),
        helped: str | None = None,
        transfers: str | None = None,
    ) -> SurveyResponse:
        response = SurveyResponse(
            respondent_id=f"R{next(_respondents):06d}",
            contact_date=day,
            remembered_contact=remembered,
            grade=grade,
            helped_at_once=helped,
            transfer_count=transfers,
            dossier_id=dossier.id if dossier else None,
            imported_at=NOW,
        )
        self.session.add(response)
        await self.session.flush()
        for code in reasons:
            await self.session.execute(insert(survey_reasons).values(response_id=response.id, code=code))
        return response


async def build(session: AsyncSession, casemanager_id: int) -> Built:
    pilot = await make_pilot(session)
    other = await make_pilot(session, slug="andere", name="Andere pilot")
    built = Built(pilot=pilot, other_pilot=other)
    a = Arrange(session, casemanager_id)

    async def dossier(
        name: str, opened: datetime, closed: datetime | None = None, outcome: str | None = None
    ) -> Dossier:
        client = await create_client(session, name=f"Mevrouw {name} Jansen", bsn=valid_bsn(500 + len(built.clients)))
        built.clients.append(client)
        d = await dossier_at(session, client, casemanager_id, opened, closed, outcome)
        built.dossiers[name] = d
        return d

    p1 = await dossier("P1", mar(2, 9), mar(6, 15), "resolved")
    p2 = await dossier("P2", mar(3), mar(13, 15), "resolved")
    p3 = await dossier("P3", mar(10), mar(12, 15), "referred")
    p4 = await dossier("P4", mar(20))
    p5 = await dossier("P5", ams(2026, 2, 20), ams(2026, 2, 27), "resolved")
    c1 = await dossier("C1", mar(4), mar(18, 15), "resolved")
    c2 = await dossier("C2", mar(5), mar(9, 15), "withdrawn")
    c3 = await dossier("C3", mar(25))
    x1 = await dossier("X1", mar(4))
    o1 = await dossier("O1", mar(4), mar(6), "resolved")
    for d in (p1, p2, p3, p4, p5):
        await enrol(session, pilot, d, "pilot")
    for d in (c1, c2, c3):
        await enrol(session, pilot, d, "control")
    await enrol(session, other, o1, "pilot")

    def client_of(d: Dossier) -> Client:
        return next(c for c in built.clients if c.id == d.client_id)

    # Contacts. Pilot inbound in March: P1 a (resolved, 0), b (transferred, 1); P2 c (resolved, 0), d (resolved, 2);
    # P3 e (callback promised, 0); P5 f (resolved, 0) → 6 inbound; helped 3 (a c f); resolved 4 (a c d f);
    # ≥1 transfer 2 (b d); ≥2 transfers 1 (d). Contacts of P1–P4 (any date/direction): P1 4, P2 2, P3 1 → 7 / 4.
    await a.contact(p1, client_of(p1), mar(2, 11), outcome="resolved", transfers=0)
    await a.contact(p1, client_of(p1), mar(3, 11), outcome="transferred", transfers=1)
    await a.contact(p1, client_of(p1), mar(4, 11), direction="out", outcome="resolved")
    await a.contact(p1, client_of(p1), ams(2026, 4, 2), outcome="resolved")  # April: not in the shares
    await a.contact(p2, client_of(p2), mar(3, 11), outcome="resolved", transfers=0)
    await a.contact(p2, client_of(p2), mar(9, 11), outcome="resolved", transfers=2)
    await a.contact(p3, client_of(p3), mar(10, 11), outcome="callback_promised", transfers=0)
    await a.contact(p5, client_of(p5), mar(2, 11), outcome="resolved", transfers=0)
    await a.contact(p5, client_of(p5), ams(2026, 2, 21), outcome="transferred", transfers=3)  # February
    # Control inbound: C1 (resolved, 0), C1 (transferred, 3), C2 (client to call back, 1) → 3; helped 1; resolved 1;
    # ≥1: 2; ≥2: 1. Contacts per dossier 3 / 3.
    await a.contact(c1, client_of(c1), mar(4, 11), outcome="resolved", transfers=0)
    await a.contact(c1, client_of(c1), mar(5, 11), outcome="transferred", transfers=3)
    await a.contact(c2, client_of(c2), mar(5, 11), outcome="client_to_call_back", transfers=1)
    # Never counted: a KCC call without dossier, contacts of X1 and O1.
    await a.contact(None, client_of(x1), mar(4, 11), outcome="transferred", transfers=1)
    await a.contact(x1, client_of(x1), mar(4, 12), outcome="transferred", transfers=1)
    await a.contact(o1, client_of(o1), mar(4, 12), outcome="transferred", transfers=1)

    # Commitments. Pilot due in March (and by NOW): k1 P1 kept, k2 P1 missed, k3 P2 kept, k6 P3 cancelled after due
    # (not kept), k7 P4 kept, k8 P5 kept → on time 4 / 6. Left out: k4 P2 due April, k5 P3 cancelled before due.
    # Kept promises (P1–P4 with commitments due): P1 no, P2 yes, P3 no, P4 yes → 2 / 4.
    await a.commitment(p1, mar(5, 17), "fulfilled", True, mar(5, 12))
    await a.commitment(p1, mar(10, 17), "missed", False, mar(11, 9))
    await a.commitment(p2, mar(12, 17), "fulfilled", True, mar(12, 9))
    await a.commitment(p2, ams(2026, 4, 10, 17), "fulfilled", False, ams(2026, 4, 14))
    await a.commitment(p3, mar(20, 17), "cancelled", None, mar(15))
    await a.commitment(p3, mar(25, 17), "cancelled", None, mar(27))
    await a.commitment(p4, mar(30, 17), "fulfilled", True, mar(27))
    await a.commitment(p5, mar(3, 17), "fulfilled", True, mar(3, 9))
    # Control: k9 C1 kept, k10 C2 open and overdue → on time 1 / 2; kept promises C1 yes, C2 no → 1 / 2.
    await a.commitment(c1, mar(10, 17), "fulfilled", True, mar(9))
    await a.commitment(c2, mar(6, 17), "open", None)
    await a.commitment(x1, mar(6, 17), "missed", False, mar(7))
    await a.commitment(o1, mar(6, 17), "missed", False, mar(7))

    # Escalations due in March: pilot e1 within, e2 late → 1 / 2 (e3 due April left out); control e4 open past due
    # → 0 / 1.
    await a.escalation(p1, mar(10, 17), True)
    await a.escalation(p2, mar(12, 17), False)
    await a.escalation(p3, ams(2026, 4, 5, 17), True)
    await a.escalation(c1, mar(11, 17), None)
    await a.escalation(x1, mar(11, 17), False)

    # Handoffs. P1 SZW→OCW then OCW→SZW a week later: ping-pong. P2 SZW→OCW, OCW→SZW 37 days later: none (and a
    # declined OCW→DSO that does not count). P3 SZW→DSO requested, DSO→SZW declined: none. Counted: P1 2, P2 2, P3 1
    # → 5 / 4; ping-pong 1 / 4.
    await a.handoff(p1, "SZW", "OCW", mar(3), "accepted")
    await a.handoff(p1, "OCW", "SZW", mar(10), "accepted")
    await a.handoff(p2, "SZW", "OCW", mar(4), "accepted")
    await a.handoff(p2, "OCW", "DSO", mar(5), "declined")
    await a.handoff(p2, "OCW", "SZW", ams(2026, 4, 10), "accepted")
    await a.handoff(p3, "SZW", "DSO", mar(11), "requested")
    await a.handoff(p3, "DSO", "SZW", mar(12), "declined")
    # Control, the 30-day bound to the microsecond (UTC): C1 back after exactly 30 days → ping-pong; C2 back after 30
    # days and 1 µs → none. Counted: 2 + 2 → 4 / 3; ping-pong 1 / 3.
    await a.handoff(c1, "DSO", "SZW", datetime(2026, 3, 5, 10, 0, 0, 250000, tzinfo=UTC), "accepted")
    await a.handoff(c1, "SZW", "DSO", datetime(2026, 4, 4, 10, 0, 0, 250000, tzinfo=UTC), "requested")
    await a.handoff(c2, "SZW", "OCW", datetime(2026, 3, 6, 10, 0, 0, 250000, tzinfo=UTC), "accepted")
    await a.handoff(c2, "OCW", "SZW", datetime(2026, 4, 5, 10, 0, 0, 250001, tzinfo=UTC), "accepted")
    await a.handoff(o1, "SZW", "OCW", mar(5), "accepted")
    await a.handoff(o1, "OCW", "SZW", mar(6), "accepted")

    # Time. Pilot P1–P4: P1 cm 120 + am 60 (156 + 72 = 228), P2 cm 90 (117), P3 kcc 30 (no rate: 0) → 5.0 hours,
    # labour 345, fixed 4 × 1,800 = 7,200, total 7,545; per dossier 1,886.25; per resolved (2) 3,772.50.
    # (P5 cm 60 is outside the period.) Control: C1 cm 30 + am 30 (39 + 36 = 75), C2 am 120 (144) → 3.0 hours, 219;
    # per dossier 73; per resolved (1) 219.
    await a.time(p1, "casemanager", 120)
    await a.time(p1, "accountmanager", 60)
    await a.time(p2, "casemanager", 90, date(2026, 4, 20))
    await a.time(p3, "kcc_agent", 30)
    await a.time(p5, "casemanager", 60)
    await a.time(c1, "casemanager", 30)
    await a.time(c1, "accountmanager", 30)
    await a.time(c2, "accountmanager", 120)
    await a.time(x1, "casemanager", 600)
    await a.time(o1, "casemanager", 600)

    # Survey responses by contact date. Pilot graded in March: P1 8, P2 9, P2 5, P5 7 → satisfied 3 / 4 (P3 remembered
    # nothing; P1's 3 in April is outside). Latest grade per dossier: P1 3 (April), P2 5, others none.
    # Control graded in March: C1 6, C2 10 → 1 / 2 (C3's 7 in April is outside).
    await a.response(p1, date(2026, 3, 6), 8)
    await a.response(p2, date(2026, 3, 10), 9)
    await a.response(p2, date(2026, 3, 20), 5, reasons=("lang_wachten",))
    await a.response(p3, date(2026, 3, 12), None, remembered=False)
    await a.response(p5, date(2026, 3, 5), 7)
    await a.response(p1, date(2026, 4, 2), 3)
    await a.response(c1, date(2026, 3, 19), 6)
    await a.response(c2, date(2026, 3, 10), 10)
    await a.response(c3, date(2026, 4, 1), 7)
    await a.response(x1, date(2026, 3, 10), 1)
    await a.response(None, date(2026, 3, 10), 2)
    return built

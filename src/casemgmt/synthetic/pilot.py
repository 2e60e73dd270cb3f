"""The demo municipality's pilot (issue 5): the example pilot loaded from ``pilots/``, the demo dossiers enrolled by
its seeded random draw, time registered on them, and survey responses, so the evaluator dashboard shows a readable
pilot-versus-control comparison at first start. The pilot cohort gets a modest true improvement in satisfaction.

Written through the demo's bulk writer; safe to load twice: it only runs while no dossier is enrolled.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.pilots.definitions import load_pilots
from casemgmt.pilots.models import Pilot, PilotEnrolment, TimeEntry
from casemgmt.pilots.rules import draw_cohort
from casemgmt.settings import PROJECT_ROOT
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from casemgmt.synthetic.writer import BulkWriter, stamp

PILOT_SLUG = "multiservice-szw-ocw-dso"
REASONS = ("niet_in_een_keer", "niet_teruggebeld", "vaker_doorverbonden", "kastje_muur", "lang_wachten", "anders")
ACTIVITIES = ("contact", "coordination", "administration", "travel", "other")


async def load_pilot_demo(session: AsyncSession, writer: BulkWriter, admin_id: int, now: datetime) -> None:
    if await session.scalar(select(func.count()).select_from(PilotEnrolment)):
        return
    await load_pilots(session, PROJECT_ROOT / "pilots")
    pilot = await session.scalar(select(Pilot).where(Pilot.slug == PILOT_SLUG))
    if pilot is None or pilot.random_seed is None or pilot.pilot_share is None:
        return
    rng = random.Random(2013)
    today = now.astimezone(AMSTERDAM).date()
    dossiers = (
        await session.execute(
            select(Dossier.id, Dossier.opened_at, Dossier.casemanager_id)
            .where(Dossier.ref.like("D-2026-%"))
            .order_by(Dossier.ref)
        )
    ).all()
    accountmanagers = dict(
        (
            await session.execute(
                select(DossierAssignment.dossier_id, func.min(DossierAssignment.user_id))
                .where(DossierAssignment.role == "accountmanager")
                .group_by(DossierAssignment.dossier_id)
            )
        )
        .tuples()
        .all()
    )
    enrolments: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    reasons: list[dict[str, Any]] = []
    for dossier in dossiers:
        opened = dossier.opened_at.astimezone(AMSTERDAM).date()
        if opened < pilot.start_date or dossier.id not in accountmanagers:
            continue
        cohort = draw_cohort(pilot.random_seed, pilot.pilot_share, dossier.id)
        enrolments.append(
            {
                "id": writer.next("pilot_enrolments"),
                "dossier_id": dossier.id,
                "pilot_id": pilot.id,
                "cohort": cohort,
                "method": "random",
                "reason": "",
                "assigned_by_id": admin_id,
                "assigned_at": dossier.opened_at,
                **stamp(now),
            }
        )
        span = max((today - opened).days, 0)
        for employee, role, count in (
            (dossier.casemanager_id, "casemanager", 6 if cohort == "pilot" else 3),
            (accountmanagers[dossier.id], "accountmanager", 2 if cohort == "pilot" else 4),
        ):
            for _ in range(count):
                entries.append(
                    {
                        "id": writer.next("time_entries"),
                        "dossier_id": dossier.id,
                        "employee_id": employee,
                        "role": role,
                        "entry_date": opened + timedelta(days=rng.randint(0, span)),
                        "minutes": rng.choice((15, 30, 45, 60, 90)),
                        "activity": rng.choice(ACTIVITIES),
                        "registered_by_id": employee,
                        **stamp(now),
                    }
                )
        satisfied_chance = 0.84 if cohort == "pilot" else 0.68
        for number in range(4):
            grade = rng.randint(7, 10) if rng.random() < satisfied_chance else rng.randint(2, 6)
            response_id = writer.next("survey_responses")
            responses.append(
                {
                    "id": response_id,
                    "respondent_id": f"DEMO-{dossier.id:04d}-{number}",
                    "contact_date": opened + timedelta(days=rng.randint(0, span)),
                    "remembered_contact": True,
                    "grade": grade,
                    "helped_at_once": "meteen" if grade >= 7 else rng.choice(("doorverbonden", "teruggebeld")),
                    "transfer_count": None if grade >= 7 else rng.choice(("1", "2", "meer_dan_3")),
                    "respondent_type": "bewoner",
                    "dossier_id": dossier.id,
                    "imported_at": now,
                    "import_batch": "demo",
                    **stamp(now),
                }
            )
            if grade <= 6:
                reasons += [
                    {"response_id": response_id, "code": code} for code in rng.sample(REASONS, rng.randint(1, 2))
                ]
    await writer.write_all(
        [
            (PilotEnrolment.__table__, enrolments),
            (TimeEntry.__table__, entries),
            (SurveyResponse.__table__, responses),
            (survey_reasons, reasons),
        ]
    )

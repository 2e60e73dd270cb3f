"""The demo municipality's promises (issue 4): commitments kept, late and overdue on every demo dossier, and the
stories of ``stories/*.toml`` that need the dossiers first: handoffs with the SZW↔DSO ping-pong, escalations with
reusable answers and the unpaid benefit, and the seed's parking-space story (scenario 9): a supervisor who promised
twice to call back and a day's notice of roadworks, none of it kept.

Loaded after the casework demo, through the demo's bulk writer; safe to load twice (it only runs when the demo
dossiers have no commitments yet). Moments count from now.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Row, func, select
from sqlalchemy import Table as SQLTable
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.clients.models import Client
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.directory.calendar import add_business_days, from_amsterdam, local_date
from casemgmt.directory.models import Topic
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.escalations.models import Escalation, ReusableAnswer
from casemgmt.handoffs.models import Handoff
from casemgmt.synthetic.calls import topic_for
from casemgmt.synthetic.stories import Table, load_stories, span
from casemgmt.synthetic.writer import BulkWriter, stamp

PARKING_REF = load_stories().promised[0]["ref"]
KCC_DEMO_USER = "kcc@demo.casemgmt.nl"
ADMIN_DEMO_USER = "admin@demo.casemgmt.nl"
COMMITMENT_TEXTS = {
    "callback": "Ik bel u binnen twee werkdagen terug met de uitkomst.",
    "information": "U krijgt de voorwaarden per e-mail toegestuurd.",
    "action": "Ik zet de aanvraag vandaag nog door naar de afdeling.",
}

Rows = list[dict[str, Any]]


@dataclass
class _Scene:
    """What the stories play on: the demo's users, the open dossiers, the writer and the moment of loading."""

    writer: BulkWriter
    users: dict[str, int]
    services: dict[str, int]
    accountmanagers: dict[int, dict[str, int]]
    """Per dossier the current accountmanager of each service."""
    open_szw: list[Row[Any]]
    """The open demo dossiers with a current SZW accountmanager, by reference: a story's ``dossier = n``."""
    now: datetime

    def who(self, name: str, dossier_id: int | None = None) -> int | None:
        """An e-mail address, or ``am:<service>``: the dossier's current accountmanager (None without a dossier)."""
        if name.startswith("am:"):
            return self.accountmanagers[dossier_id][name[3:]] if dossier_id is not None else None
        return self.users[name]

    def dossier(self, story: Table) -> Row[Any] | None:
        return self.open_szw[story["dossier"] - 1] if "dossier" in story and self.open_szw else None


async def load_promises(
    session: AsyncSession, writer: BulkWriter, users: dict[str, int], services: dict[str, int], now: datetime
) -> None:
    demo_dossiers = select(Dossier.id).where(Dossier.ref.like("D-2026-%"))
    if await session.scalar(select(func.count()).where(Commitment.dossier_id.in_(demo_dossiers))):
        return
    dossiers = (
        await session.execute(
            select(Dossier.id, Dossier.client_id, Dossier.status, Dossier.casemanager_id, Dossier.opened_at)
            .where(Dossier.ref.like("D-2026-%"))
            .order_by(Dossier.ref)
        )
    ).all()
    accountmanagers: dict[int, dict[str, int]] = {}
    for dossier_id, service_id, user_id in (
        await session.execute(
            select(DossierAssignment.dossier_id, DossierAssignment.service_id, DossierAssignment.user_id).where(
                DossierAssignment.role == "accountmanager", DossierAssignment.until.is_(None)
            )
        )
    ).all():
        code = next(code for code, sid in services.items() if sid == service_id)
        accountmanagers.setdefault(dossier_id, {})[code] = user_id
    open_szw = [d for d in dossiers if d.status != "closed" and "SZW" in accountmanagers.get(d.id, {})]
    scene = _Scene(writer, users, services, accountmanagers, open_szw, now)

    rows: dict[str, Rows] = {"commitments": _commitments(scene, dossiers) + _team_callbacks(scene, dossiers)}
    rows["handoffs"] = _handoffs(scene) if len(open_szw) >= 2 else []
    for story in load_stories().promised:
        await _promised_dossier(session, scene, story, rows)
    rows["escalations"], rows["reusable_answers"] = _escalations(scene)
    await writer.write_all(
        (table, rows.get(cast(SQLTable, table).name, []))
        for table in (
            Dossier.__table__, DossierAssignment.__table__, Contact.__table__, Commitment.__table__,
            Handoff.__table__, Escalation.__table__, ReusableAnswer.__table__,
        )
    )  # fmt: skip


def _commitments(scene: _Scene, dossiers: Sequence[Row[Any]]) -> Rows:
    """One promise per dossier with an accountmanager: most kept on time, some late, a few overdue or still open."""
    writer, services, now = scene.writer, scene.services, scene.now
    rng = random.Random(2013)
    rows = []
    for index, dossier in enumerate(dossiers):
        owners = scene.accountmanagers.get(dossier.id, {})
        if not owners:
            continue
        code, owner = sorted(owners.items())[0]
        made = dossier.opened_at + timedelta(hours=2)
        due = add_business_days(made, 2)
        kind = ("callback", "information", "action")[index % 3]
        outcome = rng.random()
        row = {
            "id": writer.next("commitments"),
            "client_id": dossier.client_id,
            "dossier_id": dossier.id,
            "kind": kind,
            "description": COMMITMENT_TEXTS[kind],
            "owner_id": owner,
            "service_id": services[code],
            "made_by_id": owner,
            "made_at": made,
            "due_at": due,
            "first_due_at": due,
            "status": "open",
            **stamp(now),
        }
        if dossier.status == "closed" or (outcome < 0.55 and due < now):
            row.update(status="fulfilled", closed_at=due - timedelta(hours=3), kept_on_time=True)
            row.update(note="Gedaan zoals afgesproken.", closed_by_id=owner)
        elif outcome < 0.7 and due < now:
            row.update(status="fulfilled", closed_at=due + timedelta(days=2), kept_on_time=False)
            row.update(note="Later dan afgesproken nagekomen.", closed_by_id=owner)
        elif due <= now and outcome > 0.85:
            row["due_at"] = row["first_due_at"] = now + timedelta(days=2)  # a few overdue, a few still open
        rows.append(row)
    return rows


TEAM_CALLBACKS = (
    # (team, hours from now to the due moment; None: later today, the text in the client's words)
    ("SZW", -5.0, "Iemand van Werk en Inkomen belt u terug over de stopgezette uitkering."),
    ("SZW", None, "Een collega van SZW belt u vandaag nog over uw bijzondere bijstand."),
    ("DSO", None, "Het team vergunningen belt u vandaag terug over de aanvraag voor de dakkapel."),
    ("DSO", 50.0, "Iemand van DSO belt u terug over de melding van de losliggende stoeptegels."),
)
"""Callbacks the KCC handed to a team (issue 13): one overdue, some due today, one later; nobody picked them up."""


def _team_callbacks(scene: _Scene, dossiers: Sequence[Row[Any]]) -> Rows:
    """The KCC's callbacks to the SZW and DSO teams, on clients of open demo dossiers, waiting to be picked up."""
    kcc, now = scene.users.get(KCC_DEMO_USER), scene.now
    clients = [d.client_id for d in dossiers if d.status != "closed"]
    if kcc is None or not clients:
        return []
    today_late = from_amsterdam(datetime.combine(local_date(now), time(23, 30)))
    rows = []
    for index, (team, hours, text) in enumerate(TEAM_CALLBACKS):
        due = now + timedelta(hours=hours) if hours is not None else max(today_late, now + timedelta(minutes=10))
        made = min(now, due) - timedelta(days=2)
        rows.append(
            {
                "id": scene.writer.next("commitments"),
                "client_id": clients[(index * 3) % len(clients)],
                "dossier_id": None,
                "kind": "callback",
                "description": text,
                "owner_id": None,
                "owner_service_id": scene.services[team],
                "service_id": scene.services[team],
                "made_by_id": kcc,
                "made_at": made,
                "due_at": due,
                "first_due_at": due,
                "status": "open",
                **stamp(now),
            }
        )
    return rows


def _handoffs(scene: _Scene) -> Rows:
    """The stories' handoffs; a decided one is decided by its receiver."""
    writer, services, now, who = scene.writer, scene.services, scene.now, scene.who
    rows = []
    for story in load_stories().handoffs:
        dossier_id = scene.open_szw[story["dossier"] - 1].id
        receiver = who(story["to_employee"], dossier_id)
        requested = now - span(story["requested"])
        decided = requested + span(story["decided"]) if "decided" in story else None
        rows.append(
            {
                "id": writer.next("handoffs"),
                "dossier_id": dossier_id,
                "from_employee_id": who(story["from_employee"], dossier_id),
                "from_service_id": services[story["from"]],
                "to_service_id": services[story["to"]],
                "to_employee_id": receiver,
                "reason": story["reason"],
                "context": story["context"],
                "requested_at": requested,
                "status": story["status"],
                "decided_at": decided,
                "decided_by_id": receiver if decided else None,
                **stamp(now),
            }
        )
    return rows


def _escalations(scene: _Scene) -> tuple[Rows, Rows]:
    """The stories' questions to the back office, asked by the KCC demo user, due 3 business days later; and the
    reusable answers written by the assignees in general terms."""
    writer, services, now = scene.writer, scene.services, scene.now
    rows, reusable = [], []
    for story in load_stories().escalations:
        dossier = scene.dossier(story)
        asked = now - span(story["asked"])
        answered = "answer" in story
        assignee = scene.who(story["assignee"], dossier.id if dossier else None)
        rows.append(
            {
                "id": writer.next("escalations"),
                "service_id": services[story["service"]],
                "question": story["question"],
                "client_id": dossier.client_id if dossier else None,
                "dossier_id": dossier.id if dossier else None,
                "asked_by_id": scene.who(KCC_DEMO_USER),
                "asked_at": asked,
                "due_at": add_business_days(asked, 3),
                "assignee_id": assignee,
                "status": "answered" if answered else "open",
                "answer": story.get("answer", ""),
                "answered_by_id": assignee if answered else None,
                "answered_at": asked + timedelta(days=1) if answered else None,
                "within_norm": True if answered else None,
                "reusable": story.get("reusable", False),
                **stamp(now),
            }
        )
        if answered and "reusable_title" in story:
            reusable.append(
                {
                    "id": writer.next("reusable_answers"),
                    "escalation_id": rows[-1]["id"],
                    "service_id": rows[-1]["service_id"],
                    "title": story["reusable_title"],
                    "answer": story["answer"],
                    "written_by_id": assignee,
                    "written_at": rows[-1]["answered_at"],
                    **stamp(now),
                }
            )
    return rows, reusable


async def _promised_dossier(session: AsyncSession, scene: _Scene, story: Table, rows: dict[str, Rows]) -> None:
    """A story dossier created with the promises (the parking space): its assignments, contacts and commitments."""
    if await session.scalar(select(Dossier.id).where(Dossier.ref == story["ref"])):
        return
    client_id = await session.scalar(
        select(Client.id).where(Client.kind == "person", ~Client.id.in_(select(Dossier.client_id))).order_by(Client.id)
    )
    if client_id is None:
        return
    writer, services, now, who = scene.writer, scene.services, scene.now, scene.who
    topics = {code: id_ for id_, code in (await session.execute(select(Topic.id, Topic.code))).all()}
    dossier_id, opened = writer.next("dossiers"), now - span(story["opened"])
    casemanager = who(story["casemanager"])
    rows.setdefault("dossiers", []).append(
        {
            "id": dossier_id,
            "ref": story["ref"],
            "client_id": client_id,
            "subject": story["subject"],
            "status": story["status"],
            "opened_at": opened,
            "casemanager_id": casemanager,
            **stamp(now),
        }
    )
    involved: list[tuple[str, int | None, int | None, Any]] = [
        ("casemanager", None, casemanager, story["casemanager_reason"])
    ] + [
        ("accountmanager", services[code], who(user), story["accountmanager_reason"])
        for code, user in story["accountmanagers"].items()
    ]
    rows.setdefault("dossier_assignments", []).extend(
        {
            "id": writer.next("dossier_assignments"),
            "dossier_id": dossier_id,
            "role": role,
            "service_id": service_id,
            "user_id": user_id,
            "since": opened,
            "assigned_by_id": who(ADMIN_DEMO_USER),
            "reason": reason,
            **stamp(now),
        }
        for role, service_id, user_id, reason in involved
    )
    rows.setdefault("contacts", []).extend(
        {
            "id": writer.next("contacts"),
            "client_id": client_id,
            "dossier_id": dossier_id,
            "channel": contact["channel"],
            "direction": contact["direction"],
            "service_id": services[contact["service"]],
            "employee_id": who(contact["employee"]),
            "occurred_at": opened + span(contact["after"]),
            "outcome": contact["outcome"],
            "transfers": contact["transfers"],
            "summary": contact["summary"],
            "topic_id": topics.get(topic_for("", contact["summary"], contact["service"]))
            if contact["direction"] == "in"
            else None,
            **stamp(now),
        }
        for contact in story["contacts"]
    )
    code, owner = next(iter(story["accountmanagers"].items()))  # the supervisor who makes the promises
    rows["commitments"].extend(
        {
            "id": writer.next("commitments"),
            "client_id": client_id,
            "dossier_id": dossier_id,
            "kind": promise["kind"],
            "description": promise["description"],
            "owner_id": who(owner),
            "service_id": services[code],
            "made_by_id": who(owner),
            "made_at": opened + span(promise["after"]),
            "due_at": add_business_days(opened + span(promise["after"]), promise["due_business_days"]),
            "first_due_at": add_business_days(opened + span(promise["after"]), promise["due_business_days"]),
            "status": "open",
            **stamp(now),
        }
        for promise in story["commitments"]
    )

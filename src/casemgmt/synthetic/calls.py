"""The demo's KCC calls (issue 13): a topic on every inbound demo contact, the transfer attempts behind each
contact's transfer count (a few of them failed, outcome "Doorverbinden mislukt"), and the callback promised in each
"Terugbelafspraak gemaakt" contact as a callback commitment made from that contact.

Works on the contact rows the demo is about to write (only new ones), so loading the demo twice adds nothing.
Deterministic: the choices follow the rows' order and ``random.Random(13)``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.directory.calendar import add_business_days
from casemgmt.directory.models import Department, Service, Topic
from casemgmt.synthetic.writer import BulkWriter, stamp

KEYWORDS: tuple[tuple[str, str], ...] = (
    ("schuld", "schuldhulp"),
    ("bijzondere bijstand", "bijzondere-bijstand"),
    ("bijstand", "bijstand"),
    ("uitkering", "bijstand"),
    ("wmo", "wmo"),
    ("huishoudelijke", "wmo"),
    ("parkeer", "parkeervergunning"),
    ("vergunning", "bouwvergunning"),
    ("verbouw", "bouwvergunning"),
    ("bedrijfspand", "bestemmingsplan"),
    ("bestemming", "bestemmingsplan"),
    ("paspoort", "paspoort-id-kaart"),
    ("identiteitskaart", "paspoort-id-kaart"),
    ("rijbewijs", "rijbewijs"),
    ("vog", "vog"),
    ("afval", "afval"),
    ("container", "afval"),
    ("leerlingenvervoer", "leerlingenvervoer"),
    ("leerplicht", "leerplicht"),
    ("school", "leerplicht"),
    ("kinderopvang", "kinderopvang"),
    ("werk", "participatie"),
    ("verhuis", "adreswijziging"),
    ("klacht", "klacht"),
)
"""Words in a contact's subject or summary and the topic they point to, the first match wins."""

BY_SERVICE = {
    "KCC": "algemene-informatie",
    "SZW": "bijstand",
    "OCW": "leerplicht",
    "DSO": "openbare-ruimte",
    "DPZ": "paspoort-id-kaart",
}
"""The topic of an inbound contact whose words name none: the usual question of the service that had it."""

PROMISE = "Wij bellen u binnen twee werkdagen terug over uw vraag{about}."


def topic_for(subject: str, summary: str, service: str) -> str:
    """The topic code for a contact's words (or its service's usual question)."""
    text = f"{subject} {summary}".lower()
    return next((code for word, code in KEYWORDS if word in text), BY_SERVICE.get(service, "algemene-informatie"))


async def enrich_calls(
    session: AsyncSession, writer: BulkWriter, contacts: list[dict[str, Any]], now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Set ``topic_id`` on the inbound rows of ``contacts`` (and a few outcomes to ``transfer_failed``); return the
    transfer attempt rows and the callback commitment rows to write after them."""
    topics = {t.code: t.id for t in (await session.scalars(select(Topic))).all()}
    codes = {s.id: s.code for s in (await session.scalars(select(Service))).all()}
    departments: dict[int, list[Department]] = {}
    for department in (await session.scalars(select(Department).order_by(Department.id))).all():
        departments.setdefault(department.service_id, []).append(department)
    targets = [service_id for service_id in sorted(departments) if codes.get(service_id) != "KCC"]
    rnd = random.Random(13)
    attempts: list[dict[str, Any]] = []
    commitments: list[dict[str, Any]] = []
    transferred = 0
    for row in contacts:
        service = codes.get(row["service_id"], "KCC")
        if row["direction"] == "in":
            row["topic_id"] = topics.get(topic_for(row.get("subject", ""), row["summary"], service))
        if row["transfers"] and targets:
            transferred += row["outcome"] == "transferred"
            # every third "Doorverbonden" call: the last attempt did not connect
            failed = row["outcome"] == "transferred" and transferred % 3 == 0
            if failed:
                row["outcome"] = "transfer_failed"
            for position in range(1, row["transfers"] + 1):
                target = targets[rnd.randrange(len(targets))]
                department = rnd.choice(departments[target])
                attempts.append(
                    {
                        "id": writer.next("contact_transfers"),
                        "contact_id": row["id"],
                        "position": position,
                        "service_id": target,
                        "department_id": department.id,
                        "connected": not (failed and position == row["transfers"]),
                        **stamp(now),
                    }
                )
        if row["outcome"] == "callback_promised" and row["client_id"] is not None:
            commitments.append(_callback(writer, row, now))
    return attempts, commitments


def _callback(writer: BulkWriter, contact: dict[str, Any], now: datetime) -> dict[str, Any]:
    made = contact["occurred_at"]
    due = add_business_days(made, 2)
    subject = (contact.get("subject") or "").strip()
    row: dict[str, Any] = {
        "id": writer.next("commitments"),
        "client_id": contact["client_id"],
        "dossier_id": contact["dossier_id"],
        "contact_id": contact["id"],
        "kind": "callback",
        "description": PROMISE.format(about=f" ({subject.lower()})" if subject else ""),
        "owner_id": contact["employee_id"],
        "service_id": contact["service_id"],
        "made_by_id": contact["employee_id"],
        "made_at": made,
        "due_at": due,
        "first_due_at": due,
        "status": "open",
        **stamp(now),
    }
    # older promises: most kept on time, one in four late, one in six still open (and so overdue: "niet teruggebeld")
    if due < now - timedelta(days=1) and contact["id"] % 6 != 0:
        late = contact["id"] % 4 == 0
        closed = due + timedelta(days=1) if late else due - timedelta(hours=2)
        row.update(status="fulfilled", closed_at=min(closed, now), kept_on_time=not late)
        row.update(note="Teruggebeld.", closed_by_id=contact["employee_id"])
    return row

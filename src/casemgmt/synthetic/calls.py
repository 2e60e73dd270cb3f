"""The demo's KCC calls (issue 13): a topic on every inbound demo contact, the transfer attempts behind each
contact's transfer count (a few of them failed, outcome "Doorverbinden mislukt"), and the callback promised in each
"Terugbelafspraak gemaakt" contact as a callback commitment made from that contact; and a year of anonymous KCC
calls (``call_history``) so that the management figures on Trends have enough calls per service, topic and month to
be shown at all (cells under 5 are withheld).

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
        if row["direction"] == "in" and "topic_id" not in row:
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


# ---------------------------------------------------------------------------------------------------- call history

HISTORY_CALLS_PER_DAY = 12
"""Anonymous calls per business day in the call history (Den Haag's KCC takes thousands; a demo needs enough)."""

HISTORY_TOPICS: tuple[tuple[str, str, int, float], ...] = (
    # (topic, its service, weight, share answered at once by the KCC)
    ("algemene-informatie", "KCC", 14, 0.85),
    ("adreswijziging", "KCC", 6, 0.8),
    ("status-aanvraag", "KCC", 6, 0.45),
    ("klacht", "KCC", 2, 0.3),
    ("bijstand", "SZW", 8, 0.45),
    ("schuldhulp", "SZW", 4, 0.35),
    ("wmo", "SZW", 5, 0.4),
    ("ooievaarspas", "SZW", 4, 0.7),
    ("leerlingenvervoer", "OCW", 3, 0.5),
    ("kinderopvang", "OCW", 3, 0.55),
    ("parkeervergunning", "DSO", 8, 0.6),
    ("afval", "DSO", 7, 0.75),
    ("bouwvergunning", "DSO", 4, 0.35),
    ("openbare-ruimte", "DSO", 3, 0.7),
    ("paspoort-id-kaart", "DPZ", 7, 0.8),
    ("rijbewijs", "DPZ", 3, 0.8),
    ("vog", "DPZ", 2, 0.5),
)
HISTORY_CHANNELS = (("phone", 78), ("email", 9), ("desk", 8), ("web", 5))
UNREACHABLE = {"DSO": 0.3, "SZW": 0.2, "OCW": 0.12, "DPZ": 0.08}
"""The chance that a transfer to the service does not connect (DSO's phones are the busiest in the demo)."""


BACK_OFFICES = ("SZW", "OCW", "DSO", "DPZ")


def call_history(
    writer: BulkWriter, employees: list[int], services: dict[str, int], topics: dict[str, int], days: list[datetime],
    now: datetime,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
    """Anonymous inbound calls on the business ``days`` (their 08:00, Amsterdam), each with its topic, outcome and
    transfer attempts: the contact rows and the attempt rows. Deterministic (``random.Random(1308)``)."""
    rnd = random.Random(1308)
    weights = [weight for _, _, weight, _ in HISTORY_TOPICS]
    contacts: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    for day in days:
        for _ in range(HISTORY_CALLS_PER_DAY):
            topic, service, _, at_once = rnd.choices(HISTORY_TOPICS, weights)[0]
            channel = rnd.choices([c for c, _ in HISTORY_CHANNELS], [w for _, w in HISTORY_CHANNELS])[0]
            transfers = 0 if rnd.random() < at_once else (1 if rnd.random() < 0.8 else 2)
            # a KCC question that needs a back office goes to one of them
            tried = service if service != "KCC" else BACK_OFFICES[rnd.randrange(len(BACK_OFFICES))]
            failed = bool(transfers) and rnd.random() < UNREACHABLE.get(tried, 0.1)
            # the seed: about four in ten transferred, almost a third helped at once
            resolved = (transfers == 0 and rnd.random() < 0.52) or (transfers and not failed and rnd.random() < 0.7)
            outcome = "resolved" if resolved else ("transfer_failed" if failed else "client_to_call_back")
            contact_id = writer.next("contacts")
            contacts.append(
                {
                    "id": contact_id,
                    "client_id": None,
                    "dossier_id": None,
                    "channel": channel,
                    "direction": "in",
                    "service_id": services[service],
                    "employee_id": employees[rnd.randrange(len(employees))],
                    "occurred_at": min(day + timedelta(minutes=rnd.randrange(9 * 60)), now),
                    "outcome": outcome,
                    "transfers": transfers,
                    "summary": "Anonieme beller (geen naam of BSN gegeven): " + HISTORY_SUMMARIES[outcome],
                    "subject": "",
                    "representative_id": None,
                    "topic_id": topics.get(topic),
                    **stamp(now),
                }
            )
            for position in range(1, transfers + 1):
                attempts.append(
                    {
                        "id": writer.next("contact_transfers"),
                        "contact_id": contact_id,
                        "position": position,
                        "service_id": services[tried],
                        "department_id": None,
                        "connected": not (failed and position == transfers),
                        **stamp(now),
                    }
                )
    return contacts, attempts


HISTORY_SUMMARIES = {
    "resolved": "vraag beantwoord.",
    "transfer_failed": "doorverbinden lukte niet; beller probeert het later opnieuw.",
    "client_to_call_back": "beller belt zelf terug met de gevraagde gegevens.",
}

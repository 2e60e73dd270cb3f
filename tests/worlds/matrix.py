"""The access matrix's municipality (``tests/web/test_access_matrix.py``): one object of every kind that a route
names, once "own" for the involved personas and once "foreign" (in a dossier none of the personas is on).

Personas (the six of the matrix; ``anonymous`` has no user): ``kcc`` (KCC), ``cm`` (casemanager), ``am`` (SZW
accountmanager), ``evaluator``, ``admin``. Bystanders: ``other_cm`` and ``other_am`` (SZW) run the foreign dossier,
``ocw`` is the OCW accountmanager the foreign handoff and escalation are addressed to.

- own: dossier A of Jan de Vries (``cm`` casemanager, ``am`` its SZW accountmanager), commitment on A (owner and
  maker ``cm``), handoff on A from ``cm`` to ``am`` (SZW), escalation on A to SZW asked by ``kcc``, an unlinked contact
  of Jan, and dossier E of Jan (same people) enrolled in the pilot, without contacts;
- foreign: dossier B of Piet Anders (``other_cm``, ``other_am``), commitment on B by ``other_cm``, handoff on B from
  ``other_cm`` to OCW, escalation on B to OCW asked by ``other_cm``, an unlinked contact of Piet, and an enrolled
  dossier of the pilot world (``tests/worlds/pilot.py``, whose clients all belong to ``other_cm``).

Every client's name and BSN is in ``secrets`` so the evaluator's responses can be scanned for them. Each side's client
has an address of its own (``Objects.client_address``, its street): it shows only in the full record, so the matrix
sees which persona got the full and which the limited view (need to know, ``clients/access.py``): ``cm`` and ``am``
are on Jan's dossiers and none of Piet's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.models import ApiToken
from casemgmt.auth.tokens import new_token, token_hash
from casemgmt.commitments.models import Commitment
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from casemgmt.knowledge.models import KnowledgeArticle, KnowledgeFlag
from casemgmt.mail.models import OutboxMail
from casemgmt.mail.outbox import enqueue
from casemgmt.notifications.models import Notification
from casemgmt.pilots.models import PilotEnrolment
from tests.factories import create_client, create_contact, create_dossier, service_id
from tests.worlds.personas import Person
from tests.worlds.pilot import SLUG, arrange_pilot
from tests.worlds.representatives import represents

PERSONA_USERS = {
    "kcc_agent": "kcc",
    "casemanager": "cm",
    "accountmanager": "am",
    "evaluator": "evaluator",
    "admin": "admin",
}


JAN_ADDRESS = "Lange Poten 1, 2511 CL Den Haag"
PIET_ADDRESS = "Piet Heinstraat 70, 2511 BT Den Haag"
JAN_STREET, PIET_STREET = "Lange Poten", "Piet Heinstraat"
"""The street of each address: in the full record on the pages and in the API's ``address.street``."""


@dataclass(frozen=True)
class Objects:
    """The ids of one side (own or foreign) of the world."""

    client: int
    dossier: int
    commitment: int
    handoff: int
    escalation: int
    contact: int
    enrolled: int
    """A dossier enrolled in the pilot (no contacts on the own one, so its casemanager may still move it)."""
    client_name: str = ""
    client_address: str = ""
    """Shown only with the full record of the client."""
    representative: int = 0
    """A representative acting for the client."""
    article: int = 0
    """A published knowledge article: own of SZW (owner ``am``), foreign of OCW (owner ``ocw``)."""
    flag: int = 0
    """An open flag on that article, raised by ``kcc``."""


@dataclass
class MatrixWorld:
    people: dict[str, Person]
    tokens: dict[str, dict[str, str]]
    own: Objects
    foreign: Objects
    slug: str
    secrets: list[str] = field(default_factory=list)
    """Every client name and BSN of the world."""
    notifications: dict[str, int] = field(default_factory=dict)
    """people key → the id of one notification of theirs (issue 14)."""

    def notification(self, persona: str, own: bool) -> int:
        """The persona's own notification, or (foreign, and for the anonymous visitor) another employee's."""
        key = PERSONA_USERS.get(persona) if own else None
        return self.notifications[key or "other_cm"]

    mail: int = 0
    """A mail in the outbox (Beheer > Uitgaande mail)."""
    spare_tokens: dict[str, int] = field(default_factory=dict)
    """people key → the id of an API token of theirs that is not the one the tests use (revoking it is harmless)."""

    def spare_token(self, persona: str, own: bool) -> int:
        """The persona's own spare token, or (foreign, and for the anonymous visitor) another employee's."""
        key = PERSONA_USERS.get(persona) if own else None
        return self.spare_tokens[key or "other_cm"]

    def objects(self, ownership: str) -> Objects:
        return self.own if ownership != "foreign" else self.foreign

    def person(self, persona: str) -> Person:
        return self.people[PERSONA_USERS[persona]]


async def arrange(
    make_user: Callable[..., Any], make_token: Callable[..., Any], db: Callable[[], AsyncSession], tmp_path: Path
) -> MatrixWorld:
    now = datetime.now(UTC)
    day = now.date() - timedelta(days=30)
    async with db() as session, session.begin():
        people = {
            "kcc": await make_user("kcc_agent", services=["KCC"], name="Kees Kcc", session=session),
            "cm": await make_user("casemanager", name="Carla Casemanager", session=session),
            "am": await make_user("accountmanager", services=["SZW"], name="Sanne Szw", session=session),
            "evaluator": await make_user("evaluator", name="Erik Evaluator", session=session),
            "admin": await make_user("admin", name="Anna Admin", session=session),
            "other_cm": await make_user("casemanager", name="Olga Ander", session=session),
            "other_am": await make_user("accountmanager", services=["SZW"], name="Otto Ander", session=session),
            "ocw": await make_user("accountmanager", services=["OCW"], name="Omar Ocw", session=session),
        }
        cm, am, kcc = people["cm"], people["am"], people["kcc"]
        other_cm, other_am, ocw = people["other_cm"], people["other_am"], people["ocw"]
        jan = await create_client(session, name="Jan de Vries", address=JAN_ADDRESS)
        piet = await create_client(session, name="Piet Anders", address=PIET_ADDRESS)
        secrets = [jan.name, jan.bsn or "", piet.name, piet.bsn or ""]
        own_dossier = await create_dossier(session, jan, cm.id, {"SZW": am.id}, subject="Schulden en bijstand")
        enrolled = await create_dossier(session, jan, cm.id, {"SZW": am.id}, subject="Bijzondere bijstand")
        foreign_dossier = await create_dossier(
            session, piet, other_cm.id, {"SZW": other_am.id}, subject="Kwijtschelding"
        )
        szw = await service_id(session, "SZW")
        ocw_service = await service_id(session, "OCW")
        kcc_service = await service_id(session, "KCC")

        def commitment(client_id: int, dossier_id: int, person: Person, team: int | None = None) -> Commitment:
            return Commitment(
                client_id=client_id,
                dossier_id=dossier_id,
                kind="callback",
                description="Ik bel u donderdag terug.",
                owner_id=None if team else person.id,
                owner_service_id=team,
                service_id=team,
                made_by_id=person.id,
                made_at=now,
                due_at=now + timedelta(days=3),
            )

        def handoff(dossier_id: int, person: Person, from_id: int, to_id: int, to_employee: int | None) -> Handoff:
            return Handoff(
                dossier_id=dossier_id,
                from_employee_id=person.id,
                from_service_id=from_id,
                to_service_id=to_id,
                to_employee_id=to_employee,
                reason="Vraag over de uitkering",
                context="Cliënt heeft schulden; de maatschappelijk werker belt namens haar.",
                requested_at=now,
            )

        def escalation(client_id: int, dossier_id: int, service: int, asker: Person, assignee: Person) -> Escalation:
            return Escalation(
                service_id=service,
                question="Wanneer wordt de bijstand uitbetaald?",
                client_id=client_id,
                dossier_id=dossier_id,
                asked_by_id=asker.id,
                asked_at=now,
                due_at=now + timedelta(days=3),
                assignee_id=assignee.id,
            )

        rows = [
            commitment(jan.id, own_dossier.id, cm, team=szw),  # a promise of team SZW, made by cm
            commitment(piet.id, foreign_dossier.id, other_cm),
            handoff(own_dossier.id, cm, kcc_service, szw, am.id),
            handoff(foreign_dossier.id, other_cm, szw, ocw_service, None),
            escalation(jan.id, own_dossier.id, szw, kcc, am),
            escalation(piet.id, foreign_dossier.id, ocw_service, other_cm, ocw),
        ]
        session.add_all(rows)
        own_contact = await create_contact(session, jan, kcc.id, summary="Belde over de bijstand.")
        foreign_contact = await create_contact(session, piet, kcc.id, summary="Belde over de kwijtschelding.")
        links = [
            represents(client_id=client.id, name=name, organisation="Wijkteam", relation="Buurtcoach", valid_from=day)
            for client, name in ((jan, "Rita Wijk"), (piet, "Ruud Wijk"))
        ]
        session.add_all(links)
        await session.flush()
        tokens = {name: await make_token(people[name], session=session) for name in PERSONA_USERS.values()}
        spare_tokens = {}
        for name in [*PERSONA_USERS.values(), "other_cm"]:  # a token of each to revoke (issue 17), not the one in use
            spare = ApiToken(user_id=people[name].id, name="reserve", token_hash=token_hash(new_token()))
            session.add(spare)
            await session.flush()
            spare_tokens[name] = spare.id
        await enqueue(
            session,
            user_id=cm.id,
            to_address=cm.email,
            key=f"digest:{cm.id}:{now.date().isoformat()}",
            subject="casemgmt dagoverzicht",
            text_body="Te laat (1)",
            html_body="<p>Te laat (1)</p>",
        )
        mail_id = await session.scalar(select(OutboxMail.id))
        ids = [row.id for row in rows]
        jan_id, piet_id, own_id, foreign_id, enrolled_id = (
            jan.id,
            piet.id,
            own_dossier.id,
            foreign_dossier.id,
            enrolled.id,
        )
        contact_ids = (own_contact.id, foreign_contact.id)
        representative_ids = (links[0].representative_id, links[1].representative_id)

    pilot = await arrange_pilot(db, tmp_path, other_cm.id)
    async with db() as session, session.begin():
        session.add(
            PilotEnrolment(
                dossier_id=enrolled_id,
                pilot_id=pilot.pilot.id,
                cohort="pilot",
                method="manual",
                reason="Matrix",
                assigned_by_id=cm.id,
                assigned_at=now,
            )
        )
        foreign_enrolled = await session.scalar(
            select(PilotEnrolment.dossier_id)
            .join(Dossier, Dossier.id == PilotEnrolment.dossier_id)
            .where(Dossier.casemanager_id == other_cm.id)
            .order_by(PilotEnrolment.dossier_id)
            .limit(1)
        )
    assert foreign_enrolled is not None
    async with db() as session, session.begin():
        rows = [
            Notification(
                user_id=person.id,
                kind="commitment_assigned",
                object_type="commitment",
                object_id=ids[0],
                dossier_id=own_id,
                dossier_ref="D-MATRIX",
                text="Een toezegging is toegewezen aan u.",
            )
            for person in people.values()
        ]
        session.add_all(rows)
        await session.flush()
        notifications = {key: row.id for key, row in zip(people, rows, strict=True)}
        articles = [
            KnowledgeArticle(
                question=question,
                answer="Vraag het aan via de website.",
                service_id=service,
                owner_id=owner.id,
                status="published",
                review_due=now.date() + timedelta(days=180),
                published_at=now,
                created_by_id=owner.id,
            )
            for question, service, owner in (
                ("Wanneer wordt de bijstand betaald?", szw, am),
                ("Hoe vraag ik een VOG aan?", ocw_service, ocw),
            )
        ]
        session.add_all(articles)
        await session.flush()
        flags = [
            KnowledgeFlag(
                article_id=a.id, version=a.version, kind="unclear", note="Welke kosten?", flagged_by_id=kcc.id,
                flagged_at=now,
            )
            for a in articles
        ]  # fmt: skip
        session.add_all(flags)
        await session.flush()
        knowledge = [(a.id, f.id) for a, f in zip(articles, flags, strict=True)]
    own = Objects(
        jan_id, own_id, ids[0], ids[2], ids[4], contact_ids[0], enrolled_id, "Jan de Vries", JAN_STREET,
        representative_ids[0], *knowledge[0],
    )  # fmt: skip
    foreign = Objects(
        piet_id, foreign_id, ids[1], ids[3], ids[5], contact_ids[1], foreign_enrolled, "Piet Anders", PIET_STREET,
        representative_ids[1], *knowledge[1],
    )  # fmt: skip
    assert mail_id is not None
    world = MatrixWorld(people, tokens, own, foreign, SLUG, secrets + pilot.names + pilot.bsns, notifications, mail_id)
    world.spare_tokens = spare_tokens
    return world

"""The demo municipality's promises (issue 4): commitments kept, late and overdue, handoffs with one SZW↔DSO
ping-pong, escalations with reusable answers, and the seed's parking-space story (scenario 9): a supervisor who
promised twice to call back and a day's notice of roadworks, none of it kept.

Loaded after the casework demo; safe to load twice (it only runs when the demo dossiers have no commitments yet).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.clients.models import Client
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.directory.calendar import add_business_days
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff

PARKING_REF = "D-2026-00031"
PARKING_SUBJECT = "Gehandicaptenparkeerplaats voor broer: twee keer terugbellen beloofd, nooit gebeld"

ANSWERS = (
    (
        "DPZ",
        "Hoe verlengt een Nederlander die in de Verenigde Staten woont zijn paspoort als hij tijdelijk hier is?",
        "Wie in het buitenland woont, vraagt het paspoort aan bij de ambassade of bij de balie Internationale "
        "Zaken in het Stadhuis (afspraak via 14070). Een gewoon Den Haag-loket kan dit niet; stuur hem niet naar "
        "het stadsdeelkantoor. Meenemen: oud paspoort, pasfoto, bewijs van adres in de VS.",
    ),
    (
        "OCW",
        "Waar vraagt iemand een Verklaring Omtrent het Gedrag (VOG) aan voor vrijwilligerswerk?",
        "Een VOG vraagt de burger zelf online aan bij Justis (met DigiD) of via de organisatie. Vrijwilligers "
        "komen vaak in aanmerking voor een gratis VOG via de regeling Gratis VOG. De gemeentebalie geeft de VOG "
        "niet af; stuur iemand dus niet 'op internet zoeken' maar geef deze uitleg.",
    ),
    (
        "DSO",
        "Kan een VvE namens bewoners één aanvraag doen voor parkeervergunningen in een nieuw gebouw?",
        "Nee: een parkeervergunning is persoonlijk en gaat per adres via het online formulier. De VvE kan wel "
        "een informatieavond vragen. Langskomen aan de balie is niet nodig.",
    ),
)


async def load_promises(session: AsyncSession, users: dict[str, int], services: dict[str, int]) -> None:
    demo_dossiers = select(Dossier.id).where(Dossier.ref.like("D-2026-%"))
    if await session.scalar(select(func.count()).where(Commitment.dossier_id.in_(demo_dossiers))):
        return
    rng = random.Random(2013)
    now = datetime.now(UTC)
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

    rows: list[object] = []
    for index, dossier in enumerate(dossiers):
        owners = accountmanagers.get(dossier.id, {})
        if not owners:
            continue
        code, owner = sorted(owners.items())[0]
        made = dossier.opened_at + timedelta(hours=2)
        due = add_business_days(made, 2)
        kind = ("callback", "information", "action")[index % 3]
        text = {
            "callback": "Ik bel u binnen twee werkdagen terug met de uitkomst.",
            "information": "U krijgt de voorwaarden per e-mail toegestuurd.",
            "action": "Ik zet de aanvraag vandaag nog door naar de afdeling.",
        }[kind]
        outcome = rng.random()
        commitment = Commitment(
            client_id=dossier.client_id,
            dossier_id=dossier.id,
            kind=kind,
            description=text,
            owner_id=owner,
            service_id=services[code],
            made_by_id=owner,
            made_at=made,
            due_at=due,
            status="open",
        )
        if dossier.status == "closed" or (outcome < 0.55 and due < now):
            commitment.status, commitment.closed_at, commitment.kept_on_time = (
                "fulfilled",
                due - timedelta(hours=3),
                True,
            )
            commitment.note, commitment.closed_by_id = "Gedaan zoals afgesproken.", owner
        elif outcome < 0.7 and due < now:
            commitment.status, commitment.closed_at, commitment.kept_on_time = (
                "fulfilled",
                due + timedelta(days=2),
                False,
            )
            commitment.note, commitment.closed_by_id = "Later dan afgesproken nagekomen.", owner
        elif due > now:
            commitment.due_at = due
        else:
            commitment.due_at = now + timedelta(days=2) if outcome > 0.85 else due  # a few overdue, a few still open
        rows.append(commitment)

    rows.extend(_handoffs(dossiers, accountmanagers, services, users, now))
    rows.extend(await _parking_story(session, users, services, now))
    rows.extend(_escalations(dossiers, accountmanagers, services, users, now))
    session.add_all(rows)
    await session.flush()


def _handoffs(dossiers, accountmanagers, services, users, now):  # type: ignore[no-untyped-def]
    """One dossier goes SZW → DSO → SZW within a month (ping-pong); one handoff waits for the SZW demo user."""
    rows = []
    open_szw = [d for d in dossiers if d.status != "closed" and "SZW" in accountmanagers.get(d.id, {})]
    if len(open_szw) >= 2:
        first, second = open_szw[0], open_szw[1]
        szw, dso = accountmanagers[first.id]["SZW"], users["bas.vermeulen@demo.casemgmt.nl"]
        start = now - timedelta(days=20)
        context = (
            "Klant heeft een bijstandsuitkering en bouwt een schuur om tot woonruimte; de vraag over de "
            "vergunning ligt bij DSO, de gevolgen voor de uitkering bij SZW."
        )
        rows += [
            Handoff(
                dossier_id=first.id,
                from_employee_id=szw,
                from_service_id=services["SZW"],
                to_service_id=services["DSO"],
                to_employee_id=dso,
                reason="Vergunningvraag",
                context=context,
                requested_at=start,
                status="accepted",
                decided_at=start + timedelta(hours=3),
                decided_by_id=dso,
            ),
            Handoff(
                dossier_id=first.id,
                from_employee_id=dso,
                from_service_id=services["DSO"],
                to_service_id=services["SZW"],
                to_employee_id=szw,
                reason="Toch een uitkeringsvraag",
                context=context + " DSO ziet geen vergunningsplicht; terug naar SZW.",
                requested_at=start + timedelta(days=6),
                status="accepted",
                decided_at=start + timedelta(days=6, hours=2),
                decided_by_id=szw,
            ),
            Handoff(
                dossier_id=second.id,
                from_employee_id=users["casemanager@demo.casemgmt.nl"],
                from_service_id=services["OCW"],
                to_service_id=services["SZW"],
                to_employee_id=users["accountmanager@demo.casemgmt.nl"],
                reason="Inkomensvraag",
                context="Moeder van drie kinderen; de kinderopvangtoeslag is stopgezet en de huur loopt achter. "
                "Zij heeft alles al aan OCW verteld, bel haar niet opnieuw voor haar verhaal.",
                requested_at=now - timedelta(hours=5),
                status="requested",
            ),
        ]
    return rows


async def _parking_story(session, users, services, now):  # type: ignore[no-untyped-def]
    """Seed scenario 9: a new dossier whose DSO supervisor promised twice to call back, then a day's notice."""
    if await session.scalar(select(Dossier.id).where(Dossier.ref == PARKING_REF)):
        return []
    client_id = await session.scalar(
        select(Client.id).where(Client.kind == "person", ~Client.id.in_(select(Dossier.client_id))).order_by(Client.id)
    )
    if client_id is None:
        return []
    supervisor, casemanager = users["ingrid.kok@demo.casemgmt.nl"], users["casemanager@demo.casemgmt.nl"]
    opened = now - timedelta(days=21)
    dossier = Dossier(
        ref=PARKING_REF,
        client_id=client_id,
        subject=PARKING_SUBJECT,
        status="in_progress",
        opened_at=opened,
        casemanager_id=casemanager,
    )
    session.add(dossier)
    await session.flush()
    first_call = opened + timedelta(hours=1)
    promises = [
        ("callback", "Ik bel u morgen terug over de parkeerplaats voor uw broer.", first_call),
        ("callback", "Ik bel u deze week echt terug; excuses dat het nog niet gebeurd is.", opened + timedelta(days=8)),
        (
            "information",
            "U krijgt een dag van tevoren bericht voordat de werkzaamheden in de straat beginnen.",
            opened + timedelta(days=12),
        ),
    ]
    return [
        DossierAssignment(
            dossier_id=dossier.id,
            role="casemanager",
            user_id=casemanager,
            since=opened,
            assigned_by_id=users["admin@demo.casemgmt.nl"],
            reason="Klacht via KCC",
        ),
        DossierAssignment(
            dossier_id=dossier.id,
            role="accountmanager",
            service_id=services["DSO"],
            user_id=supervisor,
            since=opened,
            assigned_by_id=users["admin@demo.casemgmt.nl"],
            reason="Leidinggevende",
        ),
        Contact(
            client_id=client_id,
            dossier_id=dossier.id,
            channel="phone",
            direction="in",
            service_id=services["DSO"],
            employee_id=supervisor,
            occurred_at=first_call,
            outcome="callback_promised",
            transfers=2,
            summary="Zus belt voor haar gehandicapte broer: de toegezegde parkeerplaats voor de deur is er nog "
            "steeds niet. Twee keer doorverbonden. Leidinggevende belooft morgen terug te bellen.",
        ),
        *[
            Commitment(
                client_id=client_id,
                dossier_id=dossier.id,
                kind=kind,
                description=text,
                owner_id=supervisor,
                service_id=services["DSO"],
                made_by_id=supervisor,
                made_at=made,
                due_at=add_business_days(made, 1 if kind == "callback" else 3),
                status="open",
            )
            for kind, text, made in promises
        ],
    ]


def _escalations(dossiers, accountmanagers, services, users, now):  # type: ignore[no-untyped-def]
    """Reusable answers (seed scenarios 3, 4, 5) and the unpaid benefit (scenario 8), open past the SZW norm."""
    kcc = users["kcc@demo.casemgmt.nl"]
    rows = []
    for offset, (code, question, answer) in enumerate(ANSWERS):
        asked = now - timedelta(days=30 - offset)
        answerer = {
            "DPZ": users["priya.ramdin@demo.casemgmt.nl"],
            "OCW": users["sandra.verbeek@demo.casemgmt.nl"],
            "DSO": users["bas.vermeulen@demo.casemgmt.nl"],
        }.get(code, kcc)
        due = add_business_days(asked, 3)
        rows.append(
            Escalation(
                service_id=services[code],
                question=question,
                asked_by_id=kcc,
                asked_at=asked,
                due_at=due,
                assignee_id=answerer,
                status="answered",
                answer=answer,
                answered_by_id=answerer,
                answered_at=asked + timedelta(days=1),
                within_norm=True,
                reusable=True,
            )
        )
    szw_dossier = next((d for d in dossiers if d.status != "closed" and "SZW" in accountmanagers.get(d.id, {})), None)
    asked = now - timedelta(days=9)
    rows.append(
        Escalation(
            service_id=services["SZW"],
            question="Meneer belt: zijn bijstandsuitkering is deze maand niet betaald. 27 wachtenden voor hem; "
            "wat is er aan de hand en wanneer wordt het betaald?",
            client_id=szw_dossier.client_id if szw_dossier else None,
            dossier_id=szw_dossier.id if szw_dossier else None,
            asked_by_id=kcc,
            asked_at=asked,
            due_at=add_business_days(asked, 3),
            assignee_id=accountmanagers[szw_dossier.id]["SZW"] if szw_dossier else None,
            status="open",
        )
    )
    return rows

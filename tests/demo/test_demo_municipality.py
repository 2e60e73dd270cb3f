"""The demo municipality: loaded twice without duplicates, valid by the services' rules, with the seed's stories."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from stdnum.nl import bsn as bsn_rules

from casemgmt.auth.models import User
from casemgmt.auth.passwords import Passwords
from casemgmt.clients.models import Client, ClientRepresentative, Representative
from casemgmt.clients.rules import normalise_phone, normalise_postcode
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact, ContactTransfer
from casemgmt.directory.models import Service, Topic
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.knowledge.models import KnowledgeArticle, contact_articles
from casemgmt.synthetic.demo import (
    DEMO_PASSWORD,
    DEMO_STAFF,
    DEMO_USERS,
    STORY_A_SUBJECT,
    build_plan,
    business_day,
    load_demo,
)
from tests.worlds.commands import run
from tests.worlds.personas import login

pytestmark = pytest.mark.anyio

TABLES = (User, Client, Representative, ClientRepresentative, Dossier, DossierAssignment, Contact, Service)
VALID_CHANNELS = {"phone", "desk", "email", "web", "letter"}
VALID_OUTCOMES = {
    "resolved", "transferred", "transfer_failed", "callback_promised", "client_to_call_back", "appointment_made",
}  # fmt: skip


async def counts(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    async with db() as session:
        return {model.__tablename__: await session.scalar(select(func.count()).select_from(model)) for model in TABLES}


async def load(db) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    async with db() as session, session.begin():
        return await load_demo(session, Passwords(cheap=True))


@pytest.fixture
async def demo(db):  # type: ignore[no-untyped-def]
    await load(db)
    return db


async def test_loading_twice_adds_nothing(db) -> None:
    users = await load(db)
    first = await counts(db)
    again = await load(db)
    assert await counts(db) == first
    assert users == again == [(email, roles[0]) for email, _n, roles, _s, _p in DEMO_USERS]
    assert first["clients"] >= 50 and first["dossiers"] >= 30
    assert first["users"] == len(DEMO_USERS) + len(DEMO_STAFF)
    assert first["contacts"] > first["dossiers"] * 2
    assert first["representatives"] >= 5


async def test_demo_users_have_their_roles_services_and_the_demo_password(demo, client) -> None:
    async with demo() as session:
        users = {u.email: u for u in (await session.scalars(select(User))).all()}
    for email, _name, roles, services, _phone in DEMO_USERS:
        assert users[email].roles == roles and users[email].service_codes == services
    by_service = Counter(code for u in users.values() if "accountmanager" in u.roles for code in u.service_codes)
    assert by_service["SZW"] >= 2 and by_service["OCW"] >= 2 and by_service["DSO"] >= 2 and by_service["DPZ"] >= 1
    assert sum("kcc_agent" in u.roles for u in users.values()) == 3
    assert sum("casemanager" in u.roles for u in users.values()) == 3
    for user in users.values():
        if "accountmanager" in user.roles:
            assert re.fullmatch(r"070 353 \d{4}", user.phone), user.phone
    response = await login(client, "casemanager@demo.casemgmt.nl", DEMO_PASSWORD)
    assert response.status_code == 303


async def test_clients_are_valid(demo) -> None:
    async with demo() as session:
        clients = (await session.scalars(select(Client))).all()
    persons = [c for c in clients if c.kind == "person"]
    organisations = [c for c in clients if c.kind == "organisation"]
    assert len(persons) >= 40 and len(organisations) >= 3
    for person in persons:
        assert bsn_rules.is_valid(person.bsn) and person.bsn != "000000000", person.bsn
        assert person.kvk is None
    for organisation in organisations:
        assert re.fullmatch(r"\d{8}", organisation.kvk) and organisation.bsn is None
    for client in clients:
        assert client.name_normalised == client.name.lower()
        assert re.fullmatch(r"K-[A-Z0-9]{10}", client.pseudonym)
        assert client.bsn is None or client.bsn not in client.pseudonym
    assert sum(c.city == "Den Haag" and c.postcode and c.house_number for c in clients) >= 45
    for client in clients:  # stored as the app stores them: postcodes normalised, phone numbers in E.164
        assert client.postcode == "" or normalise_postcode(client.postcode) == client.postcode, client.postcode
        assert client.phone == "" or normalise_phone(client.phone) == client.phone or client.phone == "+1 212 555 0147"
    channels = [c.preferred_channel for c in clients if c.preferred_channel]
    assert len(channels) >= 5 and set(channels) == {"phone", "email", "letter", "desk"}


async def test_every_dossier_has_one_casemanager_and_one_accountmanager_per_service(demo) -> None:
    async with demo() as session:
        dossiers = (await session.scalars(select(Dossier))).all()
        assignments = (await session.scalars(select(DossierAssignment))).all()
        users = {u.id: u for u in (await session.scalars(select(User))).all()}
        services = {s.id: s.code for s in (await session.scalars(select(Service))).all()}
    assert len(dossiers) >= 30
    assert {d.status for d in dossiers} == {"open", "in_progress", "waiting", "closed"}
    for dossier in dossiers:
        assert re.fullmatch(r"D-\d{4}-\d{5}", dossier.ref)
        mine = [a for a in assignments if a.dossier_id == dossier.id]
        current_cm = [a for a in mine if a.role == "casemanager" and a.until is None]
        assert len(current_cm) == 1, dossier.ref
        assert current_cm[0].user_id == dossier.casemanager_id
        assert "casemanager" in users[dossier.casemanager_id].roles
        current_am = [a for a in mine if a.role == "accountmanager" and a.until is None]
        assert len(current_am) >= 1, dossier.ref
        per_service = Counter(a.service_id for a in current_am)
        assert max(per_service.values()) == 1, dossier.ref
        for a in current_am:
            assert services[a.service_id] in users[a.user_id].service_codes
        for a in mine:
            assert a.until is None or a.since <= a.until
        if dossier.status == "closed":
            assert dossier.outcome in {"resolved", "referred", "withdrawn"} and dossier.closed_at is not None
            assert dossier.closed_at >= dossier.opened_at
        else:
            assert dossier.outcome is None and dossier.closed_at is None
    assert any(a.until is not None for a in assignments)  # some hand-overs, with history kept
    involved = Counter(services[a.service_id] for a in assignments if a.role == "accountmanager")
    assert involved["SZW"] >= 5 and involved["OCW"] >= 5 and involved["DSO"] >= 5


async def test_caseload_caps_are_respected(demo) -> None:
    async with demo() as session:
        capped = (await session.scalars(select(User).where(User.max_caseload.is_not(None)))).all()
        assert capped
        for user in capped:
            active = await session.scalar(
                select(func.count())
                .select_from(Dossier)
                .where(Dossier.casemanager_id == user.id, Dossier.status != "closed")
            )
            assert 0 < active <= user.max_caseload


async def test_contacts_follow_the_rules_and_the_seed_proportions(demo) -> None:
    now = datetime.now(UTC)
    async with demo() as session:
        contacts = (await session.scalars(select(Contact))).all()
    assert len(contacts) >= 100
    for contact in contacts:
        assert contact.occurred_at <= now
        assert 0 < len(contact.summary) <= 4000
        assert contact.channel in VALID_CHANNELS and contact.direction in {"in", "out"}
        assert contact.outcome in VALID_OUTCOMES and 0 <= contact.transfers <= 20
        assert contact.outcome not in {"transferred", "transfer_failed"} or contact.transfers >= 1
        assert contact.direction == "out" or contact.topic_id is not None  # every inbound demo call has a topic
    assert any(c.dossier_id is None for c in contacts)  # KCC calls without a dossier
    inbound = [c for c in contacts if c.direction == "in"]
    transferred = sum(c.transfers >= 1 for c in inbound) / len(inbound)
    helped_at_once = sum(c.outcome == "resolved" and c.transfers == 0 for c in inbound) / len(inbound)
    assert 0.25 <= transferred <= 0.55  # the seed: four in ten were transferred
    assert 0.2 <= helped_at_once <= 0.5  # the seed: almost a third helped at once
    assert {c.outcome for c in inbound} == VALID_OUTCOMES


async def test_calls_carry_transfer_attempts_and_the_callbacks_promised(demo) -> None:
    """Issue 13: each transfer counted is an attempt on record, some failed; each callback promised in a contact with
    a client is a callback commitment made from that contact."""
    async with demo() as session:
        contacts = (await session.scalars(select(Contact))).all()
        attempts = (await session.scalars(select(ContactTransfer))).all()
        callbacks = (await session.scalars(select(Commitment).where(Commitment.contact_id.is_not(None)))).all()
        topics = await session.scalar(select(func.count()).select_from(Topic))
    assert topics >= 20
    per_contact = {c.id: c.transfers for c in contacts if c.transfers}
    with_attempts = {a.contact_id for a in attempts}
    # the scripted parking story keeps its bare counts; every other counted transfer is an attempt on record
    assert with_attempts <= set(per_contact) and len(set(per_contact) - with_attempts) <= 3
    assert all(sum(a.contact_id == cid for a in attempts) == per_contact[cid] for cid in with_attempts)
    failed = [c for c in contacts if c.outcome == "transfer_failed"]
    assert len(failed) >= 3
    assert all(any(a.contact_id == c.id and not a.connected for a in attempts) for c in failed)
    promised = {c.id for c in contacts if c.outcome == "callback_promised" and c.client_id is not None}
    made = {c.contact_id for c in callbacks}
    assert made <= promised and len(promised - made) <= 3  # the parking story's promises are its own
    assert all(c.kind == "callback" for c in callbacks)
    assert {c.status for c in callbacks} >= {"open", "fulfilled"}


@pytest.mark.parametrize(
    ("word", "services"),
    [("WMO", {"OCW"}), ("bedrijfspand", {"DSO", "DPZ"}), ("paspoort", {"DPZ"}), ("dwangbevel", {"SZW"})],
)
async def test_the_seed_stories_are_recognisable(demo, word, services) -> None:
    """Some dossier whose subject names the story's word has the story's services on it and its contacts (other
    generated dossiers may share the word, so no particular one is assumed)."""
    async with demo() as session:
        found = (await session.scalars(select(Dossier).where(func.lower(Dossier.subject).contains(word.lower())))).all()
        assert found, word
        stories = []
        for dossier in found:
            involved = set(
                (
                    await session.scalars(
                        select(Service.code)
                        .join(DossierAssignment, DossierAssignment.service_id == Service.id)
                        .where(DossierAssignment.dossier_id == dossier.id)
                    )
                ).all()
            )
            summaries = (await session.scalars(select(Contact.summary).where(Contact.dossier_id == dossier.id))).all()
            stories.append((involved, len(summaries)))
    assert any(services <= involved and contacts >= 3 for involved, contacts in stories), stories


async def test_the_wmo_client_has_the_social_worker_as_representative(demo) -> None:
    async with demo() as session:
        dossier = (await session.scalars(select(Dossier).where(Dossier.subject == STORY_A_SUBJECT))).one()
        representatives = (
            await session.scalars(
                select(ClientRepresentative).where(ClientRepresentative.client_id == dossier.client_id)
            )
        ).all()
        summaries = (await session.scalars(select(Contact.summary).where(Contact.dossier_id == dossier.id))).all()
    assert [(r.relation, r.organisation) for r in representatives] == [
        ("Maatschappelijk werker", "Stichting Welzijn Den Haag Zuidwest")
    ]
    assert any("terugbellen" in s and "idrissi" in s.lower() for s in summaries)
    assert any("Wie helpt deze klant?" in s for s in summaries)


async def test_the_wrong_arrangement_story_has_two_arrangements_for_one_client(demo) -> None:
    async with demo() as session:
        warrant = (
            await session.scalars(select(Dossier).where(func.lower(Dossier.subject).contains("dwangbevel")))
        ).one()
        refs = (await session.scalars(select(Dossier.ref).where(Dossier.client_id == warrant.client_id))).all()
        summaries = (await session.scalars(select(Contact.summary).where(Contact.dossier_id == warrant.id))).all()
    assert len(refs) == 2
    assert any("BSN" in s for s in summaries)
    assert any("andere" in s or "niet voor het dwangbevel" in s for s in summaries)


def test_the_plan_is_deterministic_and_valid() -> None:
    plan, again = build_plan(), build_plan()
    assert repr(plan) == repr(again)
    assert len(plan.clients) >= 50 and len(plan.dossiers) == 30
    assert [d.ref for d in plan.dossiers] == [f"D-2026-{n:05d}" for n in range(1, 31)]
    assert len({c.pseudonym for c in plan.clients}) == len(plan.clients)
    assert len({c.bsn for c in plan.clients if c.bsn}) == sum(1 for c in plan.clients if c.bsn)
    assert all(c.business_days_ago >= 1 for d in plan.dossiers for c in d.contacts)


def test_business_days_skip_weekends() -> None:
    from datetime import date

    monday = date(2026, 11, 30)
    assert business_day(monday, 1) == date(2026, 11, 27)  # the Friday before
    assert business_day(monday, 5) == date(2026, 11, 23)


def test_demo_command_prepares_a_fresh_sqlite_database(tmp_path) -> None:
    database = SimpleNamespace(database_url=f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}")
    for _ in range(2):
        result = run(database, "demo", "--no-serve")
        assert result.returncode == 0, result.stderr
        assert DEMO_PASSWORD in result.stdout
        for email, _name, roles, _services, _phone in DEMO_USERS:
            assert re.search(rf"{roles[0]}\s+{re.escape(email)}", result.stdout)
    import sqlite3

    with sqlite3.connect(tmp_path / "demo.sqlite3") as connection:
        assert (
            connection.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 31
        )  # the 30 planned dossiers and the parking-space story
        assert connection.execute("SELECT count(*) FROM clients").fetchone()[0] >= 50


async def test_demo_promises_tell_the_parking_space_story(db) -> None:
    from casemgmt.auth.passwords import Passwords
    from casemgmt.commitments.models import Commitment
    from casemgmt.escalations.models import Escalation
    from casemgmt.handoffs.models import Handoff
    from casemgmt.synthetic.demo import load_demo
    from casemgmt.synthetic.promises import PARKING_REF

    async with db() as session, session.begin():
        await load_demo(session, Passwords(cheap=True))
    async with db() as session, session.begin():
        await load_demo(session, Passwords(cheap=True))  # twice: nothing more
    async with db() as session:
        from sqlalchemy import func, select

        from casemgmt.dossiers.models import Dossier

        parking = await session.scalar(select(Dossier.id).where(Dossier.ref == PARKING_REF))
        promised = (await session.scalars(select(Commitment).where(Commitment.dossier_id == parking))).all()
        assert len(promised) == 3 and all(c.status == "open" for c in promised)
        assert sum(c.kind == "callback" for c in promised) == 2
        assert await session.scalar(select(func.count()).select_from(Handoff)) == 3
        assert await session.scalar(select(func.count()).where(Escalation.reusable.is_(True))) == 3
        from casemgmt.escalations.models import ReusableAnswer

        titles = (await session.scalars(select(ReusableAnswer.title).order_by(ReusableAnswer.id))).all()
        assert len(titles) == 3 and "VOG" in titles[1]  # published in general terms, not the escalation's question
        kept = await session.scalar(select(func.count()).where(Commitment.kept_on_time.is_(True)))
        late = await session.scalar(select(func.count()).where(Commitment.kept_on_time.is_(False)))
        assert kept and late


async def test_demo_pilot_has_both_cohorts_time_and_survey_responses(db) -> None:
    from sqlalchemy import func, select

    from casemgmt.auth.passwords import Passwords
    from casemgmt.pilots.models import PilotEnrolment, TimeEntry
    from casemgmt.surveys.models import SurveyResponse
    from casemgmt.synthetic.demo import load_demo

    for _ in range(2):  # loading twice adds nothing
        async with db() as session, session.begin():
            await load_demo(session, Passwords(cheap=True))
    async with db() as session:
        grouped = await session.execute(select(PilotEnrolment.cohort, func.count()).group_by(PilotEnrolment.cohort))
        cohorts = dict(grouped.tuples().all())
        assert cohorts.get("pilot", 0) >= 5 and cohorts.get("control", 0) >= 5
        assert await session.scalar(select(func.count()).select_from(TimeEntry)) > 0
        responses = await session.scalar(select(func.count()).select_from(SurveyResponse))
        assert responses == 4 * (cohorts["pilot"] + cohorts["control"])


async def test_two_callers_gave_no_bsn_and_have_their_contacts(demo) -> None:
    """Issue 12: unidentified clients (no BSN/KvK, a name and a phone number or e-mail), each with contacts."""
    async with demo() as session:
        unidentified = (await session.scalars(select(Client).where(Client.kind == "unidentified"))).all()
        calls = {
            c.id: (await session.scalars(select(Contact).where(Contact.client_id == c.id))).all() for c in unidentified
        }
    assert len(unidentified) == 2
    for client in unidentified:
        assert client.bsn is None and client.kvk is None and (client.phone or client.email)
        assert calls[client.id] and all(c.dossier_id is None for c in calls[client.id])
    assert any("parkeervergunning" in c.summary for cs in calls.values() for c in cs)


async def test_some_calls_were_answered_with_a_published_article_of_their_topic(demo) -> None:
    """Issue 16: the demo's anonymous calls since an article of their topic was published were partly answered with
    it (its version recorded), so Trends can set contacts with an article against those without."""
    async with demo() as session:
        given = (
            await session.execute(
                select(Contact.topic_id, KnowledgeArticle.topic_id, KnowledgeArticle.status, contact_articles.c.version)
                .join(contact_articles, contact_articles.c.contact_id == Contact.id)
                .join(KnowledgeArticle, KnowledgeArticle.id == contact_articles.c.article_id)
            )
        ).all()
        anonymous = await session.scalar(select(func.count()).select_from(Contact).where(Contact.client_id.is_(None)))
    assert 0 < len(given) < anonymous
    assert all(called == about and status == "published" and version >= 2 for called, about, status, version in given)

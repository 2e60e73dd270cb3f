"""The daily digest (issue 14): per active employee what is due today, what is overdue and what waits for their
service; nobody with nothing gets a mail; one per person per day; no citizen's name, BSN or the promise's own text
in any mail; and ``casemgmt notifications send --digest`` on business days from 07:30 only, sending through a real
SMTP server (aiosmtpd in the test process)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import delete, select, update

from casemgmt.clients.models import Client
from casemgmt.directory.calendar import AMSTERDAM, local_date, next_business_day
from casemgmt.escalations.models import Escalation
from casemgmt.mail.models import OutboxMail
from casemgmt.mail.outbox import send_pending
from casemgmt.mail.transport import SmtpTransport
from casemgmt.reminders.digest import collect_digests, compose_digests
from casemgmt.reminders.models import DigestRun
from casemgmt.settings import PROJECT_ROOT
from tests.worlds.commands import run
from tests.worlds.promises import CONTEXT, in_days, make_commitment, make_overdue
from tests.worlds.smtp import SmtpServer

pytestmark = pytest.mark.anyio

BASE = "https://casemgmt.test.nl"
TEMPLATES = PROJECT_ROOT / "templates"
PROMISE = "Ik bel u terug over de parkeerkaart van uw broer."
QUESTION = "Waarom is de bijstand van mevrouw niet betaald?"


async def arrange_work(client, world, db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Carla (cm): one promise overdue, one due next week (not in the digest); team SZW: a callback waiting;
    SZW: an escalation nobody has taken; Dirk (dso): an escalation of his, overdue."""
    overdue = await make_commitment(client, world, by="cm", owner_id=world.cm.id, description=PROMISE)
    await make_overdue(db, overdue["id"], hours=30)
    later = await make_commitment(client, world, by="cm", owner_id=world.cm.id, kind="action", due_at=in_days(7))
    team = await make_commitment(
        client, world, by="kcc", dossier_id=None, owner_id=None, owner_service="SZW", description=PROMISE
    )
    body = {"service": "SZW", "question": QUESTION, "client_id": world.client_id}  # no dossier: the SZW queue
    asked = await client.post("/api/v1/escalations", json=body, headers=world.token("kcc"))
    assert asked.status_code == 201 and asked.json()["assignee_id"] is None, asked.text
    on_dossier = {**body, "service": "DSO", "dossier_id": world.dossier_id}  # to the dossier's DSO accountmanager
    taken = await client.post("/api/v1/escalations", json=on_dossier, headers=world.token("kcc"))
    assert taken.status_code == 201, taken.text
    async with db() as session, session.begin():
        await session.execute(
            update(Escalation)
            .where(Escalation.id == taken.json()["id"])
            .values(assignee_id=world.dso.id, due_at=datetime.now(UTC) - timedelta(hours=2))
        )
    return {
        "overdue": overdue["id"],
        "later": later["id"],
        "team": team["id"],
        "escalation": asked.json()["id"],
        "taken": taken.json()["id"],
    }


async def secrets(db, world) -> list[str]:  # type: ignore[no-untyped-def]
    async with db() as session:
        client = await session.get(Client, world.client_id)
    assert client is not None and client.bsn
    return [client.name, client.bsn, PROMISE, QUESTION, CONTEXT, world.pseudonym]


async def test_each_person_gets_what_is_theirs_and_nobody_gets_an_empty_digest(client, world, db) -> None:
    ids = await arrange_work(client, world, db)
    now = datetime.now(UTC)
    async with db() as session:
        digests = {d.email: d for d in await collect_digests(session, now, BASE)}
    carla = digests[world.cm.email]
    assert [(i.kind, i.reference, i.link) for i in carla.overdue] == [
        ("Terugbelafspraak", world.dossier_ref, f"{BASE}/dossiers/{world.dossier_id}")
    ]
    assert carla.due_today == [] and carla.for_service == []  # the action due next week is not in it
    sanne = digests[world.szw.email]
    assert sorted((i.kind, i.service, i.reference) for i in sanne.for_service) == [
        ("Escalatie", "SZW", None),
        ("Terugbelafspraak (team)", "SZW", None),
    ]
    assert {i.link for i in sanne.for_service} == {f"{BASE}/escalaties/{ids['escalation']}", f"{BASE}/werkvoorraad"}
    dirk = digests[world.dso.email]
    assert [(i.kind, i.reference) for i in dirk.overdue] == [("Escalatie", world.dossier_ref)]
    assert [i.link for i in dirk.overdue] == [f"{BASE}/escalaties/{ids['taken']}"]
    assert not any(i.late for i in sanne.for_service)
    async with db() as session:  # ten days on, what waits for SZW is late
        later = {d.email: d for d in await collect_digests(session, now + timedelta(days=10), BASE)}
    assert len(later[world.szw.email].for_service) == 2 and all(i.late for i in later[world.szw.email].for_service)
    # nothing for them: no mail
    for nobody in (world.other_cm, world.ocw, world.ocw2, world.admin, world.evaluator, world.kcc):
        assert nobody.email not in digests


async def test_a_promise_due_later_today_is_in_today(client, world, db) -> None:
    now = datetime(2026, 12, 7, 7, 45, tzinfo=AMSTERDAM)
    made = await make_commitment(client, world, by="cm", owner_id=world.cm.id)
    async with db() as session, session.begin():
        from casemgmt.commitments.models import Commitment

        due = datetime(2026, 12, 7, 17, 0, tzinfo=AMSTERDAM)
        await session.execute(update(Commitment).where(Commitment.id == made["id"]).values(due_at=due))
    async with db() as session:
        (carla,) = [d for d in await collect_digests(session, now, BASE) if d.user_id == world.cm.id]
    assert [i.due for i in carla.due_today] == ["07-12-2026 17:00"] and carla.overdue == []
    assert carla.subject == "casemgmt dagoverzicht maandag 7 december 2026: 1 vandaag"


async def test_the_digest_mail_names_no_citizen_and_is_written_once(client, world, db, smtp_server: SmtpServer) -> None:
    await arrange_work(client, world, db)
    now = datetime.now(UTC)
    reports = []
    for _ in range(2):  # composed twice (a second run, a second host): once that day
        async with db() as session, session.begin():
            reports.append(await compose_digests(session, now, base_url=BASE, templates_dir=TEMPLATES))
    assert [(r.written, r.existing, r.composed_before) for r in reports] == [(3, 0, None), (0, 0, now)]
    async with db() as session, session.begin():  # even without the day's record: one mail per person (the key)
        await session.execute(delete(DigestRun))
        again = await compose_digests(session, now, base_url=BASE, templates_dir=TEMPLATES)
    assert (again.written, again.existing) == (0, 3)
    async with db() as session:
        mails = {m.to_address: m for m in (await session.scalars(select(OutboxMail))).all()}
    assert set(mails) == {world.cm.email, world.szw.email, world.dso.email}
    carla = mails[world.cm.email]
    assert carla.key == f"digest:{world.cm.id}:{local_date(now).isoformat()}"
    assert carla.user_id == world.cm.id
    result = await send_pending(db, now, transport=SmtpTransport(smtp_server.settings), mail_from="cm@test.nl")
    assert result.sent == 3
    (received,) = smtp_server.to(world.cm.email)
    text, html = received.part("plain"), received.part("html")
    subject = received.message["Subject"]
    assert subject.startswith("casemgmt dagoverzicht ") and "1 te laat" in subject
    assert "Te laat (1):" in text and world.dossier_ref in text and f"{BASE}/dossiers/{world.dossier_id}" in text
    assert "Terugbelafspraak" in html and f'href="{BASE}/dossiers/{world.dossier_id}"' in html
    assert "Carla Casemanager" in text  # the employee's own name, in the greeting
    hidden = await secrets(db, world)
    for part in (text, html, received.message["Subject"]):
        for secret in hidden:
            assert secret not in part, f"{secret!r} in a digest"
    for other in smtp_server.received:
        for secret in hidden:
            assert secret not in other.message.as_string()


def business_day_at(clock: time) -> str:
    """The next business day after today (Amsterdam) at ``clock``, as --now takes it."""
    day = next_business_day(local_date(datetime.now(UTC)))
    return datetime.combine(day, clock).isoformat(timespec="minutes")


async def test_the_command_composes_on_business_days_from_the_digest_time(client, world, db, migrated) -> None:
    await arrange_work(client, world, db)
    early = run(migrated, "notifications", "send", "--digest", "--now", business_day_at(time(6, 0)))
    assert early.returncode == 0, early.stderr
    assert "Geen dagoverzicht" in early.stdout and "pas vanaf 07:30" in early.stdout
    sunday = run(migrated, "notifications", "send", "--digest", "--now", "2026-12-06T09:00")
    assert "zondag 6 december 2026 is geen werkdag" in sunday.stdout
    kings_day = run(migrated, "notifications", "send", "--digest", "--now", "2026-04-27T09:00")
    assert "Koningsdag" in kings_day.stdout
    async with db() as session:  # no digest on those days (the overdue escalation's own mail is queued at once)
        assert [m.key for m in (await session.scalars(select(OutboxMail))).all() if m.key.startswith("digest:")] == []
    # the next business day: the casemanager's overdue promise is in her digest
    done = run(migrated, "notifications", "send", "--digest", "--now", business_day_at(time(7, 30)))
    assert done.returncode == 0, done.stderr
    assert "3 nieuw in de wachtrij" in done.stdout
    async with db() as session:
        waiting = len((await session.scalars(select(OutboxMail))).all())
    assert "Niet verzonden: geen SMTP ingesteld" in done.stdout and f"{waiting} e-mail(s) wachten" in done.stdout
    async with db() as session:
        carla = await session.scalar(select(OutboxMail).where(OutboxMail.user_id == world.cm.id))
    assert carla is not None and carla.status == "pending" and "Te laat (1)" in carla.text_body
    assert world.dossier_ref in carla.text_body
    again = run(migrated, "notifications", "send", "--digest", "--now", business_day_at(time(9, 0)))
    assert "is al samengesteld" in again.stdout and "nieuw in de wachtrij" not in again.stdout


async def test_the_command_sends_through_smtp_and_exits_1_on_failure(
    client, world, db, migrated, smtp_server: SmtpServer
) -> None:
    await arrange_work(client, world, db)
    env = {"CASEMGMT_SMTP_URL": smtp_server.url, "CASEMGMT_MAIL_FROM": "casemgmt <noreply@test.casemgmt.nl>"}
    when = business_day_at(time(8, 0))
    smtp_server.stop()
    down = run(migrated, "notifications", "send", "--digest", "--now", when, extra_env=env)
    async with db() as session:
        queued = (await session.scalars(select(OutboxMail))).all()
    digests = [m for m in queued if m.key.startswith("digest:")]
    assert len(digests) == 3  # beside them the mails wanted at once (the overdue escalation's)
    assert down.returncode == 1 and f"Verzonden: 0, opnieuw later: {len(queued)}" in down.stdout
    assert "Mislukt" in down.stderr
    smtp_server.start()
    later = (datetime.fromisoformat(when) + timedelta(minutes=2)).isoformat()
    sent = run(migrated, "notifications", "send", "--now", later, extra_env=env)
    assert sent.returncode == 0, sent.stderr
    assert f"Verzonden: {len(queued)}, opnieuw later: 0, opgegeven: 0" in sent.stdout
    everyone = sorted([world.cm.email, world.szw.email, world.dso.email])
    digest_mails = [r for r in smtp_server.received if "dagoverzicht" in str(r.message["Subject"]).lower()]
    assert sorted(r.rcpt_tos[0] for r in digest_mails) == everyone
    assert {r.mail_from for r in smtp_server.received} == {"noreply@test.casemgmt.nl"}


async def test_a_bad_now_is_refused(migrated, app) -> None:
    bad = run(migrated, "notifications", "send", "--now", "morgen")
    assert bad.returncode == 2 and "Fout in --now" in bad.stderr

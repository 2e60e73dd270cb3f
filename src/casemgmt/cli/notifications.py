"""``casemgmt notifications send [--digest] [--now ISO]``: write the time-based notifications (``reminders/sweep``:
due today, overdue, past the norm), expire the kennisbank articles left unchecked for a month past their review date
(``knowledge.services.expire_overdue``), queue the notifications wanted by e-mail at once (``reminders/immediate``),
compose the daily digest (on business days, from ``CASEMGMT_DIGEST_AT``) and send the outbox's due mails. Safe to
run at the same time on several hosts (each mail is claimed by one sender, ``mail/outbox.py``), so cron, a systemd
timer or a Kubernetes CronJob may run it every minute on every node (docs/NOTIFICATIONS.md). ``casemgmt run
--scheduler`` runs the same every minute in the serving process instead (``start_scheduler``), for a small
installation on one node.

Exit codes: 0 when every attempt succeeded (or nothing was due); 1 when an SMTP attempt failed (the mail stays
queued and is retried with backoff; the failure is printed); 2 for bad input (``--now``)."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from casemgmt.cli.support import EXIT_BAD_INPUT, cli_settings, run_or_exit

if TYPE_CHECKING:
    from casemgmt.mail.outbox import SendReport
    from casemgmt.settings import Settings

EXIT_SEND_FAILED = 1
SCHEDULER_INTERVAL_SECONDS = 60.0
log = logging.getLogger("casemgmt.notifications")


def parse_now(text: str | None) -> datetime:
    """``--now``: an ISO moment; without an offset it is Europe/Amsterdam time."""
    from casemgmt.directory.calendar import from_amsterdam

    if text is None:
        return datetime.now(UTC)
    try:
        return from_amsterdam(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise click.BadParameter("geef een moment als 2026-12-07T07:30 (ISO 8601)", param_hint="--now") from None


async def notify(settings: Settings, now: datetime, *, digest: bool, say: Callable[[str], None]) -> SendReport:
    """Compose the digest when asked and due (``say`` tells what happened), then send what is due."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from casemgmt.audit.services import AuditLog
    from casemgmt.db import create_engine
    from casemgmt.knowledge.services import expire_overdue
    from casemgmt.mail.outbox import send_pending
    from casemgmt.mail.transport import SmtpTransport
    from casemgmt.reminders.digest import compose_digests
    from casemgmt.reminders.immediate import queue_immediate
    from casemgmt.reminders.rules import digest_moment
    from casemgmt.reminders.sweep import sweep
    from casemgmt.web.formatting import format_moment

    engine = create_engine(settings)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with sessions() as session, session.begin():  # the time-based notifications, then the e-mails wanted
            swept = await sweep(session, now)
            queued = await queue_immediate(
                session, now, base_url=settings.base_url, templates_dir=settings.templates_dir
            )
            expired = await expire_overdue(session, AuditLog(session, actor=None, request_id="notifications"), now)
        if swept.written or queued:
            say(f"Meldingen: {swept.written} nieuw; {queued} e-mail(s) direct in de wachtrij.")
        if expired:
            say(f"Kennisbank: {len(expired)} artikel(en) verlopen (niet gecontroleerd na de controledatum).")
        if digest:
            moment = digest_moment(now, settings.digest_time)
            if moment.due:
                async with sessions() as session, session.begin():
                    composed = await compose_digests(
                        session, now, base_url=settings.base_url, templates_dir=settings.templates_dir
                    )
                if composed.composed_before is not None:
                    say(
                        f"Dagoverzicht {composed.day.isoformat()} is al samengesteld "
                        f"({format_moment(composed.composed_before)})."
                    )
                else:
                    say(
                        f"Dagoverzicht {composed.day.isoformat()}: {composed.written} nieuw in de wachtrij, "
                        f"{composed.existing} stond er al."
                    )
            else:
                say(f"Geen dagoverzicht: {moment.reason}.")
        smtp = settings.smtp
        return await send_pending(
            sessions, now, transport=SmtpTransport(smtp) if smtp else None, mail_from=settings.mail_from
        )
    finally:
        await engine.dispose()


def _quiet(message: str) -> None:
    """The scheduler logs a digest composed and notifications written, not every minute that there is none (yet)."""
    if "nieuw in de wachtrij" in message or message.startswith(("Meldingen:", "Kennisbank:")):
        log.info(message)


def _counts(report: SendReport) -> tuple[int, int, int]:
    return report.sent, report.retried, report.failed


@dataclass
class Scheduler:
    thread: threading.Thread
    stopping: threading.Event

    def stop(self, timeout: float = 30.0) -> None:
        """Let the round under way finish, then end."""
        self.stopping.set()
        self.thread.join(timeout)


def start_scheduler(settings: Settings, interval: float = SCHEDULER_INTERVAL_SECONDS) -> Scheduler:
    """Run ``notify`` with the digest every ``interval`` seconds on a daemon thread of this process, until
    stopped. A failed round is logged and the next one runs as usual."""
    import anyio

    stop = threading.Event()

    def rounds() -> None:
        while not stop.is_set():
            try:
                report = anyio.run(lambda: notify(settings, datetime.now(UTC), digest=True, say=log.info))
                if report.attempted or report.errors:
                    log.info(
                        "Verzonden: %s, opnieuw later: %s, opgegeven: %s", report.sent, report.retried, report.failed
                    )
                for error in report.errors:
                    log.warning("Mislukt: %s", error)
            except Exception:  # a round that fails (database away) must not end the scheduler
                log.exception("notifications: de ronde is mislukt; over %s s opnieuw", interval)
            stop.wait(interval)

    thread = threading.Thread(target=rounds, name="casemgmt-notifications", daemon=True)
    thread.start()
    return Scheduler(thread, stop)


@click.group(name="notifications", help="Notification mails: the daily digest and the outbox.")
def notifications_group() -> None:
    pass


@notifications_group.command(
    name="send",
    help="Send the outbox's due mails; with --digest first compose the daily digest (on Dutch business days, from "
    "CASEMGMT_DIGEST_AT, once per person per day). Without CASEMGMT_SMTP_URL the mails stay in the outbox.",
)
@click.option("--digest", is_flag=True, help="Compose today's digests first (when it is time for them).")
@click.option("--now", "now_text", default=None, help="The moment to act as (ISO; no offset: Europe/Amsterdam).")
def notifications_send(digest: bool, now_text: str | None) -> None:
    try:
        now = parse_now(now_text)
    except click.BadParameter as exc:
        click.echo(f"Fout in --now: {exc.message}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    settings = cli_settings()

    async def main() -> SendReport:
        return await notify(settings, now, digest=digest, say=click.echo)

    report = run_or_exit(main)
    if settings.smtp is None:
        click.echo(
            f"Niet verzonden: geen SMTP ingesteld (CASEMGMT_SMTP_URL); {report.waiting} e-mail(s) wachten in de "
            "uitgaande mail (Beheer > Uitgaande mail)."
        )
        return
    click.echo(f"Verzonden: {report.sent}, opnieuw later: {report.retried}, opgegeven: {report.failed}.")
    for error in report.errors:
        click.echo(f"Mislukt: {error}", err=True)
    if report.retried or report.failed:
        sys.exit(EXIT_SEND_FAILED)

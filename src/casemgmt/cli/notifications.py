"""``casemgmt notifications send [--digest] [--now ISO]``: compose the daily digest (on business days, from
``CASEMGMT_DIGEST_AT``) and send the outbox's due mails. Safe to run at the same time on several hosts (each mail is
claimed by one sender, ``mail/outbox.py``), so cron, a systemd timer or a Kubernetes CronJob may run it every
minute on every node (docs/NOTIFICATIONS.md).

Exit codes: 0 when every attempt succeeded (or nothing was due); 1 when an SMTP attempt failed (the mail stays
queued and is retried with backoff; the failure is printed); 2 for bad input (``--now``)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from casemgmt.cli.support import EXIT_BAD_INPUT, cli_settings, run_or_exit

EXIT_SEND_FAILED = 1


def parse_now(text: str | None) -> datetime:
    """``--now``: an ISO moment; without an offset it is Europe/Amsterdam time."""
    from casemgmt.directory.calendar import from_amsterdam

    if text is None:
        return datetime.now(UTC)
    try:
        return from_amsterdam(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise click.BadParameter("geef een moment als 2026-12-07T07:30 (ISO 8601)", param_hint="--now") from None


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
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from casemgmt.db import create_engine
    from casemgmt.mail.outbox import SendReport, send_pending
    from casemgmt.mail.transport import SmtpTransport
    from casemgmt.reminders.digest import compose_digests
    from casemgmt.reminders.rules import digest_moment

    try:
        now = parse_now(now_text)
    except click.BadParameter as exc:
        click.echo(f"Fout in --now: {exc.message}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    settings = cli_settings()

    async def main() -> SendReport:
        engine = create_engine(settings)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        try:
            if digest:
                moment = digest_moment(now, settings.digest_time)
                if moment.due:
                    async with sessions() as session, session.begin():
                        composed = await compose_digests(
                            session, now, base_url=settings.base_url, templates_dir=settings.templates_dir
                        )
                    click.echo(
                        f"Dagoverzicht {composed.day.isoformat()}: {composed.written} nieuw in de wachtrij, "
                        f"{composed.existing} stond er al."
                    )
                else:
                    click.echo(f"Geen dagoverzicht: {moment.reason}.")
            smtp = settings.smtp
            return await send_pending(
                sessions, now, transport=SmtpTransport(smtp) if smtp else None, mail_from=settings.mail_from
            )
        finally:
            await engine.dispose()

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

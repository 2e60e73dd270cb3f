"""casemgmt's own commands: database, services, topics, departments, users, tokens, sessions, demo and run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from casemgmt.cli.support import EXIT_BAD_INPUT, cli_audit, cli_passwords, cli_settings, run_in_transaction
from casemgmt.errors import NotFound

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from casemgmt.settings import Settings


# -- database ---------------------------------------------------------------------------------------------------


@click.group(name="database", help="Database migrations (Alembic, in migrations/).")
def database_group() -> None:
    pass


@database_group.command(name="upgrade", help="Migrate the database to REVISION (default: head).")
@click.argument("revision", default="head")
def database_upgrade(revision: str) -> None:
    from casemgmt.db import upgrade

    upgrade(cli_settings(), revision)
    click.echo(f"Database gemigreerd naar {revision}.")


@database_group.command(name="downgrade", help="Migrate the database down to REVISION (e.g. -1 or base).")
@click.argument("revision", default="-1")
def database_downgrade(revision: str) -> None:
    from casemgmt.db import downgrade

    downgrade(cli_settings(), revision)
    click.echo(f"Database teruggezet naar {revision}.")


# -- services ---------------------------------------------------------------------------------------------------


@click.group(name="services", help="Municipal services (diensten).")
def services_group() -> None:
    pass


@services_group.command(
    name="load",
    help="Add the reference services KCC, SZW, OCW, DSO and DPZ that are missing (idempotent); an existing service "
    "is never changed, so edits made in Beheer > Diensten stay.",
)
def services_load() -> None:
    from casemgmt.directory.reference import load_reference_services

    created = run_in_transaction(load_reference_services)
    click.echo(f"Diensten geladen: {created} nieuw; bestaande diensten blijven zoals ze zijn.")


# -- topics and departments -------------------------------------------------------------------------------------


def _report(kind: str, report: object) -> None:
    from casemgmt.directory.catalogue import CatalogueReport

    assert isinstance(report, CatalogueReport)
    click.echo(
        f"{kind} geladen: {len(report.created)} nieuw, {len(report.updated)} bijgewerkt, "
        f"{len(report.unchanged)} ongewijzigd."
    )


@click.group(name="topics", help="Topics (onderwerpen) per service.")
def topics_group() -> None:
    pass


@topics_group.command(
    name="load",
    help="Load the topics of FILE (TOML, one table per service code; default: the project's directory/topics.toml). "
    "Loading again updates names by code; nothing is duplicated or deleted.",
)
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def topics_load(file: Path | None) -> None:
    from casemgmt.directory.catalogue import TOPICS_FILE, load_topics

    async def load(session: AsyncSession) -> object:
        return await load_topics(session, file or TOPICS_FILE)

    _report("Onderwerpen", run_in_transaction(load))


@click.group(name="departments", help="Departments (afdelingen) per service.")
def departments_group() -> None:
    pass


@departments_group.command(
    name="load",
    help="Load the departments of FILE (TOML, an array of tables per service code; default: the project's "
    "directory/departments.toml). Loading again updates phone and hours by name; nothing is duplicated.",
)
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def departments_load(file: Path | None) -> None:
    from casemgmt.directory.catalogue import DEPARTMENTS_FILE, load_departments

    async def load(session: AsyncSession) -> object:
        return await load_departments(session, file or DEPARTMENTS_FILE)

    _report("Afdelingen", run_in_transaction(load))


# -- users and tokens -------------------------------------------------------------------------------------------


def _read_password(from_stdin: bool) -> str:
    """One line of standard input (for scripts), or a hidden prompt asked twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True))


@click.group(name="users", help="Employee accounts.")
def users_group() -> None:
    pass


@users_group.command(name="create", help="Create an employee account.")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True, help="kcc_agent, casemanager, accountmanager, …")
@click.option("--service", "services", multiple=True, help="Service code, e.g. SZW (repeatable).")
@click.option("--phone", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(
    email: str,
    name: str,
    roles: tuple[str, ...],
    services: tuple[str, ...],
    phone: str,
    password_stdin: bool,
) -> None:
    from casemgmt.auth.passwords import MIN_PASSWORD_LENGTH
    from casemgmt.auth.services import Accounts

    password = _read_password(password_stdin)
    if len(password) < MIN_PASSWORD_LENGTH:
        click.echo(f"Fout in password: gebruik ten minste {MIN_PASSWORD_LENGTH} tekens", err=True)
        sys.exit(EXIT_BAD_INPUT)

    async def create(session: AsyncSession) -> Any:
        accounts = Accounts(session, cli_passwords())
        user = await accounts.create_user(
            email=email, name=name, roles=list(roles), service_codes=list(services), phone=phone, password=password
        )
        return user.id, user.email

    user_id, user_email = run_in_transaction(create)
    click.echo(f"Gebruiker {user_email} aangemaakt (id {user_id}).")


@users_group.command(name="set-password", help="Set an employee's password (e.g. for an imported, inactive account).")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--activate", is_flag=True, help="Also make an inactive account active.")
def users_set_password(email: str, password_stdin: bool, activate: bool) -> None:
    from casemgmt.organisation.users import set_password, user_by_email

    password = _read_password(password_stdin)

    async def update(session: AsyncSession) -> tuple[str, bool]:
        user = await user_by_email(session, email)
        if user is None:
            raise NotFound(f"Geen gebruiker met e-mailadres {email}")
        audit = cli_audit(session)
        await set_password(session, audit, cli_passwords(), user, password, activate=activate)
        return user.email, user.is_active

    user_email, active = run_in_transaction(update)
    click.echo(f"Wachtwoord van {user_email} ingesteld{'' if active else ' (account is niet actief)'}.")


NO_MAXIMUM = ("geen", "none", "null")


@users_group.command(name="set-caseload", help="Set a casemanager's maximum caseload (recorded in the audit log).")
@click.option("--email", required=True)
@click.option("--max", "maximum", required=True, help="A whole number of at least 1, or 'geen' for no maximum.")
def users_set_caseload(email: str, maximum: str) -> None:
    from casemgmt.organisation.users import set_max_caseload, user_by_email

    value: object = maximum
    if maximum.strip().lower() in NO_MAXIMUM:
        value = None
    elif maximum.strip().lstrip("-").isdigit():
        value = int(maximum)

    async def update(session: AsyncSession) -> tuple[str, int | None]:
        user = await user_by_email(session, email)
        if user is None:
            raise NotFound(f"Geen gebruiker met e-mailadres {email}")
        audit = cli_audit(session)
        await set_max_caseload(session, audit, user, value, via="casemgmt users set-caseload")
        return user.email, user.max_caseload

    user_email, cap = run_in_transaction(update)
    shown = "geen maximum" if cap is None else f"maximaal {cap} dossiers"
    click.echo(f"Caseload van {user_email}: {shown}.")


@users_group.command(name="coordinator", help="Make an employee a coordinator of a service (or no longer, --remove).")
@click.argument("email")
@click.option("--service", "service", required=True, help="Service code, e.g. SZW.")
@click.option("--remove", is_flag=True, help="No longer a coordinator of the service.")
def users_coordinator(email: str, service: str, remove: bool) -> None:
    from casemgmt.organisation.coordinators import set_coordinator
    from casemgmt.organisation.users import user_by_email

    async def update(session: AsyncSession) -> tuple[str, bool]:
        user = await user_by_email(session, email)
        if user is None:
            raise NotFound(f"Geen gebruiker met e-mailadres {email}")
        changed = await set_coordinator(session, cli_audit(session), user, service, remove=remove)
        return user.email, changed

    user_email, changed = run_in_transaction(update)
    code = service.strip().upper()
    if remove:
        click.echo(f"{user_email} is geen coordinator van {code}{'' if changed else ' (was het al niet)'}.")
    else:
        click.echo(f"{user_email} is coordinator van {code}{'' if changed else ' (was het al)'}.")


@click.group(name="tokens", help="Personal API tokens.")
def tokens_group() -> None:
    pass


@tokens_group.command(name="create", help="Create a personal API token; it is printed once, only its hash is kept.")
@click.option("--email", required=True)
@click.option("--name", "label", default="", help="A label for the token.")
def tokens_create(email: str, label: str) -> None:
    from casemgmt.auth.services import Accounts

    async def create(session: AsyncSession) -> str:
        return await Accounts(session, cli_passwords()).create_token(email, label)

    click.echo(run_in_transaction(create))


@click.group(name="sessions", help="Login sessions.")
def sessions_group() -> None:
    pass


@sessions_group.command(name="prune", help="Remove expired sessions and expired submission keys (idempotency).")
def sessions_prune() -> None:
    from casemgmt.auth.sessions import prune_expired_sessions
    from casemgmt.web.idempotency import prune_expired_keys

    removed = run_in_transaction(prune_expired_sessions)
    click.echo(f"{removed} verlopen sessie(s) verwijderd.")
    keys = run_in_transaction(prune_expired_keys)
    click.echo(f"{keys} verlopen verzendsleutel(s) verwijderd.")


# -- demo -------------------------------------------------------------------------------------------------------


DEMO_SCHEDULER_SECONDS = 10.0
"""How often the demo runs ``notifications send --digest`` in its own process (``run --scheduler``: every minute)."""


@click.command(name="demo", help="Create or update the demo municipality on SQLite and serve it.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Only prepare the demo database.")
def demo(host: str, port: int, no_serve: bool) -> None:
    from casemgmt.db import upgrade
    from casemgmt.synthetic.demo import DEMO_PASSWORD, load_demo

    settings = cli_settings()
    upgrade(settings)
    users = run_in_transaction(lambda session: load_demo(session, cli_passwords()))
    click.echo("Demogemeente klaar. Inloggen met (wachtwoord voor iedereen: " + DEMO_PASSWORD + "):")
    for email, role in users:
        click.echo(f"  {role:<15} {email}")
    if no_serve:
        return
    import uvicorn

    from casemgmt.cli.notifications import start_scheduler

    # one node: the notifications run in this process, often enough that the outbox shows an escalation's mail
    # (Beheer > Uitgaande mail) a few seconds after it was made
    start_scheduler(settings, interval=DEMO_SCHEDULER_SECONDS)
    click.echo(f"casemgmt draait op http://{host}:{port}")
    # By import string, like ``run``: the app is built from the same CASEMGMT_* settings (demo mode).
    uvicorn.run("casemgmt.app:create_app", factory=True, host=host, port=port, **server_options(settings))


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for ``run`` and ``demo``: uvloop and httptools (installed with ``uvicorn[standard]``; named,
    so a missing one fails at start instead of silently falling back), start-up messages at info level and the
    access log only when ``CASEMGMT_ACCESS_LOG`` asks for it."""
    return {"loop": "uvloop", "http": "httptools", "log_level": "info", "access_log": settings.access_log}


@click.command(name="run", help="Serve casemgmt with uvicorn (production: set CASEMGMT_SECRET_KEY).")
@click.option("--host", default=None, help="Interface to listen on (default CASEMGMT_HOST, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default CASEMGMT_PORT, 8000).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option(
    "--scheduler",
    is_flag=True,
    help="Also compose the daily digest and send the outgoing mail every minute in this process (one node; "
    "elsewhere run 'casemgmt notifications send --digest' from cron).",
)
def run(host: str | None, port: int | None, workers: int, scheduler: bool) -> None:
    """Every worker builds its own app from the same settings; the app keeps no state in memory. The scheduler runs
    on a thread of the main process, once however many workers serve."""
    import uvicorn

    from casemgmt.settings import SettingsError

    settings = cli_settings()
    try:
        settings.require_secret_key()
    except SettingsError as exc:
        click.echo(f"casemgmt start niet: {exc}", err=True)
        sys.exit(1)
    if scheduler:
        from casemgmt.cli.notifications import start_scheduler

        start_scheduler(settings)
        click.echo("Meldingen: dagoverzicht en uitgaande mail elke minuut (--scheduler).")
    uvicorn.run(
        "casemgmt.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        **server_options(settings),
    )

"""``casemgmt pilots …``: loading the pilot definitions (TOML files in ``pilots/``).

Registered in ``casemgmt.cli.CasemgmtCLIPlugin``. Exit code 2 when any file is invalid (the valid ones are loaded,
an invalid one loads nothing), naming file, line, field and reason for each problem.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from casemgmt.cli.support import EXIT_BAD_INPUT, cli_audit, run_in_transaction

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from casemgmt.pilots.definitions import LoadReport


@click.group(name="pilots", help="Pilots: definitions in pilots/*.toml.")
def pilots_group() -> None:
    pass


@pilots_group.command(
    name="load",
    help="Load the pilot files of LOCATION (a folder of *.toml files or one file; default: the project's pilots/). "
    "Loading again updates each pilot by slug; nothing is duplicated.",
)
@click.argument("location", required=False, type=click.Path(exists=True, path_type=Path))
def pilots_load(location: Path | None) -> None:
    from casemgmt.pilots.definitions import load_pilots
    from casemgmt.settings import PROJECT_ROOT

    where = location or PROJECT_ROOT / "pilots"

    async def load(session: AsyncSession) -> LoadReport:
        return await load_pilots(session, where, cli_audit(session))

    report = run_in_transaction(load)
    for slug in report.created:
        click.echo(f"Pilot {slug} aangemaakt.")
    for slug in report.updated:
        click.echo(f"Pilot {slug} bijgewerkt.")
    for slug in report.unchanged:
        click.echo(f"Pilot {slug} ongewijzigd.")
    if report.errors:
        for error in report.errors:
            click.echo(f"Fout in {error}", err=True)
        if report.invalid_files:
            click.echo(f"Niet geladen: {', '.join(report.invalid_files)}.", err=True)
        sys.exit(EXIT_BAD_INPUT)

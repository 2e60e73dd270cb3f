"""``casemgmt generate`` and ``casemgmt dossiers export|import``: the synthetic municipality and dossier exchange.

Registered in ``casemgmt.cli.CasemgmtCLIPlugin`` (``generate_command`` and ``dossiers_group``). Progress goes to
standard error (a rich progress bar), results to standard output. Invalid input — an invalid import line, an unknown
pilot, a period running backwards — prints every problem in Dutch and exits with code 2, writing nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import click

from casemgmt.cli.support import EXIT_BAD_INPUT, cli_audit, cli_settings, count_lines, run_or_exit, transaction

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress

    from casemgmt.exchange.importer import ImportReport
    from casemgmt.synthetic.generator import GenerateReport


def _progress() -> RichProgress:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is geen datum; gebruik jjjj-mm-dd.") from None


# ------------------------------------------------------------------------------------------------ generate


@click.command(
    name="generate",
    help="Fill the configured database with a synthetic municipality (deterministic per seed), by bulk inserts.",
)
@click.option("--size", type=click.Choice(["small", "medium", "large"]), default="medium", show_default=True)
@click.option("--seed", type=int, default=2013, show_default=True)
@click.option(
    "--pilot-dossiers",
    type=click.IntRange(min=0),
    default=400,
    show_default=True,
    help="Dossiers enrolled in the pilot.",
)
@click.option("--pilot", "pilot_slug", default=None, help="Pilot slug (default: the first pilot, loaded from pilots/).")
@click.option(
    "--as-of", callback=_date, default=None, help="The history ends at 00:00 UTC of this date (default: today)."
)
def generate_command(size: str, seed: int, pilot_dossiers: int, pilot_slug: str | None, as_of: date | None) -> None:
    from casemgmt.synthetic.generator import Progress, generate

    settings = cli_settings()

    class Bar(Progress):
        def __init__(self, rich: RichProgress) -> None:
            self.rich = rich
            self.task: Any = None

        def phase(self, description: str, total: int) -> None:
            if self.task is not None:
                self.rich.update(self.task, completed=self.rich.tasks[-1].total)
            self.task = self.rich.add_task(description, total=total)

        def advance(self, amount: int = 1) -> None:
            if self.task is not None:
                self.rich.advance(self.task, amount)

    async def main() -> GenerateReport:
        with _progress() as rich:
            async with transaction(settings) as session:
                return await generate(
                    session, size, seed=seed, pilot_dossiers=pilot_dossiers, pilot_slug=pilot_slug, as_of=as_of,
                    progress=Bar(rich),
                )  # fmt: skip

    started = time.perf_counter()
    report = run_or_exit(main)
    elapsed = time.perf_counter() - started
    click.echo(report.summary())
    if report.pilot:
        click.echo(f"Pilot {report.pilot}: {report.pilot_dossiers} dossiers ingedeeld.")
    click.echo(f"Klaar in {elapsed:.1f} s.")


# ------------------------------------------------------------------------------------------------ dossiers


@click.group(name="dossiers", help="Dossiers: export and import as JSON Lines (one dossier per line).")
def dossiers_group() -> None:
    pass


@dossiers_group.command(name="export", help="Export dossiers to FILE as JSON Lines ('-' for standard output).")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--pilot", default=None, help="Only the dossiers enrolled in this pilot (slug).")
@click.option("--from", "date_from", callback=_date, default=None, help="Opened on or after this date (jjjj-mm-dd).")
@click.option("--to", "date_to", callback=_date, default=None, help="Opened on or before this date (jjjj-mm-dd).")
def dossiers_export(file: Path, pilot: str | None, date_from: date | None, date_to: date | None) -> None:
    from casemgmt.exchange.export import DossierExport, ExportFilter, record_export

    settings = cli_settings()
    filters = ExportFilter(pilot=pilot, date_from=date_from, date_to=date_to)
    to_stdout = str(file) == "-"

    async def main() -> int:
        written = 0
        async with transaction(settings) as session:
            export = DossierExport(session, filters)
            await export.prepare()
            total = await export.count()
            out = sys.stdout if to_stdout else file.open("w", encoding="utf-8", newline="\n")
            try:
                with _progress() as rich:
                    task = rich.add_task("Exporteren", total=total)
                    async for line in export.lines():
                        out.write(line)
                        out.write("\n")
                        written += 1
                        rich.advance(task)
            finally:
                if not to_stdout:
                    out.close()
            await record_export(cli_audit(session), export, "casemgmt dossiers export")
        return written

    started = time.perf_counter()
    written = run_or_exit(main)
    elapsed = time.perf_counter() - started
    where = "standaarduitvoer" if to_stdout else str(file)
    click.echo(f"{written} dossier(s) geëxporteerd naar {where} ({elapsed:.1f} s).", err=to_stdout)


def _binary_lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from handle


@dossiers_group.command(
    name="import",
    help="Import dossiers from a JSON Lines FILE. All or nothing: any invalid line → every problem listed, nothing "
    "written, exit code 2.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--create-users", is_flag=True, help="Create unknown employees as inactive accounts (roles implied by the file)."
)
def dossiers_import(file: Path, create_users: bool) -> None:
    from casemgmt.exchange.importer import DossierImportRejected, import_dossiers

    settings = cli_settings()
    total = count_lines(file)

    async def main() -> ImportReport:
        with _progress() as rich:
            task = rich.add_task("Importeren", total=total)

            def progress(line: int) -> None:
                rich.update(task, completed=line)

            async with transaction(settings) as session:
                return await import_dossiers(
                    session,
                    _binary_lines(file),
                    create_users=create_users,
                    audit=cli_audit(session),
                    source=file.name,
                    progress=progress,
                )

    started = time.perf_counter()
    try:
        report = anyio.run(main)
    except DossierImportRejected as exc:
        for error in exc.report.errors:
            click.echo(f"Fout op {error}", err=True)
        click.echo(exc.message, err=True)
        sys.exit(EXIT_BAD_INPUT)
    elapsed = time.perf_counter() - started
    click.echo(f"{report.summary()} ({elapsed:.1f} s)")

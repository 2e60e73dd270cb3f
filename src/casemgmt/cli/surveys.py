"""``casemgmt surveys import FILE [--skip-invalid]``: bulk import of a survey agency's CSV, with a progress bar.

Registered in ``casemgmt.cli.CasemgmtCLIPlugin``. All-or-nothing by default: any invalid row → every invalid line is
listed (line, field, reason), nothing is written, exit code 2. With ``--skip-invalid`` the valid rows are imported
and the invalid ones listed (exit code 0).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
import click

from casemgmt.cli.support import EXIT_BAD_INPUT, cli_audit, cli_settings, count_lines, transaction

if TYPE_CHECKING:
    from casemgmt.surveys.importer import ImportReport


@click.group(name="surveys", help="Satisfaction surveys (tevredenheidsmetingen).")
def surveys_group() -> None:
    pass


def _print_errors(report: ImportReport) -> None:
    for error in report.errors:
        where = f"regel {error.line}" if error.line else "bestand"
        field = f", {error.field}" if error.field else ""
        click.echo(f"Fout op {where}{field}: {error.message}", err=True)


@surveys_group.command(name="import", help="Import survey responses from a CSV FILE (the survey contract of issue 5).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and report the invalid ones.")
def surveys_import(file: Path, skip_invalid: bool) -> None:
    from casemgmt.errors import DomainError
    from casemgmt.surveys.csv_format import parse_survey_csv
    from casemgmt.surveys.importer import SurveyImportRejected, import_survey_rows

    settings = cli_settings()
    total = count_lines(file)
    started = time.perf_counter()

    with click.progressbar(length=total, label="Importeren", file=sys.stderr, show_pos=True) as bar:
        position = {"line": 0}

        def progress(line: int) -> None:
            bar.update(max(0, line - position["line"]))
            position["line"] = max(position["line"], line)

        async def main() -> ImportReport:
            async with transaction(settings) as session:
                with file.open(encoding="utf-8-sig", newline="") as handle:
                    return await import_survey_rows(
                        session,
                        parse_survey_csv(handle),
                        skip_invalid=skip_invalid,
                        audit=cli_audit(session),
                        source=file.name,
                        progress=progress,
                    )

        try:
            report = anyio.run(main)
        except SurveyImportRejected as exc:
            bar.render_finish()
            _print_errors(exc.report)
            click.echo(exc.message, err=True)
            sys.exit(EXIT_BAD_INPUT)
        except DomainError as exc:
            bar.render_finish()
            click.echo(f"Fout: {exc.message}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        bar.update(total)

    elapsed = time.perf_counter() - started
    _print_errors(report)
    skipped = f"; {report.invalid_lines} ongeldige regel(s) overgeslagen" if report.errors else ""
    click.echo(
        f"{report.imported} enquêteantwoorden geïmporteerd uit {file.name}{skipped} "
        f"({elapsed:.1f} s, {report.rows / elapsed if elapsed else 0:,.0f} regels/s)."
    )

"""The ``casemgmt`` command line run against the test database (shared by the CLI tests).

``run`` invokes the very click group that the ``casemgmt`` entry point starts, in this process and with the
environment that entry point prepares; that costs a fraction of a new Python process per call. It runs on a thread of
its own because commands start their own event loop and the calling test already runs in one. The few tests that are
about the process itself (``casemgmt run`` serving, the demo's first start) use ``CASEMGMT`` as a real process.
"""

from __future__ import annotations

import os
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from casemgmt.__main__ import command_environment

CASEMGMT = str(Path(sys.executable).with_name("casemgmt"))


@dataclass(frozen=True)
class Outcome:
    """What a finished command left: its exit code and what it printed on each stream."""

    returncode: int
    stdout: str
    stderr: str


def run(settings, *args: str, stdin: str = "", extra_env: dict[str, str] | None = None) -> Outcome:  # type: ignore[no-untyped-def]
    from litestar.cli.main import litestar_group

    env: dict[str, str | None] = {
        "CASEMGMT_DATABASE_URL": settings.database_url,
        "CASEMGMT_MODE": "test",
        "CASEMGMT_SECRET_KEY": None,
        **(extra_env or {}),
    }
    visible = dict(os.environ)
    for key, value in env.items():
        if value is None:
            visible.pop(key, None)
        else:
            visible[key] = value
    env.update(command_environment(args, visible))
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(
            CliRunner().invoke, litestar_group, list(args), input=stdin, env=env, catch_exceptions=True
        ).result(timeout=300)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return Outcome(result.exit_code, result.stdout, stderr)

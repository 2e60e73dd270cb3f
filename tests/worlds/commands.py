"""The ``casemgmt`` command line run as a real process against the test database (shared by the CLI tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CASEMGMT = str(Path(sys.executable).with_name("casemgmt"))


def run(settings, *args: str, stdin: str = "", extra_env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "CASEMGMT_DATABASE_URL": settings.database_url,
        "CASEMGMT_MODE": "test",
        **(extra_env or {}),
    }
    env.pop("CASEMGMT_SECRET_KEY", None)
    return subprocess.run(
        [CASEMGMT, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120, check=False
    )

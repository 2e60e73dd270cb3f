"""``casemgmt``: Litestar's CLI with the app preset, so ``casemgmt run``, ``casemgmt database upgrade`` and our own
groups (``users``, ``services``, ``tokens``, ``sessions``, ``demo``) are one tool."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping, Sequence

SERVING_COMMANDS = {"run"}
APP_FACTORY = "casemgmt.app:create_app"


def _subcommand(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def asks_help(argv: Sequence[str]) -> bool:
    return bool({"--help", "-h"} & set(argv))


def command_environment(argv: Sequence[str], environ: Mapping[str, str]) -> dict[str, str]:
    """The settings a command adds to its environment: ``demo`` runs in demo mode, and administrative commands serve
    no requests, so they get a throw-away CSRF secret when none is set (``run`` still needs a real one, except to
    print its help)."""
    command = _subcommand(argv)
    added = {"LITESTAR_APP": environ.get("LITESTAR_APP", APP_FACTORY)}
    if command == "demo":
        added["CASEMGMT_MODE"] = "demo"
    elif (command not in SERVING_COMMANDS or asks_help(argv)) and not environ.get("CASEMGMT_SECRET_KEY"):
        added["CASEMGMT_SECRET_KEY"] = secrets.token_hex(32)
    return added


def main() -> None:
    argv = sys.argv[1:]
    os.environ.update(command_environment(argv, os.environ))
    if _subcommand(argv) in SERVING_COMMANDS and not asks_help(argv):
        from casemgmt.settings import Settings, SettingsError

        try:
            Settings().require_secret_key()
        except SettingsError as exc:
            sys.exit(f"casemgmt start niet: {exc}")
    from litestar.cli.main import litestar_group

    litestar_group()


if __name__ == "__main__":
    main()

"""``casemgmt``: Litestar's CLI with the app preset, so ``casemgmt run``, ``casemgmt database upgrade`` and our own
groups (``users``, ``services``, ``tokens``, ``sessions``, ``demo``) are one tool."""

from __future__ import annotations

import os
import secrets
import sys

SERVING_COMMANDS = {"run"}


def _subcommand(argv: list[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def main() -> None:
    command = _subcommand(sys.argv[1:])
    if command == "demo":
        os.environ["CASEMGMT_MODE"] = "demo"
    if command in SERVING_COMMANDS:
        from casemgmt.settings import Settings, SettingsError

        try:
            Settings().require_secret_key()
        except SettingsError as exc:
            sys.exit(f"casemgmt start niet: {exc}")
    elif command != "demo" and not os.environ.get("CASEMGMT_SECRET_KEY"):
        # Administrative commands serve no requests, so they need no CSRF secret; `run` still refuses to start.
        os.environ["CASEMGMT_SECRET_KEY"] = secrets.token_hex(32)
    os.environ.setdefault("LITESTAR_APP", "casemgmt.app:create_app")
    from litestar.cli.main import litestar_group

    litestar_group()


if __name__ == "__main__":
    main()

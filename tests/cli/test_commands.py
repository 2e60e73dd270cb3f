"""The ``casemgmt`` command line, run as a real process against the test database."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from sqlalchemy import func, select

from casemgmt.auth.models import ApiToken, User
from casemgmt.directory.models import Service
from tests.worlds.commands import CASEMGMT, run

pytestmark = pytest.mark.anyio


async def test_help_lists_the_commands(migrated) -> None:
    result = run(migrated, "--help")
    assert result.returncode == 0
    for command in ("run", "database", "services", "users", "tokens", "sessions", "demo", "generate", "dossiers"):
        assert command in result.stdout


async def test_services_load_is_idempotent(app, migrated, db) -> None:
    first = run(migrated, "services", "load")
    second = run(migrated, "services", "load")
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    async with db() as session:
        codes = (await session.scalars(select(Service.code).order_by(Service.code))).all()
    assert codes == ["DPZ", "DSO", "KCC", "OCW", "SZW"]


async def test_users_create_and_token(app, migrated, db, client) -> None:
    result = run(
        migrated,
        "users",
        "create",
        "--email",
        "Sanne@Gemeente.nl",
        "--name",
        "Sanne Smit",
        "--role",
        "accountmanager",
        "--role",
        "casemanager",
        "--service",
        "SZW",
        "--service",
        "ocw",
        "--phone",
        "070 353 2000",
        "--password-stdin",
        stdin="een-lang-wachtwoord\n",
    )
    assert result.returncode == 0, result.stderr
    token = run(migrated, "tokens", "create", "--email", "sanne@gemeente.nl", "--name", "script")
    assert token.returncode == 0, token.stderr
    value = token.stdout.strip().splitlines()[-1]
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {value}"})
    assert me.json()["services"] == ["OCW", "SZW"]
    assert me.json()["roles"] == ["casemanager", "accountmanager"]
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(ApiToken)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "wizard"], "Onbekende rol"),
        (["--role", "accountmanager", "--service", "XYZ"], "Onbekende dienst"),
        (["--role", "accountmanager"], "ten minste één dienst"),
    ],
)
async def test_users_create_refuses_bad_input(app, migrated, db, args, message) -> None:
    result = run(
        migrated,
        "users",
        "create",
        "--email",
        "x@gemeente.nl",
        "--name",
        "X",
        *args,
        "--password-stdin",
        stdin="een-lang-wachtwoord\n",
    )
    assert result.returncode == 2
    assert message in result.stderr
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0


async def test_sessions_prune(app, migrated) -> None:
    result = run(migrated, "sessions", "prune")
    assert result.returncode == 0
    assert "verlopen sessie" in result.stdout
    assert "0 verlopen verzendsleutel(s) verwijderd." in result.stdout


def test_run_refuses_without_secret_key_in_production(tmp_path) -> None:
    env = {**os.environ, "CASEMGMT_MODE": "production"}
    env.pop("CASEMGMT_SECRET_KEY", None)
    result = subprocess.run([CASEMGMT, "run"], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode != 0
    assert "CASEMGMT_SECRET_KEY" in result.stderr
    helped = subprocess.run(
        [CASEMGMT, "run", "--help"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert helped.returncode == 0, helped.stderr  # asking how to start needs no secret
    assert "--port" in helped.stdout


def test_run_serves_with_several_workers(migrated) -> None:
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "CASEMGMT_DATABASE_URL": migrated.database_url,
        "CASEMGMT_MODE": "production",
        "CASEMGMT_SECRET_KEY": "k" * 32,
    }
    server = subprocess.Popen(
        [CASEMGMT, "run", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    assert json.loads(response.read()) == {"status": "ok", "database": "ok"}
                    break
            except OSError:
                assert time.monotonic() < deadline, server.stderr.read() if server.poll() is not None else "no answer"
                time.sleep(0.3)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "Started parent process" in stderr or stderr.count("Started server process") >= 2


async def test_users_set_password_activates_an_imported_account(app, migrated, make_user, db, client) -> None:
    from casemgmt.audit.models import AuditEvent
    from tests.worlds.personas import login

    person = await make_user("casemanager", active=False)
    short = run(migrated, "users", "set-password", "--email", person.email, "--password-stdin", stdin="kort\n")
    assert short.returncode == 2 and "ten minste 10 tekens" in short.stderr
    unknown = run(migrated, "users", "set-password", "--email", "x@y.nl", "--password-stdin", stdin="lang-genoeg-1\n")
    assert unknown.returncode == 2 and "Geen gebruiker" in unknown.stderr

    result = run(
        migrated, "users", "set-password", "--email", person.email, "--activate", "--password-stdin",
        stdin="een-nieuw-wachtwoord\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (await login(client, person.email, "een-nieuw-wachtwoord")).status_code == 303
    async with db() as session:
        detail = await session.scalar(
            select(AuditEvent.detail).where(AuditEvent.object_type == "user", AuditEvent.object_id == str(person.id))
        )
    assert detail == "wachtwoord opnieuw ingesteld, account geactiveerd"
    assert "een-nieuw-wachtwoord" not in detail

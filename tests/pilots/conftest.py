"""Fixtures for the pilot tests: a pilot file's text, loading it, dossiers in the pilot's services, API personas."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.pilots.definitions import load_pilots
from casemgmt.pilots.models import Pilot
from casemgmt.pilots.services import today
from tests.worlds.personas import Person


def toml_value(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


def pilot_text(**overrides: Any) -> str:
    """A valid pilot file running from a month ago to a year from now; ``key=None`` leaves a key out."""
    start = today() - timedelta(days=30)
    values: dict[str, Any] = {
        "slug": "proef",
        "name": "Proefpilot",
        "description": "Een pilot voor de tests.",
        "start": start.isoformat(),
        "end": (start + timedelta(days=400)).isoformat(),
        "services": ["SZW", "OCW"],
        "caseload_cap": 25,
        "assignment": "random",
        "random_seed": 2026,
        "pilot_share": 0.5,
        "primary_outcome": "resolved_share",
    }
    values.update(overrides)
    lines = []
    for key, value in values.items():
        if value is None:
            continue
        if key in ("start", "end") and isinstance(value, str) and value[:1].isdigit():
            lines.append(f"{key} = {value}")  # a TOML date
        else:
            lines.append(f"{key} = {toml_value(value)}")
    lines += [
        "",
        "[rates]",
        "casemanager = 78.0",
        "accountmanager = 72.0",
        "kcc_agent = 55",
        "",
        "[[fixed_costs]]",
        'label = "Training"',
        "amount = 12000",
        "",
        "[[fixed_costs]]",
        'label = "Coördinator"',
        "amount = 8000.50",
        "",
        "[targets]",
        "satisfied_share = 0.90",
        "resolved_in_one_go_share = 0.80",
        "on_time_share = 0.80",
        "",
    ]
    return "\n".join(lines)


@pytest.fixture
def load_pilot(db, tmp_path: Path) -> Callable[..., Awaitable[Pilot]]:
    """``await load_pilot(assignment="manual", random_seed=None, …)`` writes a pilot file and loads it."""

    async def factory(**overrides: Any) -> Pilot:
        text = pilot_text(**overrides)
        path = tmp_path / f"{overrides.get('slug', 'proef')}.toml"
        path.write_text(text, encoding="utf-8")
        async with db() as session, session.begin():
            report = await load_pilots(session, path)
            assert not report.errors, [str(e) for e in report.errors]
            return (await session.scalars(select(Pilot).where(Pilot.slug == overrides.get("slug", "proef")))).one()

    return factory


@pytest.fixture
def employee(make_user, make_token) -> Callable[..., Awaitable[tuple[Person, dict[str, str]]]]:
    """``await employee("casemanager")`` → (person, bearer headers)."""

    async def factory(*roles: str, services: list[str] | None = None) -> tuple[Person, dict[str, str]]:
        person = await make_user(*roles, services=services)
        return person, await make_token(person)

    return factory


@pytest.fixture
def audit_events(db) -> Callable[..., Awaitable[list[AuditEvent]]]:
    async def fetch(object_type: str | None = None) -> list[AuditEvent]:
        async with db() as session:
            query = select(AuditEvent).order_by(AuditEvent.id)
            if object_type:
                query = query.where(AuditEvent.object_type == object_type)
            return list((await session.scalars(query)).all())

    return fetch

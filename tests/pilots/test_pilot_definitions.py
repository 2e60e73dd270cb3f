"""Pilot files: validation errors naming file, line, field and reason; loading by slug (idempotent, updating)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.pilots.definitions import (
    DefinitionError,
    ParsedPilot,
    field_name,
    key_line,
    load_pilots,
    parse_pilot_text,
    read_pilot_file,
)
from casemgmt.pilots.models import Pilot, PilotEnrolment
from casemgmt.settings import PROJECT_ROOT
from tests.factories import create_client, create_dossier
from tests.pilots.conftest import pilot_text

pytestmark = pytest.mark.anyio

EXAMPLE = PROJECT_ROOT / "pilots" / "multiservice-szw-ocw-dso.toml"


def errors_of(text: str, file: str = "p.toml") -> list[DefinitionError]:
    result = parse_pilot_text(text, file)
    assert isinstance(result, list), "expected validation errors"
    return result


def line_of(text: str, starts_with: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(starts_with))


# ------------------------------------------------------------------------------------------------ the example


def test_the_shipped_example_is_valid_and_realistic():
    parsed = read_pilot_file(EXAMPLE)
    assert isinstance(parsed, ParsedPilot), [str(e) for e in parsed]  # type: ignore[union-attr]
    d = parsed.definition
    assert d.slug == "multiservice-szw-ocw-dso"
    assert d.service_codes == ["DSO", "OCW", "SZW"]
    assert (d.caseload_cap, d.assignment, d.pilot_share) == (25, "random", 0.5)
    assert d.random_seed is not None
    assert d.start.year == 2026 and d.end >= d.start
    assert d.rates["casemanager"] == 78 and d.rates["accountmanager"] == 72 and d.rates["kcc_agent"] == 55
    assert {c.label for c in d.fixed_costs} >= {"Opleiding casemanagers (training regie en gespreksvoering)"}
    assert d.targets["satisfied_share"] == 0.90
    assert d.targets["resolved_in_one_go_share"] == 0.80
    assert d.targets["on_time_share"] == 0.80
    assert d.primary_outcome in ("resolved_share", "satisfied_share", "kept_promises_share")


# ------------------------------------------------------------------------------------------------ validation


def test_each_bad_field_is_named_with_its_line_and_reason():
    text = (
        pilot_text(caseload_cap=0, pilot_share=1.5, primary_outcome="geluk")
        .replace("casemanager = 78.0", "casemanager = 78.0\nbaas = 100")
        .replace("amount = 8000.50", "amount = -5")
        .replace("satisfied_share = 0.90", "tevreden = 0.9")
    )
    errors = {e.field: e for e in errors_of(text, "pilots/proef.toml")}
    assert set(errors) == {
        "caseload_cap",
        "pilot_share",
        "primary_outcome",
        "rates.baas",
        "fixed_costs[2].amount",
        "targets.tevreden",
    }
    assert all(e.file == "pilots/proef.toml" for e in errors.values())
    assert errors["caseload_cap"].line == line_of(text, "caseload_cap")
    assert "minstens 1" in errors["caseload_cap"].message
    assert errors["pilot_share"].line == line_of(text, "pilot_share")
    assert "kleiner dan 1" in errors["pilot_share"].message
    assert "'resolved_share'" in errors["primary_outcome"].message
    assert errors["rates.baas"].line == line_of(text, "baas")
    assert "casemanager" in errors["rates.baas"].message
    # the second [[fixed_costs]] block's amount, on its own line (not the first block's)
    amount_lines = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("amount")]
    assert errors["fixed_costs[2].amount"].line == amount_lines[1]
    assert "minstens 0" in errors["fixed_costs[2].amount"].message
    assert errors["targets.tevreden"].line == line_of(text, "tevreden")
    assert str(errors["caseload_cap"]).startswith(f"pilots/proef.toml:{line_of(text, 'caseload_cap')}: caseload_cap: ")


def test_cross_field_rules():
    text = pilot_text(start="2026-06-01", end="2026-05-31", assignment="manual")
    errors = {e.field: e for e in errors_of(text)}
    assert set(errors) == {"end", "random_seed", "pilot_share"}
    assert "vóór de startdatum" in errors["end"].message
    assert errors["end"].line == line_of(text, "end")
    assert "alleen bij assignment" in errors["random_seed"].message

    missing = {e.field for e in errors_of(pilot_text(random_seed=None, pilot_share=None))}
    assert missing == {"random_seed", "pilot_share"}
    twice = errors_of(pilot_text(services=["SZW", "szw"]))
    assert [(e.field, e.line) for e in twice] == [("services[2]", line_of(pilot_text(), "services"))]


def test_missing_unknown_and_mistyped_fields():
    text = pilot_text(slug="Mijn Pilot", name=None, caseload_cap="25", kleur="blauw")
    errors = {e.field: e for e in errors_of(text)}
    assert set(errors) == {"slug", "name", "caseload_cap", "kleur"}
    assert "kleine letters" in errors["slug"].message
    assert "verplicht" in errors["name"].message and errors["name"].line is None
    assert "geheel getal" in errors["caseload_cap"].message
    assert errors["kleur"].message == "onbekend veld."


def test_toml_syntax_errors_carry_their_line():
    text = pilot_text().replace("caseload_cap = 25", "caseload_cap = = 25")
    [error] = errors_of(text)
    assert error.line == line_of(text, "caseload_cap")
    assert error.message.startswith("geen geldige TOML")


def set_line(text: str, key: str, raw: str) -> str:
    return "\n".join(f"{key} = {raw}" if line.startswith(f"{key} =") else line for line in text.splitlines())


def test_dates_may_be_written_as_text():
    text = set_line(set_line(pilot_text(), "start", '"2026-01-05"'), "end", '"2026-12-18"')
    parsed = parse_pilot_text(text, "p.toml")
    assert isinstance(parsed, ParsedPilot), parsed
    assert (parsed.definition.start.isoformat(), parsed.definition.end.isoformat()) == ("2026-01-05", "2026-12-18")
    bad = {e.field: e for e in errors_of(set_line(pilot_text(), "start", '"5 januari"'))}
    assert "jjjj-mm-dd" in bad["start"].message


def test_key_lines_and_field_names():
    text = 'slug = "x"\n\n[rates]\ncasemanager = 1\n\n[[fixed_costs]]\nlabel = "a"\n[[fixed_costs]]\nlabel = "b"\n'
    assert key_line(text, ("slug",)) == 1
    assert key_line(text, ("rates", "casemanager")) == 4
    assert key_line(text, ("rates", "admin")) == 3  # not there: the table's line
    assert key_line(text, ("fixed_costs", 1, "label")) == 9
    assert key_line(text, ("fixed_costs", 1, "amount")) == 8
    assert key_line(text, ("name",)) is None
    assert field_name(("fixed_costs", 0, "amount")) == "fixed_costs[1].amount"
    assert field_name(("rates", "baas", "[key]")) == "rates.baas"


# ------------------------------------------------------------------------------------------------ loading


async def test_loading_twice_updates_by_slug_and_never_duplicates(app, db, tmp_path: Path):
    path = tmp_path / "proef.toml"
    path.write_text(pilot_text(), encoding="utf-8")
    async with db() as session, session.begin():
        first = await load_pilots(session, tmp_path)
    async with db() as session, session.begin():
        again = await load_pilots(session, tmp_path)
    assert (first.created, first.updated, first.errors) == (["proef"], [], [])
    assert (again.created, again.updated, again.unchanged) == ([], [], ["proef"])

    path.write_text(pilot_text(name="Nieuwe naam", services=["DSO"], caseload_cap=12), encoding="utf-8")
    async with db() as session, session.begin():
        changed = await load_pilots(session, path)
    assert changed.updated == ["proef"]
    async with db() as session:
        pilots = (await session.scalars(select(Pilot))).all()
        assert len(pilots) == 1
        pilot = pilots[0]
        assert (pilot.name, pilot.service_codes, pilot.caseload_cap) == ("Nieuwe naam", ["DSO"], 12)
        assert pilot.rates == {"accountmanager": 72.0, "casemanager": 78.0, "kcc_agent": 55.0}
        assert pilot.fixed_costs == [
            {"label": "Training", "amount": 12000.0},
            {"label": "Coördinator", "amount": 8000.5},
        ]
        assert pilot.targets["satisfied_share"] == 0.9
        assert pilot.source_file == "proef.toml"


async def test_an_invalid_file_loads_nothing_and_the_others_still_load(app, db, tmp_path: Path):
    (tmp_path / "a-goed.toml").write_text(pilot_text(slug="goed"), encoding="utf-8")
    (tmp_path / "b-fout.toml").write_text(pilot_text(slug="fout", services=["SZW", "XYZ"]), encoding="utf-8")
    (tmp_path / "c-dubbel.toml").write_text(pilot_text(slug="goed", name="Tweede"), encoding="utf-8")
    async with db() as session, session.begin():
        report = await load_pilots(session, tmp_path)
    assert report.created == ["goed"]
    assert [(Path(e.file).name, e.field) for e in report.errors] == [
        ("b-fout.toml", "services"),
        ("c-dubbel.toml", "slug"),
    ]
    assert "XYZ" in report.errors[0].message
    assert "a-goed.toml" in report.errors[1].message
    async with db() as session:
        assert (await session.scalars(select(Pilot.slug))).all() == ["goed"]
        assert (await session.scalar(select(Pilot.name))) == "Proefpilot"


async def test_the_draw_settings_are_frozen_once_dossiers_are_enrolled(app, db, tmp_path: Path, make_user, load_pilot):
    pilot = await load_pilot()
    casemanager = await make_user("casemanager")
    async with db() as session, session.begin():
        dossier = await create_dossier(session, await create_client(session), casemanager.id)
        session.add(
            PilotEnrolment(
                dossier_id=dossier.id, pilot_id=pilot.id, cohort="pilot", method="random", assigned_at=datetime.now(UTC)
            )
        )
    path = tmp_path / "proef.toml"
    path.write_text(pilot_text(random_seed=7, name="Andere naam"), encoding="utf-8")
    async with db() as session, session.begin():
        report = await load_pilots(session, path)
    assert [e.field for e in report.errors] == ["random_seed"]
    assert "al 1 dossiers ingedeeld" in report.errors[0].message
    async with db() as session:
        assert (await session.scalar(select(Pilot.random_seed))) == 2026
        assert (await session.scalar(select(Pilot.name))) == "Proefpilot"  # nothing from that file


async def test_loading_is_audited(app, db, tmp_path: Path):
    from casemgmt.audit.services import AuditLog

    (tmp_path / "p.toml").write_text(pilot_text(), encoding="utf-8")
    async with db() as session, session.begin():
        await load_pilots(session, tmp_path, AuditLog(session, actor=None, request_id="cli"))
    async with db() as session:
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.object_type == "pilot"))).all()
        assert [(e.action, e.object_id, e.actor_role) for e in events] == [("create", "proef", "system")]
        assert await session.scalar(select(func.count()).select_from(Pilot)) == 1


async def test_an_empty_folder_is_an_error(app, db, tmp_path: Path):
    async with db() as session, session.begin():
        report = await load_pilots(session, tmp_path)
    assert [e.message for e in report.errors] == ["geen pilotbestanden (*.toml)."]


def test_a_nul_in_a_pilot_file_is_reported_on_its_key():
    """Issue 11: TOML allows the escape \\u0000, PostgreSQL cannot store it: the key's error, never the database's."""
    text = pilot_text(name="Proef\\u0000pilot")  # the TOML escape, as a file holds it
    [error] = errors_of(text)
    assert (error.field, error.line) == ("name", line_of(text, "name ="))
    assert "NUL-teken" in error.message


def test_a_pilot_description_has_a_maximum_length():
    [error] = errors_of(pilot_text(description="d" * 4001))
    assert error.field == "description" and "4000" in error.message

"""Migration 0015 (team promises) on the configured database: stored commitments and owner changes are kept with their
person as owner and their due moment as first due moment; the constraint allows exactly one owner; the downgrade
refuses while team promises exist instead of deleting them."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from casemgmt.db import downgrade, upgrade
from casemgmt.settings import Settings
from tests.conftest import reset_schema
from tests.contacts.test_migration_0010 import ROWS
from tests.database.test_migrations import _run, scratch_settings  # noqa: F401  (the fixture)

COMMITMENT = (
    "INSERT INTO commitments (client_id, kind, description, owner_id, made_by_id, made_at, due_at, status, note, "
    "{extra}created_at, updated_at) SELECT k.id, 'callback', 'Ik bel u terug', {owner}, u.id, CURRENT_TIMESTAMP, "
    "'2026-12-10 16:00:00.000000', 'open', '', {values}CURRENT_TIMESTAMP, CURRENT_TIMESTAMP "
    "FROM clients k, users u, services s"
)
CHANGE = (
    "INSERT INTO commitment_owner_changes (commitment_id, from_owner_id, to_owner_id, changed_by_id, changed_at, "
    "reason, created_at, updated_at) SELECT c.id, u.id, u.id, u.id, CURRENT_TIMESTAMP, 'Verlof', CURRENT_TIMESTAMP, "
    "CURRENT_TIMESTAMP FROM commitments c, users u"
)
STORED = "SELECT owner_id IS NOT NULL, owner_service_id, due_at = first_due_at FROM commitments ORDER BY id"


def test_commitments_are_kept_and_team_promises_block_the_downgrade(scratch_settings: Settings) -> None:  # noqa: F811
    reset_schema(scratch_settings)
    upgrade(scratch_settings, "0010")
    _run(scratch_settings, [*ROWS, (COMMITMENT.format(owner="u.id", extra="", values=""), {}), (CHANGE, {})])
    upgrade(scratch_settings, "0015")
    assert _run(scratch_settings, [(STORED, {})]) == [[(True, None, True)]]
    assert _run(scratch_settings, [("SELECT reason, from_service_id FROM commitment_owner_changes", {})]) == [
        [("Verlof", None)]
    ]
    team = COMMITMENT.format(owner="NULL", extra="owner_service_id, first_due_at, ", values="s.id, '2026-12-10', ")
    _run(scratch_settings, [(team, {})])
    with pytest.raises(IntegrityError):  # neither a person nor a team
        _run(scratch_settings, [(team.replace("s.id, '2026", "NULL, '2026"), {})])
    with pytest.raises(IntegrityError):  # both
        _run(scratch_settings, [(team.replace("NULL, u.id", "u.id, u.id"), {})])
    with pytest.raises(RuntimeError, match="Er zijn 1 toezeggingen van een team"):
        downgrade(scratch_settings, "0010")
    assert len(_run(scratch_settings, [(STORED, {})])[0]) == 2
    _run(scratch_settings, [("DELETE FROM commitments WHERE owner_id IS NULL", {})])
    downgrade(scratch_settings, "0010")
    assert _run(scratch_settings, [("SELECT count(*) FROM commitments", {})]) == [[(1,)]]
    with pytest.raises(IntegrityError):  # an owner is required again
        _run(scratch_settings, [(COMMITMENT.format(owner="NULL", extra="", values=""), {})])

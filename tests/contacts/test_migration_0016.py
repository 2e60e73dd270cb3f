"""Migration 0016 (topics, departments, transfer attempts) on the configured database: stored contacts keep every
value and get no topic; the downgrade refuses while topics on contacts or transfer attempts exist, instead of losing
them, and keeps the contacts when there are none."""

from __future__ import annotations

import pytest

from casemgmt.db import downgrade, upgrade
from casemgmt.settings import Settings
from tests.conftest import reset_schema
from tests.contacts.test_migration_0010 import CONTACT, ROWS
from tests.database.test_migrations import _run, scratch_settings  # noqa: F401  (the fixture)

STORED = "SELECT c.channel, c.transfers, c.summary, k.name FROM contacts c JOIN clients k ON k.id = c.client_id"
TOPIC = (
    "INSERT INTO topics (service_id, code, name, is_active, created_at, updated_at) "
    "SELECT id, 'bijstand', 'Bijstand', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM services"
)
ATTEMPT = (
    "INSERT INTO contact_transfers (contact_id, position, service_id, department_id, connected, created_at, "
    "updated_at) SELECT c.id, 1, c.service_id, NULL, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM contacts c"
)


def test_contacts_are_kept_and_new_facts_block_the_downgrade(scratch_settings: Settings) -> None:  # noqa: F811
    reset_schema(scratch_settings)
    upgrade(scratch_settings, "0010")
    _run(scratch_settings, [*ROWS, (CONTACT.format(client="(SELECT id FROM clients)"), {"channel": "letter"})])
    upgrade(scratch_settings)
    kept = [("letter", 0, "Vraag beantwoord", "Jan")]
    assert _run(scratch_settings, [(STORED, {})]) == [kept]
    assert _run(scratch_settings, [("SELECT topic_id FROM contacts", {})]) == [[(None,)]]  # no topic invented
    _run(scratch_settings, [(TOPIC, {}), ("UPDATE contacts SET topic_id = (SELECT id FROM topics)", {}), (ATTEMPT, {})])
    with pytest.raises(RuntimeError, match="1 doorverbindpogingen en 1 contacten met een onderwerp"):
        downgrade(scratch_settings, "0010")
    assert _run(scratch_settings, [(STORED, {})]) == [kept]
    _run(scratch_settings, [("DELETE FROM contact_transfers", {}), ("UPDATE contacts SET topic_id = NULL", {})])
    downgrade(scratch_settings, "0010")
    assert _run(scratch_settings, [(STORED, {})]) == [kept]
    upgrade(scratch_settings)
    assert _run(scratch_settings, [(STORED, {})]) == [kept]

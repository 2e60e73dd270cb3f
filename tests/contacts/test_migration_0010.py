"""Migration 0010 (channels, anonymous contacts, external references) on the configured database: stored contacts
are kept both ways, and the downgrade refuses while anonymous contacts exist instead of deleting them."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from casemgmt.db import downgrade, upgrade
from casemgmt.settings import Settings
from tests.conftest import reset_schema
from tests.database.test_migrations import _run, scratch_settings  # noqa: F401  (the fixture)

ROWS = [
    (
        "INSERT INTO services (code, name, phone, hours, email, callback_term_days, escalation_norm_days, is_active, "
        "created_at, updated_at) VALUES ('KCC', 'KCC', '14070', '', 'kcc@x.nl', 2, 5, true, CURRENT_TIMESTAMP, "
        "CURRENT_TIMESTAMP)",
        {},
    ),
    (
        "INSERT INTO users (email, name, phone, is_active, created_at, updated_at) "
        "VALUES ('k@x.nl', 'Kees', '', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        {},
    ),
    (
        "INSERT INTO clients (kind, name, name_normalised, phone, email, address, pseudonym, created_at, updated_at) "
        "VALUES ('person', 'Jan', 'jan', '', '', '', 'K-1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        {},
    ),
]
CONTACT = (
    "INSERT INTO contacts (client_id, channel, direction, service_id, employee_id, occurred_at, outcome, transfers, "
    "summary, subject, created_at, updated_at) SELECT {client}, :channel, 'in', s.id, u.id, CURRENT_TIMESTAMP, "
    "'resolved', 0, 'Vraag beantwoord', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM services s, users u"
)
STORED = "SELECT c.channel, k.name FROM contacts c LEFT JOIN clients k ON k.id = c.client_id ORDER BY c.id"


def test_contacts_are_kept_and_anonymous_ones_block_the_downgrade(scratch_settings: Settings) -> None:  # noqa: F811
    reset_schema(scratch_settings)
    upgrade(scratch_settings, "0009")
    _run(scratch_settings, [*ROWS, (CONTACT.format(client="(SELECT id FROM clients)"), {"channel": "letter"})])
    upgrade(scratch_settings)
    assert _run(scratch_settings, [(STORED, {})]) == [[("letter", "Jan")]]
    _run(
        scratch_settings,
        [
            (CONTACT.format(client="NULL"), {"channel": "social"}),
            (
                "INSERT INTO external_references (record_type, record_id, ref, created_at, updated_at) "
                "SELECT 'contact', max(id), 'DB-2026-11873', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM contacts",
                {},
            ),
        ],
    )
    assert _run(scratch_settings, [(STORED, {})]) == [[("letter", "Jan"), ("social", None)]]
    with pytest.raises(RuntimeError, match="Er zijn 1 anonieme contacten"):
        downgrade(scratch_settings, "0009")
    assert _run(scratch_settings, [(STORED, {})]) == [[("letter", "Jan"), ("social", None)]]
    _run(scratch_settings, [("DELETE FROM contacts WHERE client_id IS NULL", {})])
    downgrade(scratch_settings, "0009")
    assert _run(scratch_settings, [(STORED, {})]) == [[("letter", "Jan")]]
    with pytest.raises(IntegrityError):  # client_id is required again
        _run(scratch_settings, [(CONTACT.format(client="NULL"), {"channel": "phone"})])

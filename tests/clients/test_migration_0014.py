"""Migration 0014 (search keys) on the configured database: every stored client gets its folded name and family
name, so the ranked search finds clients stored before it; the downgrade keeps the clients and their names."""

from __future__ import annotations

from casemgmt.db import downgrade, upgrade
from casemgmt.settings import Settings
from tests.conftest import reset_schema
from tests.database.test_migrations import _run, scratch_settings  # noqa: F401  (the fixture)

CLIENT = (
    "INSERT INTO clients (kind, name, name_normalised, phone, email, address, pseudonym, created_at, updated_at) "
    "VALUES ('person', :name, :lower, '', '', '', :pseudonym, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
KEYS = "SELECT name, name_folded, family_name_folded FROM clients ORDER BY id"
NAMES = ["Michael de Graaf", "Ayşe Öztürk", "Anna van der Berg", "Cher"]


def test_existing_clients_get_their_search_keys_both_ways(scratch_settings: Settings) -> None:  # noqa: F811
    reset_schema(scratch_settings)
    upgrade(scratch_settings, "0010")
    _run(
        scratch_settings,
        [(CLIENT, {"name": name, "lower": name.lower(), "pseudonym": f"K-{n}"}) for n, name in enumerate(NAMES)],
    )
    upgrade(scratch_settings)
    assert _run(scratch_settings, [(KEYS, {})]) == [
        [
            ("Michael de Graaf", "michael de graaf", "graaf"),
            ("Ayşe Öztürk", "ayse ozturk", "ozturk"),
            ("Anna van der Berg", "anna van der berg", "berg"),
            ("Cher", "cher", "cher"),
        ]
    ]
    downgrade(scratch_settings, "0010")
    assert _run(scratch_settings, [("SELECT name FROM clients ORDER BY id", {})]) == [[(name,) for name in NAMES]]
    upgrade(scratch_settings)
    assert _run(scratch_settings, [(KEYS, {})])[0][1] == ("Ayşe Öztürk", "ayse ozturk", "ozturk")

"""Migration 0011 (client details) on the configured database: the stored address text is split into its parts
(what does not read as an address goes whole into ``street``), stored phone numbers are normalised where they parse
and kept as typed otherwise, every client starts at version 1, rows that refer to a client keep their reference;
the downgrade writes the address back as one text and refuses while the data holds what the old schema cannot."""

from __future__ import annotations

import pytest

from casemgmt.db import downgrade, upgrade
from casemgmt.settings import Settings
from tests.conftest import reset_schema
from tests.database.test_migrations import _run, scratch_settings  # noqa: F401  (the fixture)

BEFORE = "0010"
CLIENT = (
    "INSERT INTO clients (kind, name, name_normalised, phone, email, address, pseudonym, created_at, updated_at) "
    "VALUES ('person', :name, :name, :phone, '', :address, :pseudonym, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
REPRESENTATIVE = (
    "INSERT INTO representatives (client_id, name, organisation, phone, email, relation, valid_from, created_at, "
    "updated_at) SELECT id, 'Rita', 'Wijkteam', '', '', 'Jurist', CURRENT_DATE, CURRENT_TIMESTAMP, "
    "CURRENT_TIMESTAMP FROM clients WHERE name = 'Jan'"
)
STORED = (
    "SELECT name, street, house_number, house_number_addition, postcode, city, phone, version FROM clients ORDER BY id"
)
ODD = "245 East 84th Street, New York, NY 10028, Verenigde Staten"


def test_addresses_are_split_and_phones_normalised_nothing_lost(scratch_settings: Settings) -> None:  # noqa: F811
    reset_schema(scratch_settings)
    upgrade(scratch_settings, BEFORE)
    rows = [
        ("Jan", "070-123 4567", "Straat 12a, 2511 AB Den Haag", "K-1"),
        ("Els", "+31 6 1234 5678", "Laan van Meerdervoort 1a\n2517 AA Den Haag", "K-2"),
        ("Ali", "bel de buren", ODD, "K-3"),
        ("Ria", "", "", "K-4"),
    ]
    _run(
        scratch_settings,
        [
            *[(CLIENT, {"name": n, "phone": p, "address": a, "pseudonym": k}) for n, p, a, k in rows],
            (REPRESENTATIVE, {}),
        ],
    )
    upgrade(scratch_settings, "0011")
    assert _run(scratch_settings, [(STORED, {})]) == [
        [
            ("Jan", "Straat", 12, "A", "2511AB", "Den Haag", "+31701234567", 1),
            ("Els", "Laan van Meerdervoort", 1, "A", "2517AA", "Den Haag", "+31612345678", 1),
            ("Ali", ODD, None, "", "", "", "bel de buren", 1),
            ("Ria", "", None, "", "", "", "", 1),
        ]
    ]
    refers = "SELECT r.name, c.name FROM representatives r JOIN clients c ON c.id = r.client_id"
    assert _run(scratch_settings, [(refers, {})]) == [[("Rita", "Jan")]]

    downgrade(scratch_settings, BEFORE)
    back = "SELECT name, address, phone FROM clients ORDER BY id"
    assert _run(scratch_settings, [(back, {}), (refers, {})]) == [
        [
            ("Jan", "Straat 12A, 2511 AB Den Haag", "+31701234567"),
            ("Els", "Laan van Meerdervoort 1A, 2517 AA Den Haag", "+31612345678"),
            ("Ali", ODD, "bel de buren"),
            ("Ria", "", ""),
        ],
        [("Rita", "Jan")],
    ]


def test_the_downgrade_refuses_while_details_the_old_schema_cannot_hold_exist(scratch_settings: Settings) -> None:  # noqa: F811
    reset_schema(scratch_settings)
    upgrade(scratch_settings)
    _run(
        scratch_settings,
        [
            (
                "INSERT INTO clients (kind, name, name_normalised, phone, email, street, house_number_addition, "
                "postcode, city, preferred_channel, preferred_time, version, pseudonym, created_at, updated_at) "
                "VALUES ('person', 'Jan', 'jan', '', '', 'Spui', '', '', '', 'letter', '', 1, 'K-1', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                {},
            )
        ],
    )
    with pytest.raises(RuntimeError, match="1 klanten met een geboortedatum of voorkeurskanaal"):
        downgrade(scratch_settings, BEFORE)
    assert _run(scratch_settings, [("SELECT preferred_channel FROM clients", {})]) == [[("letter",)]]

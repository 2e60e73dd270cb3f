"""Migration 0012 (unidentified clients) on the configured database: stored clients and the rows that refer to them
are kept both ways; the downgrade refuses while unidentified clients exist instead of deleting them."""

from __future__ import annotations

import pytest

from casemgmt.db import downgrade, upgrade
from casemgmt.settings import Settings
from tests.conftest import reset_schema
from tests.database.test_migrations import _run, scratch_settings  # noqa: F401  (the fixture)

CLIENT = (  # the columns of 0011 (the address in parts)
    "INSERT INTO clients (kind, bsn, name, name_normalised, phone, email, street, house_number_addition, postcode, "
    "city, preferred_time, version, pseudonym, created_at, updated_at) "
    "VALUES (:kind, :bsn, :name, '', '06', '', '', '', '', '', '', 1, :pseudonym, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
REPRESENTATIVE = (
    "INSERT INTO representatives (client_id, name, organisation, phone, email, relation, valid_from, created_at, "
    "updated_at) SELECT id, 'M. Jansen', 'Buurtteam', '', '', 'buurtwerker', '2026-01-01', CURRENT_TIMESTAMP, "
    "CURRENT_TIMESTAMP FROM clients WHERE pseudonym = 'K-1'"
)
STORED = (
    "SELECT k.kind, k.bsn, k.name, r.name FROM clients k LEFT JOIN representatives r ON r.client_id = k.id "
    "ORDER BY k.id"
)


def test_clients_are_kept_and_unidentified_ones_block_the_downgrade(scratch_settings: Settings) -> None:  # noqa: F811
    reset_schema(scratch_settings)
    upgrade(scratch_settings, "0011")
    _run(
        scratch_settings,
        [(CLIENT, {"kind": "person", "bsn": "123456782", "name": "Jan", "pseudonym": "K-1"}), (REPRESENTATIVE, {})],
    )
    upgrade(scratch_settings, "0012")
    assert _run(scratch_settings, [(STORED, {})]) == [[("person", "123456782", "Jan", "M. Jansen")]]
    _run(
        scratch_settings,
        [
            (CLIENT, {"kind": "unidentified", "bsn": None, "name": "Buurman", "pseudonym": "K-2"}),
            ("UPDATE clients SET merged_into_id = (SELECT id FROM clients WHERE pseudonym = 'K-1') "
             "WHERE pseudonym = 'K-2'", {}),
        ],
    )  # fmt: skip
    assert _run(scratch_settings, [("SELECT count(*) FROM clients WHERE merged_into_id IS NOT NULL", {})]) == [[(1,)]]
    with pytest.raises(RuntimeError, match="Er zijn 1 niet-geïdentificeerde klanten"):
        downgrade(scratch_settings, "0011")
    _run(scratch_settings, [("DELETE FROM clients WHERE kind = 'unidentified'", {})])
    downgrade(scratch_settings, "0011")
    assert _run(scratch_settings, [(STORED, {})]) == [[("person", "123456782", "Jan", "M. Jansen")]]
    upgrade(scratch_settings, "0012")
    assert _run(scratch_settings, [(STORED, {})]) == [[("person", "123456782", "Jan", "M. Jansen")]]

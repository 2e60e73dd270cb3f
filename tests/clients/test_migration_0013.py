"""Migration 0013 (representatives become persons of their own) on the configured database: every stored row
becomes a link with its id, relation and validity; rows with the same name, organisation and phone become one
person (a differing e-mail splits one off, so no address is lost); the downgrade gives every link its row back and
refuses while a contact names a representative."""

from __future__ import annotations

from datetime import date

import pytest

from casemgmt.db import downgrade, upgrade
from casemgmt.settings import Settings
from tests.conftest import reset_schema
from tests.database.test_migrations import _run, scratch_settings  # noqa: F401  (the fixture)

CLIENTS = [
    (
        "INSERT INTO clients (kind, name, name_normalised, phone, email, address, pseudonym, created_at, updated_at) "
        "VALUES ('person', :name, :lower, '', '', '', :pseudonym, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        {"name": name, "lower": name.lower(), "pseudonym": f"K-{n}"},
    )
    for n, name in enumerate(("Anna", "Bert", "Cor", "Dirk"), start=1)
]
OLD_ROW = (
    "INSERT INTO representatives (id, client_id, name, organisation, phone, email, relation, valid_from, valid_until, "
    "created_at, updated_at) SELECT :id, c.id, :name, :organisation, :phone, :email, :relation, :valid_from, "
    ":valid_until, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM clients c WHERE c.name = :client"
)


def old(id_: int, client: str, name: str, phone: str, email: str, relation: str, until: str | None = None):  # type: ignore[no-untyped-def]
    values = {
        "id": id_,
        "client": client,
        "name": name,
        "organisation": "Bewindvoering Haaglanden" if name == "Ellen Smeets" else "Wijkteam",
        "phone": phone,
        "email": email,
        "relation": relation,
        "valid_from": date(2025, 1, 1),
        "valid_until": date.fromisoformat(until) if until else None,
    }
    return (OLD_ROW, values)


ROWS = [
    old(3, "Anna", "Ellen Smeets", "070 362 4415", "", "Bewindvoerder"),
    old(5, "Bert", "Ellen Smeets", "070 362 4415", "e.smeets@bh.example", "Bewindvoerder", until="2026-06-30"),
    old(7, "Cor", "Ellen Smeets", "070 362 4415", "", "Beschermingsbewindvoerder"),
    old(8, "Dirk", "Ellen Smeets", "070 362 4415", "ellen@elders.example", "Bewindvoerder"),  # another e-mail
    old(9, "Anna", "Ellen Smeets", "070 3624415", "", "Bewindvoerder"),  # the phone written otherwise: not merged
    old(11, "Bert", "Rita Wijk", "", "", "Buurtcoach"),
]
LINKS = (
    "SELECT l.id, c.name, l.representative_id, l.relation, l.valid_until IS NOT NULL FROM client_representatives l "
    "JOIN clients c ON c.id = l.client_id ORDER BY l.id"
)
PEOPLE = "SELECT id, name, phone, phone_digits, email, name_normalised FROM representatives ORDER BY id"
BACK = (
    "SELECT r.id, c.name, r.name, r.phone, r.email, r.relation FROM representatives r "
    "JOIN clients c ON c.id = r.client_id ORDER BY r.id"
)


def test_rows_become_persons_and_links_and_come_back(scratch_settings: Settings) -> None:  # noqa: F811
    reset_schema(scratch_settings)
    upgrade(scratch_settings, "0010")
    _run(scratch_settings, [*CLIENTS, *ROWS])
    [before] = _run(scratch_settings, [(BACK, {})])
    upgrade(scratch_settings)
    links, people = _run(scratch_settings, [(LINKS, {}), (PEOPLE, {})])
    assert links == [
        (3, "Anna", 3, "Bewindvoerder", False),
        (5, "Bert", 3, "Bewindvoerder", True),
        (7, "Cor", 3, "Beschermingsbewindvoerder", False),
        (8, "Dirk", 8, "Bewindvoerder", False),
        (9, "Anna", 9, "Bewindvoerder", False),
        (11, "Bert", 11, "Buurtcoach", False),
    ]
    assert people == [
        (3, "Ellen Smeets", "070 362 4415", "0703624415", "e.smeets@bh.example", "ellen smeets"),
        (8, "Ellen Smeets", "070 362 4415", "0703624415", "ellen@elders.example", "ellen smeets"),
        (9, "Ellen Smeets", "070 3624415", "0703624415", "", "ellen smeets"),
        (11, "Rita Wijk", "", "", "", "rita wijk"),
    ]
    # new rows continue after the ids written explicitly
    _run(
        scratch_settings,
        [
            (
                "INSERT INTO representatives (name, name_normalised, organisation, phone, phone_digits, email, "
                "created_at, updated_at) VALUES ('Nieuw', 'nieuw', 'X', '', '', '', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)",
                {},
            ),
            (
                "INSERT INTO client_representatives (client_id, representative_id, relation, valid_from, created_at, "
                "updated_at) SELECT min(c.id), max(r.id), 'Advocaat', '2026-01-01', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP FROM clients c, representatives r",
                {},
            ),
        ],
    )
    [[(person_id, link_id)]] = _run(
        scratch_settings,
        [("SELECT max(r.id), (SELECT max(id) FROM client_representatives) FROM representatives r", {})],
    )
    assert (person_id, link_id) == (12, 12)
    _run(scratch_settings, [("DELETE FROM client_representatives WHERE id = 12", {})])
    _run(scratch_settings, [("DELETE FROM representatives WHERE id = 12", {})])

    # a contact made by a representative holds the downgrade back
    _run(
        scratch_settings,
        [
            (
                "INSERT INTO services (code, name, phone, email, callback_term_days, escalation_norm_days, "
                "is_active, created_at, updated_at) VALUES ('KCC', 'KCC', '14070', 'kcc@x.nl', 2, 5, true, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                {},
            ),
            (
                "INSERT INTO users (email, name, phone, is_active, created_at, updated_at) "
                "VALUES ('k@x.nl', 'Kees', '', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                {},
            ),
            (
                "INSERT INTO contacts (client_id, channel, direction, service_id, employee_id, occurred_at, outcome, "
                "transfers, summary, subject, representative_id, created_at, updated_at) SELECT min(c.id), 'phone', "
                "'in', min(s.id), min(u.id), CURRENT_TIMESTAMP, 'resolved', 0, 'Belde', '', 3, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP FROM clients c, services s, users u",
                {},
            ),
        ],
    )
    with pytest.raises(RuntimeError, match="Er zijn 1 contacten met een vertegenwoordiger"):
        downgrade(scratch_settings, "0010")
    _run(scratch_settings, [("UPDATE contacts SET representative_id = NULL", {})])
    downgrade(scratch_settings, "0010")
    [after] = _run(scratch_settings, [(BACK, {})])
    assert [row[:4] + row[5:] for row in after] == [row[:4] + row[5:] for row in before]  # ids, clients, names, …
    assert [row[4] for row in after] == [  # the merged person's e-mail on each of their rows
        "e.smeets@bh.example",
        "e.smeets@bh.example",
        "e.smeets@bh.example",
        "ellen@elders.example",
        "",
        "",
    ]

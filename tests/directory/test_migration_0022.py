"""Migration 0022 (opening hours per weekday) on the configured database: the services' texts become rows of
``service_hours`` (the Thursday evening extending Thursday), an empty text none; an unreadable text stops the upgrade
naming the service; the downgrade writes the texts back from the rows; rows that point at a service stay."""

from __future__ import annotations

import pytest

from casemgmt.db import downgrade, upgrade
from casemgmt.settings import Settings
from tests.conftest import reset_schema
from tests.database.test_migrations import _run, scratch_settings  # noqa: F401  (the fixture)

SERVICE = (
    "INSERT INTO services (code, name, phone, hours, email, callback_term_days, escalation_norm_days, is_active, "
    "created_at, updated_at) VALUES (:code, :code, '', :hours, '', 2, 3, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
TOPIC = (
    "INSERT INTO topics (service_id, code, name, is_active, created_at, updated_at) "
    "SELECT id, 'bijstand', 'Bijstand', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM services WHERE code = 'SZW'"
)
HOURS = (
    "SELECT s.code, h.weekday, h.opens, h.closes FROM service_hours h JOIN services s ON s.id = h.service_id "
    "ORDER BY s.code, h.weekday, h.opens"
)


def hm(value: object) -> str:
    return str(value)[:5]


def test_texts_become_rows_and_come_back(scratch_settings: Settings) -> None:  # noqa: F811
    reset_schema(scratch_settings)
    upgrade(scratch_settings, "0020")
    _run(
        scratch_settings,
        [
            (SERVICE, {"code": "KCC", "hours": "ma-vr 08:00-18:00, do tot 20:00"}),
            (SERVICE, {"code": "SZW", "hours": "ma-vr 08:30-17:00"}),
            (SERVICE, {"code": "NEW", "hours": ""}),
            (TOPIC, {}),
        ],
    )
    upgrade(scratch_settings)
    # the column is dropped in place: rows pointing at the services stay (a rebuild of the table would delete them)
    assert _run(scratch_settings, [("SELECT code FROM topics", {})]) == [[("bijstand",)]]
    rows = [(code, day, hm(opens), hm(closes)) for code, day, opens, closes in _run(scratch_settings, [(HOURS, {})])[0]]
    assert rows == [
        ("KCC", 0, "08:00", "18:00"),
        ("KCC", 1, "08:00", "18:00"),
        ("KCC", 2, "08:00", "18:00"),
        ("KCC", 3, "08:00", "20:00"),
        ("KCC", 4, "08:00", "18:00"),
        *[("SZW", day, "08:30", "17:00") for day in range(5)],
    ]
    downgrade(scratch_settings, "0020")
    texts = _run(scratch_settings, [("SELECT code, hours FROM services ORDER BY code", {})])[0]
    assert texts == [
        ("KCC", "ma-wo 08:00-18:00, do 08:00-20:00, vr 08:00-18:00"),
        ("NEW", ""),
        ("SZW", "ma-vr 08:30-17:00"),
    ]
    upgrade(scratch_settings)  # the written-back text reads again
    assert len(_run(scratch_settings, [(HOURS, {})])[0]) == 10


def test_an_unreadable_text_stops_the_upgrade(scratch_settings: Settings) -> None:  # noqa: F811
    reset_schema(scratch_settings)
    upgrade(scratch_settings, "0020")
    _run(scratch_settings, [(SERVICE, {"code": "ODD", "hours": "op afspraak"})])
    with pytest.raises(ValueError, match="service ODD: cannot read opening hours 'op afspraak'"):
        upgrade(scratch_settings)
    assert _run(scratch_settings, [("SELECT hours FROM services", {})]) == [[("op afspraak",)]]

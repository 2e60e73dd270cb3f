"""The dossier file's client numbers: a person has exactly a valid BSN, an organisation exactly a valid KvK number, as
given (no spaces or dots), and neither carries the other's number; each wrong field named in Dutch."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from casemgmt.exchange.schema import LineError, ParsedLine, parse_line
from tests.exchange.conftest import valid_line

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def client_errors(**client: Any) -> list[tuple[str | None, str]]:
    line = valid_line("D-2026-08001")
    line["client"].update(client)
    result = parse_line(json.dumps(line), 1, NOW)
    if isinstance(result, ParsedLine):
        return []
    return [(error.path, error.message) for error in result if isinstance(error, LineError)]


@pytest.mark.parametrize(
    ("client", "expected"),
    [
        ({"kind": "person", "bsn": "123456782"}, []),
        ({"kind": "organisation", "bsn": None, "kvk": "12345678"}, []),
        (
            {"kind": "person", "bsn": "123456782", "kvk": "12345678"},
            [("client.kvk", "Een persoon heeft geen KvK-nummer; geef een BSN.")],
        ),
        ({"kind": "person", "bsn": None}, [("client.bsn", "Ontbreekt; een persoon heeft een BSN.")]),
        ({"kind": "person", "bsn": "1234 56 782"}, [("client.bsn", "Ongeldig BSN (elfproef): '1234 56 782'.")]),
        (
            {"kind": "organisation", "bsn": "123456782", "kvk": None},
            [
                ("client.bsn", "Een organisatie heeft geen BSN; geef een KvK-nummer."),
                ("client.kvk", "Ontbreekt; een organisatie heeft een KvK-nummer."),
            ],
        ),
        (
            {"kind": "organisation", "bsn": None, "kvk": "1234567"},
            [("client.kvk", "Ongeldig KvK-nummer (8 cijfers): '1234567'.")],
        ),
    ],
)
def test_each_kind_has_its_own_number_only(client: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert client_errors(**client) == expected

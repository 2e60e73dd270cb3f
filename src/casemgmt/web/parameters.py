"""Parameters that several routes share, declared once so every route documents and checks them alike."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from litestar.params import QueryParameter
from pydantic import Field

MAX_ID = 2**63 - 1
"""The largest id the database can hold (a signed 64-bit integer): a larger number names no record."""

_ID_BOUNDS = {"minimum": 1, "maximum": MAX_ID}
"""Said again for the document: Litestar writes a pydantic bound as a float (2^63-1 would read as 2^63) and drops
the bounds of an optional field."""

RecordId = Annotated[int, Field(ge=1, le=MAX_ID, json_schema_extra=_ID_BOUNDS)]
"""A record id in a JSON body (``client_id``, ``owner_id``, …): a number beyond a 64-bit id is refused as a field
error (422) before any query, and the document says so."""

OptionalRecordId = Annotated[Annotated[int, Field(ge=1, le=MAX_ID)] | None, Field(json_schema_extra=_ID_BOUNDS)]
"""``RecordId | None``, with the bounds in the document too."""

QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
"""An optional record id in the query string (a filter): refused before any query when out of range."""

DATE = {"pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"}
"""Documented only (empty means no bound): the period's own check (``metrics/periods.parse_period``) refuses
anything else, also a day that does not exist, with a Dutch message."""

DateFrom = Annotated[
    str | None,
    QueryParameter(name="from", description="First day, YYYY-MM-DD (Europe/Amsterdam), inclusive", schema_extra=DATE),
]
DateTo = Annotated[
    str | None,
    QueryParameter(name="to", description="Last day, YYYY-MM-DD (Europe/Amsterdam), inclusive", schema_extra=DATE),
]


def choice(values: Iterable[str], **options: Any) -> QueryParameter:
    """A query parameter that takes one of ``values`` (a filter, so it may be left out): the document lists them,
    the service's own check refuses anything else with a Dutch message naming the choices."""
    return QueryParameter(schema_extra={"enum": [*values, None]}, **options)

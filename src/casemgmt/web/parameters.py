"""Parameters that several routes share, declared once so every route documents and checks them alike."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any

from litestar.openapi.spec import OpenAPIFormat, OpenAPIType, Schema
from litestar.params import QueryParameter
from pydantic import AwareDatetime, BeforeValidator, Field

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


def _written(value: Any) -> Any:
    """A date or moment in a JSON body is text, as the document says (``format: date``/``date-time``); pydantic
    would otherwise read a number as a Unix timestamp."""
    if isinstance(value, int | float):
        raise ValueError("Vul een datum in als tekst, bijvoorbeeld 2026-02-01.")
    return value


def _counted(value: Any) -> Any:
    """A count in a JSON body is a whole number, as the document says; pydantic would otherwise read ``true`` as 1."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("Vul een geheel getal in.")
    return value


Count = Annotated[int, BeforeValidator(_counted)]
"""A whole number in a JSON body (``transfers``, ``minutes``): not a boolean."""

Day = Annotated[date, BeforeValidator(_written)]
"""A day in a JSON body: ``YYYY-MM-DD`` text only."""

Moment = Annotated[datetime, BeforeValidator(_written)]
"""A moment in a JSON body: ISO 8601 text only (without an offset it is read by the rule as Dutch local time)."""

AwareMoment = Annotated[AwareDatetime, BeforeValidator(_written)]
"""A moment with its offset in a JSON body: ISO 8601 text only."""

DATE = {
    "any_of": [
        Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE),
        Schema(type=OpenAPIType.STRING, max_length=0),
    ]
}
"""Documented only: a real day, YYYY-MM-DD, or empty (empty or left out means no bound); the period's own check
(``metrics/periods.parse_period``) refuses anything else with a Dutch message."""

BSN = {"pattern": "^([0-9]{9})?$"}
"""A BSN filter as the document says it: nine digits, or empty for no filter (the 11-proof is the rule's,
``clients/rules.py``)."""


POSITIVE_ID = {"pattern": "^([1-9][0-9]{0,17})?$"}
"""A record id given as text (a page cursor such as ``after_id``): a positive whole number within a 64-bit id, or
empty for none."""


def bounded(low: int, high: int) -> dict[str, int]:
    """``schema_extra`` of a whole-number parameter the service takes only from ``low`` to ``high`` (a page size)."""
    return {"minimum": low, "maximum": high}


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

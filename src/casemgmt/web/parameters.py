"""Parameters that several routes share, declared once so every route documents and checks them alike."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter
from pydantic import Field

MAX_ID = 2**63 - 1
"""The largest id the database can hold (a signed 64-bit integer): a larger number names no record."""

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A record id in a JSON body (``client_id``, ``owner_id``, …): a number beyond a 64-bit id is refused as a field
error (422) before any query, and the document says so."""

QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
"""An optional record id in the query string (a filter): refused before any query when out of range."""

DateFrom = Annotated[
    str | None, QueryParameter(name="from", description="First day, YYYY-MM-DD (Europe/Amsterdam), inclusive")
]
DateTo = Annotated[
    str | None, QueryParameter(name="to", description="Last day, YYYY-MM-DD (Europe/Amsterdam), inclusive")
]

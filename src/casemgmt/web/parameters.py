"""Parameters that several routes share, declared once so every route documents and checks them alike."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

MAX_ID = 2**63 - 1
"""The largest id the database can hold (a signed 64-bit integer): a larger number names no record."""

QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
"""An optional record id in the query string (a filter): refused before any query when out of range."""

DateFrom = Annotated[
    str | None, QueryParameter(name="from", description="First day, YYYY-MM-DD (Europe/Amsterdam), inclusive")
]
DateTo = Annotated[
    str | None, QueryParameter(name="to", description="Last day, YYYY-MM-DD (Europe/Amsterdam), inclusive")
]

"""Query parameters that several APIs share, declared once so every route documents them alike."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

DateFrom = Annotated[
    str | None, QueryParameter(name="from", description="First day, YYYY-MM-DD (Europe/Amsterdam), inclusive")
]
DateTo = Annotated[
    str | None, QueryParameter(name="to", description="Last day, YYYY-MM-DD (Europe/Amsterdam), inclusive")
]

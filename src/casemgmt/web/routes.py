"""Route declarations that several concepts' APIs share, so each handler names only its path."""

from __future__ import annotations

from litestar import post

from casemgmt.auth.guards import requires_employee
from casemgmt.web.openapi import CONFLICT


def state_change(path: str, tags: list[str]) -> post:
    """``POST`` a change of a record's state (a commitment kept, a handoff accepted, an escalation answered) by an
    employee: 200 with the record, 409 when its current state does not allow the change."""
    return post(path, tags=tags, guards=[requires_employee], status_code=200, responses=CONFLICT)

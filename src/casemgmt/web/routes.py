"""Route declarations that several concepts' APIs share, so each handler names only what is its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar import post
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import Guard

from casemgmt.auth.guards import requires_employee
from casemgmt.web.openapi import CONFLICT, responses


def page_form(path: str, name: str, guard: Guard = requires_employee) -> post:
    """``POST`` of a page's form (the pages are not in the API document), by an employee unless another guard is
    named."""
    return post(path, name=name, guards=[guard], include_in_schema=False)


def creation(path: str, tags: list[str], summary: str, **options: Any) -> post:
    """``POST`` a new record (a commitment made, a handoff requested, a question escalated) by an employee: 201 with
    the record."""
    return post(path, tags=tags, guards=[requires_employee], summary=summary, status_code=201, **options)


def state_change(path: str, tags: list[str]) -> post:
    """``POST`` a change of a record's state (a commitment kept, a handoff accepted, an escalation answered) by an
    employee: 200 with the record, 409 when its current state does not allow the change."""
    return post(path, tags=tags, guards=[requires_employee], status_code=200, responses=CONFLICT)


def file_import(
    path: str,
    tags: list[str],
    summary: str,
    guards: Sequence[Guard],
    max_body_size: int,
    report: type,
    refused: str,
    *more: Mapping[int, ResponseSpec],
) -> post:
    """``POST`` an import of a file sent as the body (at most ``max_body_size`` bytes): 200 with the import report,
    422 with the same report when input is ``refused`` (nothing imported), plus the ``more`` responses declared."""
    rejected = {422: ResponseSpec(report, description=refused, generate_examples=False)}
    return post(
        path,
        tags=tags,
        summary=summary,
        guards=list(guards),
        status_code=200,
        request_max_body_size=max_body_size,
        responses=responses(rejected, *more),
    )

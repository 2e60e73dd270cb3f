"""The API's contract in ``/schema/openapi.json``: the error bodies as declared types, and one place that adds the
status codes every API route can answer, so no handler repeats them.

Errors are answered by ``web/errors.py`` as ``{"status_code", "detail"}``; a domain validation error (422) adds
``"extra"``: one ``{"field", "message"}`` per field. ``document_api_errors`` gives each ``/api/v1`` handler:

- 401 (no or an invalid bearer token: the token middleware guards every API route);
- 403 when the route has a role guard, or the handler declares it (``responses=FORBIDDEN``);
- 404 when the path names something (``{…_id}``, ``{slug}``, ``{service}``) or the body does (``…_id``);
- 422 with the field errors when the route takes a body or parameters;
- 409 only where the handler declares it (``responses=CONFLICT``): the service can refuse a stale or clashing write;
- 413 when the route reads a body (beyond ``web.limits.MAX_BODY_BYTES``, or an import's own bound);
- for every ``POST``: the optional ``Idempotency-Key`` header (``web/idempotency.py``), with its 422 (a malformed key,
  or a key already spent on another request) and 409 (the first request with the key is still running).

A handler's own ``responses`` win (e.g. the import reports that answer 422 with their own body). Litestar's own
400 for a ``ValidationException`` is left out of the document (``ApiOperation``): ``web/errors.py`` answers Litestar's
validation errors with the 422 above.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping
from copy import copy
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Union, cast, get_args, get_origin, get_type_hints

import msgspec
from litestar.config.app import AppConfig
from litestar.enums import ParamType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, OpenAPIType, Operation, Schema, SecurityScheme
from litestar.openapi.spec import Parameter as OpenAPIParameter
from litestar.params import BodyKwarg, ParameterKwarg

from casemgmt.web.idempotency import KEY_LIFETIME, KEY_PATTERN, MAX_KEY_LENGTH


class FieldErrorOut(msgspec.Struct):
    """One field's message, in the language of the UI (Dutch)."""

    field: str
    message: str


class ErrorOut(msgspec.Struct):
    """An error: its HTTP status and a message (Dutch for domain errors)."""

    status_code: int
    detail: str


class ValidationErrorOut(msgspec.Struct):
    """Invalid input (422): nothing was written; ``extra`` lists one message per field."""

    status_code: int
    detail: str
    extra: list[FieldErrorOut] = msgspec.field(default_factory=list)


def _error(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=ErrorOut, description=description, generate_examples=False)


UNAUTHORIZED = {401: _error("No bearer token, or an unknown, expired or revoked one")}
FORBIDDEN = {403: _error("The token's user may not do this (role, or not involved in the dossier)")}
NOT_FOUND = {404: _error("Unknown id (or not visible to the token's user)")}
TOO_LARGE = {413: _error("The body is larger than this route accepts; nothing was read")}
CONFLICT = {409: _error("Conflict: a stale version, or a write that clashes with the current state; nothing changed")}
INVALID = {
    422: ResponseSpec(
        data_container=ValidationErrorOut,
        description="Invalid input: one message per field; nothing was written",
        generate_examples=False,
    )
}

IN_PROGRESS_CONFLICT = {
    409: _error(
        "Conflict: a stale version, a clashing write, or the first request with this Idempotency-Key is "
        "still being processed; nothing changed"
    )
}
IDEMPOTENCY_KEY = OpenAPIParameter(
    name="Idempotency-Key",
    param_in=ParamType.HEADER,
    required=False,
    schema=Schema(type=OpenAPIType.STRING, min_length=1, max_length=MAX_KEY_LENGTH, pattern=KEY_PATTERN),
    description=(
        "Optional. A key of your choice (e.g. a UUID), new for every request you mean to make once. The same key "
        f"from the same user within {int(KEY_LIFETIME.total_seconds() // 3600)} hours returns the stored first "
        "answer (status, body, content type; header `Idempotent-Replayed: true`) without doing the work again; "
        "the same key with another method, path or body answers 422. Only successful answers (2xx/3xx) are kept: "
        "after a refusal the key may be used again."
    ),
)


@dataclass
class ApiOperation(Operation):
    """An API operation without the 400 Litestar documents for its ``ValidationException``: the app answers those
    with 422 and the field-error body (``web/errors.refused_input``), which ``error_responses`` declares."""

    def __post_init__(self) -> None:
        if self.responses and "422" in self.responses:
            self.responses.pop("400", None)


@dataclass
class IdempotentOperation(ApiOperation):
    """The operation of a ``POST``: it also takes the ``Idempotency-Key`` header, which the middleware
    ``web.idempotency.IdempotentWrites`` reads before any handler (so it is not a handler parameter)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.parameters = [*(self.parameters or []), IDEMPOTENCY_KEY]


_NAMED_IN_PATH = re.compile(r"\{[a-z_]+(:[a-z]+)?\}")


@cache
def takes_input(handler: HTTPRouteHandler) -> bool:
    """A body or query/path/header parameters: something that can be invalid (a ``data`` argument, or one declared
    with Litestar's parameter or body markers, directly or through an alias such as ``web.parameters.DateFrom``)."""
    names = inspect.signature(handler.fn).parameters
    try:
        hints = get_type_hints(handler.fn, include_extras=True)
    except (NameError, TypeError):  # Litestar's own handlers (the schema pages) annotate with names it never imports
        return "data" in names
    for name in names:
        if name == "data":
            return True
        hint = hints.get(name)
        if get_origin(hint) is Annotated and any(
            isinstance(meta, ParameterKwarg | BodyKwarg) for meta in get_args(hint)[1:]
        ):
            return True
    return False


def _body_names_a_record(handler: HTTPRouteHandler) -> bool:
    """The JSON body refers to a stored record (a field ``…_id``), which the service may not find (404)."""
    try:
        hints = get_type_hints(handler.fn, include_extras=True)
    except (NameError, TypeError):  # pragma: no cover - every API handler's annotations resolve
        return False
    body = hints.get("data")
    model = get_args(body)[0] if get_origin(body) is Annotated else body
    fields = getattr(model, "model_fields", None) or {}
    return any(name.endswith("_id") for name in fields)


def _reads_a_body(handler: HTTPRouteHandler) -> bool:
    """A ``data`` body, or a bound of its own on the body it reads itself (the imports)."""
    own_bound = handler.request_max_body_size
    return "data" in inspect.signature(handler.fn).parameters or isinstance(own_bound, int)


def error_responses(handler: HTTPRouteHandler) -> dict[int, ResponseSpec]:
    """The error responses ``handler`` can answer, with the handler's own declarations taking precedence."""
    responses: dict[int, ResponseSpec] = {**UNAUTHORIZED}
    if handler.guards:
        responses.update(FORBIDDEN)
    if any(_NAMED_IN_PATH.search(path) for path in handler.paths) or _body_names_a_record(handler):
        responses.update(NOT_FOUND)
    if takes_input(handler) or "POST" in (handler.http_methods or ()):
        responses.update(INVALID)
    if _reads_a_body(handler):
        responses.update(TOO_LARGE)
    if "POST" in (handler.http_methods or ()) and 409 not in (handler.responses or {}):
        responses.update(IN_PROGRESS_CONFLICT)
    own = dict(handler.responses or {})
    if 422 in own and 422 in responses and own[422].data_container is not ValidationErrorOut:
        # its own 422 body (an import report), or the field errors of a parameter refused before it runs
        own[422] = ResponseSpec(
            data_container=cast(Any, Union[own[422].data_container, ValidationErrorOut]),  # noqa: UP007 (a runtime value)
            description=f"{own[422].description}; or a parameter refused (field errors)",
            generate_examples=False,
        )
    responses.update(own)
    return dict(sorted(responses.items()))


def document_api_errors(handlers: Iterable[Any]) -> list[Any]:
    """Give every API route handler the error responses it can answer (see the module docstring)."""
    documented = []
    for handler in handlers:
        if isinstance(handler, HTTPRouteHandler):
            handler.responses = error_responses(handler)
            handler.operation_class = IdempotentOperation if "POST" in handler.http_methods else ApiOperation
        documented.append(handler)
    return documented


def responses(*specs: Mapping[int, ResponseSpec]) -> dict[int, ResponseSpec]:
    """Several declarations in one ``responses=``, e.g. ``responses(FORBIDDEN, CONFLICT)``."""
    merged: dict[int, ResponseSpec] = {}
    for spec in specs:
        merged.update(spec)
    return merged


def closed_object(properties: Mapping[str, Schema], required: Iterable[str] = ()) -> dict[str, Any]:
    """``schema_extra`` for a JSON body taken as a mapping (``dict[str, Any]``) whose handler refuses every other key
    with a field error: the document names the keys and says no others are taken."""
    return {"properties": dict(properties), "required": list(required) or None, "additional_properties": False}


BEARER_SCHEME = "bearerToken"


def declare_bearer_security(app_config: AppConfig) -> AppConfig:
    """``on_app_init``, after the session auth's: the document says how the API authenticates, with a personal bearer
    token; the session cookie that the session auth would declare serves the pages only, which are not in it."""
    if app_config.openapi_config is not None:
        config = app_config.openapi_config = copy(app_config.openapi_config)
        scheme = SecurityScheme(
            type="http", scheme="bearer", description="A personal token from `casemgmt tokens create`."
        )
        config.components = Components(security_schemes={BEARER_SCHEME: scheme})
        config.security = [{BEARER_SCHEME: []}]
    return app_config

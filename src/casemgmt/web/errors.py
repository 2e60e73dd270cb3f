"""Errors as Dutch pages without stack traces for browsers, as JSON with field details for the API.

Input that Litestar itself refuses before a handler runs (a wrong type in a query parameter, a body that is not
JSON or does not fit the request model) answers like the project's own ``InvalidInput``: 422 with
``{"status_code", "detail", "extra": [{"field", "message"}]}`` and Dutch messages, and the Dutch error page for pages.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pydantic
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotAuthorizedException,
    SerializationException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import OperationalError

from casemgmt.errors import DomainError, FieldError, InvalidInput
from casemgmt.web.security import request_id_of

log = logging.getLogger(__name__)

TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet ingelogd",
    403: "Geen toegang",
    404: "Pagina niet gevonden",
    405: "Niet toegestaan",
    409: "Conflict",
    413: "Te veel gegevens",
    422: "Controleer de invoer",
    429: "Te veel pogingen",
    500: "Er ging iets mis",
    503: "Tijdelijk niet beschikbaar",
}
MESSAGES = {
    403: "U heeft geen toegang tot deze pagina.",
    404: "De pagina die u zoekt bestaat niet (meer). Controleer het adres.",
    413: "U stuurt meer gegevens dan hier mogelijk is. Maak de tekst of het bestand kleiner en probeer het opnieuw.",
    500: "Er ging iets mis aan onze kant. Probeer het later opnieuw; blijft het misgaan, meld het dan bij "
    "functioneel beheer.",
}


def is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.startswith("/health")


def _json(status: int, detail: str, extra: Any = None) -> Response[Any]:
    body: dict[str, Any] = {"status_code": status, "detail": detail}
    if extra:
        body["extra"] = extra
    return Response(body, status_code=status, media_type=MediaType.JSON)


def _page(request: Request[Any, Any, Any], status: int, message: str) -> Response[Any]:
    context = {"status": status, "title": TITLES.get(status, "Fout"), "message": message}
    return Template("errors/error.html", context=context, status_code=status)


def _dutch_detail(exc: HTTPException) -> str:
    detail = exc.detail or ""
    if "CSRF" in detail:
        return "Het formulier is verlopen of ongeldig (CSRF-controle). Laad de pagina opnieuw en probeer het nog eens."
    if exc.status_code in (404, 413):
        return MESSAGES[exc.status_code]
    if exc.status_code == 405:
        return "Deze handeling is hier niet toegestaan."
    if exc.status_code == 403 and detail in ("", "Forbidden"):
        return MESSAGES[403]
    return detail


CHECK_INPUT = "Controleer de invoer."
NOT_JSON = "De inhoud is geen geldige JSON."

_REQUIRED_FIELD = re.compile(r"missing required field `([^`]+)`", re.IGNORECASE)
_EXPECTED = re.compile(r"Expected `([^`]+)`")
"""msgspec's wording: ``Expected `int | null`, got `str```."""
_BY_TYPE = {
    "int": "Vul een geheel getal in.",
    "float": "Vul een getal in.",
    "bool": "Vul true of false in.",
    "str": "Vul tekst in.",
    "object": "Verwacht een JSON-object.",
    "array": "Verwacht een lijst.",
    "datetime": "Vul een geldig moment in (ISO 8601, bijvoorbeeld 2026-03-02T10:00:00+01:00).",
    "date": "Vul een geldige datum in (JJJJ-MM-DD).",
}
OUT_OF_RANGE = "Deze waarde valt buiten het toegestane bereik."
_BY_WORDING = (
    # pydantic's (and msgspec's other) wording → the Dutch message
    (re.compile(r"greater than|less than|[<>]=|at least|at most|too (long|short)", re.IGNORECASE), OUT_OF_RANGE),
    (re.compile(r"required|missing", re.IGNORECASE), "Dit veld is verplicht."),
    (re.compile(r"valid integer|whole number", re.IGNORECASE), _BY_TYPE["int"]),
    (re.compile(r"valid number", re.IGNORECASE), _BY_TYPE["float"]),
    (re.compile(r"valid boolean", re.IGNORECASE), _BY_TYPE["bool"]),
    (re.compile(r"datetime", re.IGNORECASE), _BY_TYPE["datetime"]),
    (re.compile(r"date", re.IGNORECASE), _BY_TYPE["date"]),
    (re.compile(r"valid dictionary|instance of", re.IGNORECASE), _BY_TYPE["object"]),
    (re.compile(r"valid list|valid array", re.IGNORECASE), _BY_TYPE["array"]),
    (re.compile(r"valid string", re.IGNORECASE), _BY_TYPE["str"]),
    (re.compile(r"input should be|invalid enum|expected one of", re.IGNORECASE), "Kies een van de toegestane waarden."),
)
GENERIC_MESSAGES = frozenset({*_BY_TYPE.values(), *(dutch for _, dutch in _BY_WORDING), "Ongeldige waarde."})
"""Every message Litestar's own refusals can carry (``tests/fuzz`` tells them from the domain rules' messages)."""


def _dutch_field_message(message: str) -> str:
    if re.search(r"`\s*[<>]=?|length", message):  # msgspec: "Expected `int` >= 1", "Expected `str` of length <= 9"
        return OUT_OF_RANGE
    if expected := _EXPECTED.search(message):
        for name in (part.strip() for part in expected.group(1).split("|")):
            if name in _BY_TYPE:
                return _BY_TYPE[name]
    for pattern, dutch in _BY_WORDING:
        if pattern.search(message):
            return dutch
    return "Ongeldige waarde."


def field_errors(exc: ValidationException) -> list[FieldError]:
    """Litestar's own validation messages (``extra``: ``{"message", "key", "source"}`` per problem) as field errors
    with Dutch messages; a problem of the body as a whole is named ``body``."""
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", ""))
        field = str(item.get("key") or "body")
        if required := _REQUIRED_FIELD.search(message):
            field = required.group(1)
        if field == "data":
            field = "body"
        errors.append(FieldError(field, _dutch_field_message(message)))
    return errors or [FieldError("body", "Ongeldige invoer.")]


def refused_input(exc: HTTPException) -> InvalidInput | None:
    """The project's ``InvalidInput`` for what Litestar refused before any handler ran: a ``ValidationException``
    (a parameter or body that does not fit its declaration) or a body that is not JSON at all (Litestar answers that
    with a plain 400 ``ClientException`` caused by a ``SerializationException``)."""
    if isinstance(exc, ValidationException):
        return InvalidInput(field_errors(exc), CHECK_INPUT)
    if type(exc) is ClientException and isinstance(exc.__cause__, SerializationException):
        return InvalidInput(FieldError("body", NOT_JSON), CHECK_INPUT)
    return None


def handle_model_error(request: Request[Any, Any, Any], exc: pydantic.ValidationError) -> Response[Any]:
    """A request model built by a handler from what a page posted (``CommitmentCreate(owner_id=0)``) that does not
    fit its declaration: the same 422 as when Litestar refuses a body, never a 500."""
    errors = [
        FieldError(".".join(str(part) for part in error["loc"]) or "body", _dutch_field_message(error["msg"]))
        for error in exc.errors()
    ]
    return handle_domain_error(request, InvalidInput(errors or [FieldError("body", "Ongeldige invoer.")], CHECK_INPUT))


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """The Dutch page or the JSON error, keeping the headers the exception carries (the ``Allow`` of a 405)."""
    response = _http_error(request, exc)
    for name, value in (exc.headers or {}).items():
        response.headers.setdefault(name, value)
    return response


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if (invalid := refused_input(exc)) is not None:
        return handle_domain_error(request, invalid)
    if is_api(request):
        detail = MESSAGES[413] if status == 413 else exc.detail
        return _json(status, detail, exc.extra if isinstance(exc.extra, list | dict) else None)
    if isinstance(exc, NotAuthorizedException) or status == 401:
        target = "/login"
        if request.method == "GET" and request.url.path not in ("/", "/login"):
            target = f"/login?next={request.url.path}"
        if request.headers.get("hx-request"):
            return Response(None, status_code=204, headers={"HX-Redirect": target})
        return Redirect(target, status_code=303)
    if status >= 500:
        return _page(request, status, MESSAGES[500])
    return _page(request, status, _dutch_detail(exc))


def handle_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if is_api(request):
        extra = (
            [{"field": e.field, "message": e.message} for e in exc.errors]
            if isinstance(exc, InvalidInput)
            else (dict(exc.extra) if exc.extra else None)
        )
        return _json(exc.status_code, exc.message, extra)
    if isinstance(exc, InvalidInput):  # a form handles its own; what reaches here names the fields' problems
        return _page(request, exc.status_code, " ".join(dict.fromkeys(e.message for e in exc.errors)))
    return _page(request, exc.status_code, exc.message)


def handle_server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception(
        "unhandled error on %s %s (request id %s)",
        request.method,
        request.url.path,
        request_id_of(request.scope),
        exc_info=exc,
    )
    if isinstance(exc, OperationalError):
        status = 503
        message = "De database is op dit moment niet bereikbaar. Probeer het over enkele minuten opnieuw."
    else:
        status, message = HTTP_500_INTERNAL_SERVER_ERROR, MESSAGES[500]
    if is_api(request):
        return _json(status, TITLES[status])
    return _page(request, status, f"{message} Vermeld daarbij het kenmerk {request_id_of(request.scope)}.")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    HTTPException: handle_http_exception,
    DomainError: handle_domain_error,
    pydantic.ValidationError: handle_model_error,
    Exception: handle_server_error,
}

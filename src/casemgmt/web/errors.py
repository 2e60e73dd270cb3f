"""Errors as Dutch pages without stack traces for browsers, as JSON with field details for the API."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import OperationalError

from casemgmt.errors import DomainError, InvalidInput

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


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """The Dutch page or the JSON error, keeping the headers the exception carries (the ``Allow`` of a 405)."""
    response = _http_error(request, exc)
    for name, value in (exc.headers or {}).items():
        response.headers.setdefault(name, value)
    return response


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if isinstance(exc, ValidationException) and is_api(request):
        return _json(400 if status == 400 else status, exc.detail, exc.extra)
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
            [{"field": e.field, "message": e.message} for e in exc.errors] if isinstance(exc, InvalidInput) else None
        )
        return _json(exc.status_code, exc.message, extra)
    if isinstance(exc, InvalidInput):  # a form handles its own; what reaches here names the fields' problems
        return _page(request, exc.status_code, " ".join(dict.fromkeys(e.message for e in exc.errors)))
    return _page(request, exc.status_code, exc.message)


def handle_server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if isinstance(exc, OperationalError):
        status = 503
        message = "De database is op dit moment niet bereikbaar. Probeer het over enkele minuten opnieuw."
    else:
        status, message = HTTP_500_INTERNAL_SERVER_ERROR, MESSAGES[500]
    if is_api(request):
        return _json(status, TITLES[status])
    return _page(request, status, message)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    HTTPException: handle_http_exception,
    DomainError: handle_domain_error,
    Exception: handle_server_error,
}

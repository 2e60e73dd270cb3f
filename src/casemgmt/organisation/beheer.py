"""Beheer (``/beheer``, admins only): the start page of the administration, a card for every admin page the app
has. A card names its page by route name (and, for pages other branches add, also by path), and is shown only when
that route exists at render time, so a page that is not (yet) there leaves out its card rather than breaking the
page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, get
from litestar.exceptions import NoRouteMatchFoundException
from litestar.response import Template

from casemgmt.auth.guards import requires_admin


@dataclass(frozen=True)
class Card:
    title: str
    text: str
    route: str
    path: str


CARDS = (
    Card(
        "Gebruikers",
        "Medewerkers aanmaken, rollen, diensten, caseload en direct nummer; deactiveren.",
        "users.admin",
        "/beheer/gebruikers",
    ),
    Card("Diensten", "Telefoonnummer, openingstijden en normen van elke dienst.", "services.admin", "/beheer/diensten"),
    Card(
        "Onderwerpen",
        "De onderwerpen per dienst waaronder het KCC een contact vastlegt.",
        "topics.admin",
        "/beheer/onderwerpen",
    ),
    Card(
        "Afdelingen",
        "De afdelingen onder elke dienst, met telefoon en openingstijden.",
        "departments.admin",
        "/beheer/afdelingen",
    ),
    Card(
        "Coördinatoren",
        "Wie per dienst hoort van escalaties over de norm.",
        "coordinators.admin",
        "/beheer/coordinatoren",
    ),
    Card("Pilots", "De geladen pilotdefinities en hun status.", "pilots.admin", "/beheer/pilots"),
    Card(
        "Uitgaande mail",
        "De e-mails die casemgmt verstuurt of nog moet versturen.",
        "outbox.list",
        "/beheer/uitgaande-mail",
    ),
    Card("Logboek", "Wie welke persoonsgegevens las of wijzigde, en waarom.", "audit.log", "/logboek"),
    Card(
        "API-tokens", "Alle persoonlijke API-tokens met hun eigenaar; intrekken.", "tokens.admin", "/beheer/api-tokens"
    ),
)


def available_cards(request: Request[Any, Any, Any]) -> list[tuple[Card, str]]:
    """The cards whose page exists in this app, each with its address."""
    app = request.app
    paths = {route.path for route in app.routes}
    found: list[tuple[Card, str]] = []
    for card in CARDS:
        try:
            found.append((card, app.route_reverse(card.route)))
        except NoRouteMatchFoundException:
            if card.path in paths:
                found.append((card, card.path))
    return found


@get("/beheer", name="beheer", guards=[requires_admin], include_in_schema=False)
async def beheer_page(request: Request[Any, Any, Any]) -> Template:
    return Template("organisation/beheer.html", context={"cards": available_cards(request)})


PAGE_HANDLERS: list[Any] = [beheer_page]

"""The access matrix (issue 11): every route of the app, for each of the six personas, on an own and a foreign object.

The routes are read from Litestar's route table (``app.routes``), so a new route without a row in ``TABLE`` fails
``test_every_route_is_in_the_table`` with its name. Each row names a rule: who may use the route at all, and who only
on an object they are involved in ("own"; DESIGN.md "Need to know", ``dossiers/access.py`` and the services'
checks). ``test_matrix[persona]`` builds ``tests/worlds/matrix.py`` once and makes one real request per cell:

- allowed: anything but 401, 403, 404, a redirect to ``/login`` or a 5xx (a 422 for the minimal body is fine: the
  point is the access decision);
- refused: 401 or 403, 404 where the app hides the object, or (anonymous pages) a redirect to ``/login``.

Every body the evaluator and the anonymous visitor get is scanned for every client name and BSN of the world. Rows
that show one client (``client_view``) also check need to know: the client's address (only in the full record) is
in the body exactly where ``FULL_CLIENT`` says, so an uninvolved casemanager or accountmanager gets the limited view.
Cells run reads first, then writes (a write by an allowed persona may change the world: the bodies are minimal, so
most allowed writes answer 422 after the access check and change nothing), and logging out and in last.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar

from tests.worlds.matrix import PERSONA_USERS, MatrixWorld, Objects, arrange
from tests.worlds.personas import csrf_token, login

pytestmark = pytest.mark.anyio

# ---------------------------------------------------------------------------------------------------------- rules

ANONYMOUS, KCC, CM, AM, EVALUATOR, ADMIN = (
    "anonymous",
    "kcc_agent",
    "casemanager",
    "accountmanager",
    "evaluator",
    "admin",
)
PERSONAS = (ANONYMOUS, KCC, CM, AM, EVALUATOR, ADMIN)
OWN, FOREIGN = "own", "foreign"


@dataclass(frozen=True)
class Rule:
    """Who may use a route: ``always`` on every object, ``own`` only on an object they are involved in."""

    name: str
    always: frozenset[str]
    own: frozenset[str] = frozenset()

    def allows(self, persona: str, ownership: str) -> bool:
        return persona in self.always or (ownership == OWN and persona in self.own)


def rule(name: str, *always: str, own: tuple[str, ...] = ()) -> Rule:
    return Rule(name, frozenset(always), frozenset(own))


PUBLIC = rule("PUBLIC", *PERSONAS)
LOGGED_IN = rule("LOGGED_IN", KCC, CM, AM, EVALUATOR, ADMIN)
EMPLOYEES = rule("EMPLOYEES", KCC, CM, AM, ADMIN)  # everyone who works with personal data: not the evaluator
CREATORS = rule("CREATORS", KCC, CM, ADMIN)  # register clients and representatives
CASEWORKERS = rule("CASEWORKERS", CM, AM, ADMIN)  # Mijn dossiers
OPENERS = rule("OPENERS", CM, ADMIN)  # open a dossier
CALLBACKS = rule("CALLBACKS", KCC, ADMIN)  # Terugbelnotities: the KCC directs callbacks
EVALUATION = rule("EVALUATION", EVALUATOR, ADMIN)
ADMIN_ONLY = rule("ADMIN", ADMIN)
NOBODY = rule("NOBODY")  # a path that names nothing (an unknown form): 404
# on one object (dossiers/access.py; the services' own checks)
DOSSIER_READ = rule("DOSSIER_READ", KCC, ADMIN, own=(CM, AM))  # KCC reads every dossier (it routes callers)
DOSSIER_CONTACT = rule("DOSSIER_CONTACT", KCC, ADMIN, own=(CM, AM))  # log contacts and promises on it
DOSSIER_WRITE = rule("DOSSIER_WRITE", ADMIN, own=(CM, AM))  # current assignees and admins only
COMMITMENT = rule("COMMITMENT", ADMIN, own=(CM, AM))  # owner, maker, current assignees, team members, admin (KCC:
# only the callbacks they made, none here)
PICK_UP = rule("PICK_UP", own=(AM,))  # the members of the owning team (the own commitment is team SZW's)
HANDOFF_RECEIVER = rule("HANDOFF_RECEIVER", ADMIN, own=(AM,))  # accept, decline: the addressed employee/service
HANDOFF_REQUESTER = rule("HANDOFF_REQUESTER", ADMIN, own=(CM,))  # cancel: who asked for it
ESCALATION_READ = rule("ESCALATION_READ", KCC, ADMIN, own=(CM, AM))  # asker, the service, the casemanager
ESCALATION_ANSWER = rule("ESCALATION_ANSWER", ADMIN, own=(AM,))  # the service's accountmanagers
ENROLER = rule("ENROLER", ADMIN, own=(CM,))  # the dossier's casemanager (before the first contact) or an admin
TIME_ENTRY = rule("TIME_ENTRY", ADMIN, own=(CM, AM))  # who is or was on the dossier
CLIENT = EMPLOYEES  # every employee finds a client and reads its limited view (name, pseudonym, last digits)
FULL_CLIENT = rule("FULL_CLIENT", KCC, ADMIN, own=(CM, AM))  # need to know: the full record (clients/access.py)
CORRECTORS = rule("CORRECTORS", KCC, ADMIN, own=(CM,))  # correct details: a creator's role and the full record
OWN_NOTIFICATION = rule("OWN_NOTIFICATION", own=(KCC, CM, AM, EVALUATOR, ADMIN))  # one's own only; another's: 404
IDENTIFIERS = rule("IDENTIFIERS", KCC, ADMIN, own=(CM,))  # identify/merge: creators who see the full record
ARTICLE_WRITERS = rule("ARTICLE_WRITERS", AM, ADMIN)  # write kennisbank articles (of their services; admins all)
ARTICLE_WRITE = rule("ARTICLE_WRITE", ADMIN, own=(AM,))  # change one: its service's accountmanagers, admins
OWN_TOKEN = rule("OWN_TOKEN", own=(KCC, CM, AM, EVALUATOR, ADMIN))  # one's own API token; another's: 404
KLANTBEELD_OPENERS = rule("KLANTBEELD_OPENERS", ADMIN, own=(CM,))  # Nieuw dossier in place: opener, full record
FLAG_RESOLVER = rule("FLAG_RESOLVER", ADMIN, own=(AM,))  # the article's owner, its service's accountmanagers
KNOWLEDGE_PANEL = rule("KNOWLEDGE_PANEL", AM)  # the Werkvoorraad's Kennisbank: accountmanagers (others 404)


STALE = 999_999
"""A version no article has: a write by who may answers 409 after the access decision and changes nothing."""


def a_bsn(c: Any) -> dict[str, Any]:
    """A valid BSN: the access decision comes first, then the rule answers 422 (the world's clients are identified)."""
    return {"bsn": "123456782"}


@dataclass(frozen=True)
class Ctx:
    """What a row's body, query and path parameters are made of: the world, one side of it, the persona."""

    world: MatrixWorld
    o: Objects
    persona: str

    @property
    def cm_id(self) -> int:
        return self.world.people["cm"].id


Make = Callable[[Ctx], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    rule: Rule | dict[str, Rule]
    """One rule, or one per value of the path's ``{action}``/``{panel}``."""
    body: Make | None = None
    query: Make | None = None
    params: Make | None = None
    per_object: bool = False
    """The body or query names an object (own and foreign are both tried); path ids imply it."""
    last: int = 0
    """Cells of rows with a higher ``last`` run later (logging out and in)."""
    client_view: bool = False
    """The answer shows the cell's client: full (with its address) as ``FULL_CLIENT`` says, else limited."""


def row(rule_: Rule | dict[str, Rule], **kwargs: Any) -> Row:
    return Row(rule_, **kwargs)


def on(o: Callable[[Objects], int], **extra: Any) -> Make:
    """A body or query naming a dossier of the cell's side: ``on(lambda o: o.dossier)`` → ``{"dossier_id": …}``."""
    return lambda c: {"dossier_id": o(c.o), **extra}


DOSSIER = on(lambda o: o.dossier)


def empty_body(case: Any) -> dict[str, Any]:
    """An empty body: enough to reach the access decision; the handler may then answer 422."""
    return {}


def own_login(c: Ctx) -> dict[str, str]:
    """Logging in with valid credentials: the persona's own (the anonymous visitor's: the evaluator's)."""
    person = c.world.person(EVALUATOR if c.persona == ANONYMOUS else c.persona)
    return {"email": person.email, "password": person.password}


BLANK_CONTACT = {"channel": "", "direction": "", "service": "", "outcome": "", "transfers": 0, "summary": ""}
"""The fields a contact requires, blank: the body fits its model, the access decision comes first, the rule then
answers 422."""

COMMITMENT_ACTIONS = {
    "nagekomen": COMMITMENT,
    "niet-nagekomen": COMMITMENT,
    "intrekken": COMMITMENT,
    "overdragen": COMMITMENT,
    "verzetten": COMMITMENT,
    "oppakken": PICK_UP,
}
HANDOFF_ACTIONS = {"accepteren": HANDOFF_RECEIVER, "weigeren": HANDOFF_RECEIVER, "intrekken": HANDOFF_REQUESTER}
PANELS = {panel: EMPLOYEES for panel in ("toezeggingen", "dienst", "overdrachten", "escalaties", "dossiers")}

TABLE: dict[tuple[str, str], Row] = {
    # -- the API (bearer tokens) ------------------------------------------------------------------------------
    ("GET", "/api/v1/me"): row(LOGGED_IN),
    ("GET", "/api/v1/users"): row(EMPLOYEES),
    ("PATCH", "/api/v1/users/{user_id:int}"): row(ADMIN_ONLY, body=empty_body),
    ("POST", "/api/v1/users"): row(ADMIN_ONLY, body=empty_body),
    # personal API tokens (issue 17): one's own (another's is 404), and all of them for admins; the token revoked is
    # a spare one, never the one the matrix calls with
    ("GET", "/api/v1/me/tokens"): row(LOGGED_IN),
    ("POST", "/api/v1/me/tokens"): row(LOGGED_IN, body=empty_body),
    ("DELETE", "/api/v1/me/tokens/{token_id:int}"): row(OWN_TOKEN),
    ("GET", "/api/v1/tokens"): row(ADMIN_ONLY),
    ("DELETE", "/api/v1/tokens/{token_id:int}"): row(ADMIN_ONLY),
    ("GET", "/api/v1/services"): row(EMPLOYEES),
    ("GET", "/api/v1/departments"): row(LOGGED_IN),  # no personal data; the contact form needs the list
    ("POST", "/api/v1/departments"): row(ADMIN_ONLY, body=empty_body),
    ("PATCH", "/api/v1/departments/{department_id:int}"): row(ADMIN_ONLY, body=empty_body),
    ("GET", "/api/v1/services/{code:str}"): row(EMPLOYEES),
    # an empty body names no version: 422 for the admin, nothing written
    ("PATCH", "/api/v1/services/{code:str}"): row(ADMIN_ONLY, body=empty_body),
    ("GET", "/api/v1/services/{code:str}/coordinators"): row(EMPLOYEES),
    ("PUT", "/api/v1/services/{code:str}/coordinators/{user_id:int}"): row(ADMIN_ONLY),
    ("DELETE", "/api/v1/services/{code:str}/coordinators/{user_id:int}"): row(ADMIN_ONLY),
    ("POST", "/api/v1/pilots/reload"): row(ADMIN_ONLY),
    ("GET", "/api/v1/topics"): row(LOGGED_IN),
    ("GET", "/api/v1/audit"): row(ADMIN_ONLY),
    ("GET", "/api/v1/outbox"): row(ADMIN_ONLY),
    ("GET", "/api/v1/clients"): row(CLIENT, query=lambda c: {"q": c.o.client_name}, per_object=True, client_view=True),
    ("POST", "/api/v1/clients"): row(CREATORS, body=lambda c: {"kind": "person"}),
    ("GET", "/api/v1/clients/{client_id:int}"): row(CLIENT, client_view=True),
    ("GET", "/api/v1/clients/{client_id:int}/routing"): row(CLIENT, client_view=True),
    # the version read and nothing to change: 200 without a new version, so every cell may run in any order
    ("PATCH", "/api/v1/clients/{client_id:int}"): row(CORRECTORS, body=lambda c: {"version": 1}, client_view=True),
    ("GET", "/api/v1/clients/{client_id:int}/changes"): row(FULL_CLIENT),
    ("GET", "/api/v1/clients/{client_id:int}/timeline"): row(FULL_CLIENT),
    ("GET", "/api/v1/clients/{client_id:int}/dossiers"): row(FULL_CLIENT),
    ("POST", "/api/v1/clients/{client_id:int}/inzage"): row(EMPLOYEES, body=empty_body),
    ("POST", "/api/v1/clients/{client_id:int}/representatives"): row(CREATORS, body=empty_body),
    ("POST", "/api/v1/clients/{client_id:int}/identify"): row(IDENTIFIERS, body=a_bsn),
    ("GET", "/api/v1/representatives"): row(EMPLOYEES, query=lambda c: {"q": "Wijk"}),
    ("GET", "/api/v1/representatives/{representative_id:int}"): row(EMPLOYEES),
    ("GET", "/api/v1/dossiers"): row(EMPLOYEES),
    ("POST", "/api/v1/dossiers"): row(OPENERS, body=empty_body),
    ("GET", "/api/v1/dossiers/export"): row(ADMIN_ONLY),
    ("POST", "/api/v1/dossiers/import"): row(ADMIN_ONLY),
    ("GET", "/api/v1/dossiers/{dossier_id:int}"): row(DOSSIER_READ),
    ("PATCH", "/api/v1/dossiers/{dossier_id:int}"): row(DOSSIER_WRITE, body=lambda c: {"version": 0}),
    ("GET", "/api/v1/dossiers/{dossier_id:int}/timeline"): row(DOSSIER_READ),
    ("PUT", "/api/v1/dossiers/{dossier_id:int}/assignments/{service:str}"): row(DOSSIER_WRITE, body=empty_body),
    ("POST", "/api/v1/contacts"): row(
        DOSSIER_CONTACT,
        body=lambda c: {"client_id": c.o.client, "dossier_id": c.o.dossier, **BLANK_CONTACT},
        per_object=True,
    ),
    ("PATCH", "/api/v1/contacts/{contact_id:int}"): row(DOSSIER_CONTACT, body=DOSSIER),
    ("GET", "/api/v1/commitments"): row(EMPLOYEES),
    ("POST", "/api/v1/commitments"): row(
        DOSSIER_CONTACT,
        body=lambda c: {
            "client_id": c.o.client,
            "dossier_id": c.o.dossier,
            "kind": "callback",
            "description": "Ik bel u morgen terug.",
            "owner_id": c.cm_id,
        },
        per_object=True,
    ),
    ("POST", "/api/v1/commitments/{commitment_id:int}/fulfil"): row(COMMITMENT, body=lambda c: {"note": ""}),
    ("POST", "/api/v1/commitments/{commitment_id:int}/miss"): row(COMMITMENT, body=lambda c: {"note": ""}),
    ("POST", "/api/v1/commitments/{commitment_id:int}/cancel"): row(COMMITMENT, body=lambda c: {"reason": ""}),
    ("POST", "/api/v1/commitments/{commitment_id:int}/reassign"): row(
        COMMITMENT, body=lambda c: {"owner_id": c.cm_id, "reason": ""}
    ),
    ("POST", "/api/v1/commitments/{commitment_id:int}/pick-up"): row(PICK_UP),
    ("POST", "/api/v1/commitments/{commitment_id:int}/reschedule"): row(
        COMMITMENT, body=lambda c: {"due_at": "2099-01-01T10:00:00Z", "reason": ""}
    ),
    ("POST", "/api/v1/handoffs"): row(
        DOSSIER_WRITE, body=on(lambda o: o.dossier, to_service="", reason="", context=""), per_object=True
    ),
    ("POST", "/api/v1/handoffs/{handoff_id:int}/accept"): row(HANDOFF_RECEIVER),
    ("POST", "/api/v1/handoffs/{handoff_id:int}/decline"): row(HANDOFF_RECEIVER, body=lambda c: {"reason": ""}),
    ("POST", "/api/v1/handoffs/{handoff_id:int}/cancel"): row(HANDOFF_REQUESTER),
    ("GET", "/api/v1/escalations"): row(EMPLOYEES),
    ("POST", "/api/v1/articles/{article_id:int}/flags"): row(EMPLOYEES, body=lambda c: {"kind": ""}),
    ("POST", "/api/v1/articles/{article_id:int}/flags/{flag_id:int}/resolve"): row(
        FLAG_RESOLVER, body=lambda c: {"resolution": ""}
    ),
    ("POST", "/api/v1/escalations"): row(
        DOSSIER_READ, body=on(lambda o: o.dossier, service="OCW", question="Mag dit?"), per_object=True
    ),
    ("POST", "/api/v1/escalations/{escalation_id:int}/answer"): row(ESCALATION_ANSWER, body=lambda c: {"answer": ""}),
    ("PUT", "/api/v1/escalations/{escalation_id:int}/reusable-answer"): row(
        ESCALATION_ANSWER, body=lambda c: {"title": "", "answer": "", "no_personal_data": False}
    ),
    ("GET", "/api/v1/answers"): row(EMPLOYEES),
    ("GET", "/api/v1/articles"): row(EMPLOYEES),
    ("GET", "/api/v1/articles/{article_id:int}"): row(EMPLOYEES),  # both articles are published
    ("POST", "/api/v1/articles"): row(ARTICLE_WRITERS, body=lambda c: {"service": "SZW", "question": " "}),
    ("PATCH", "/api/v1/articles/{article_id:int}"): row(ARTICLE_WRITE, body=lambda c: {"version": STALE}),
    ("POST", "/api/v1/articles/{article_id:int}/publish"): row(ARTICLE_WRITE, body=lambda c: {"version": STALE}),
    ("POST", "/api/v1/articles/{article_id:int}/withdraw"): row(
        ARTICLE_WRITE, body=lambda c: {"reason": "Vervallen", "version": STALE}
    ),
    ("GET", "/api/v1/worklist"): row(EMPLOYEES),
    ("GET", "/api/v1/pilots"): row(LOGGED_IN),
    ("POST", "/api/v1/pilots/{slug:str}/enrolments"): row(ENROLER, body=on(lambda o: o.enrolled), per_object=True),
    ("PATCH", "/api/v1/pilots/{slug:str}/enrolments/{dossier_id:int}"): row(
        ENROLER, params=lambda c: {"dossier_id": c.o.enrolled}, body=lambda c: {"cohort": "control", "reason": ""}
    ),
    ("GET", "/api/v1/pilots/{slug:str}/metrics"): row(EVALUATION),
    ("GET", "/api/v1/pilots/{slug:str}/export.csv"): row(EVALUATION),
    ("GET", "/api/v1/pilots/{slug:str}/export.xlsx"): row(EVALUATION),
    ("POST", "/api/v1/time-entries"): row(
        TIME_ENTRY, body=on(lambda o: o.dossier, minutes=0, activity="contact"), per_object=True
    ),
    ("GET", "/api/v1/metrics/survey"): row(EVALUATION),
    ("GET", "/api/v1/trends"): row(EVALUATION),
    ("GET", "/api/v1/trends/export.csv"): row(EVALUATION),
    ("GET", "/api/v1/trends/export.xlsx"): row(EVALUATION),
    ("POST", "/api/v1/surveys"): row(EVALUATION, body=empty_body),
    ("POST", "/api/v1/surveys/import"): row(EVALUATION),
    ("GET", "/api/v1/notifications"): row(LOGGED_IN, query=lambda c: {"unread": "true"}),
    ("POST", "/api/v1/notifications/{notification_id:int}/read"): row(OWN_NOTIFICATION),
    ("GET", "/api/v1/me/notification-settings"): row(LOGGED_IN),
    ("PUT", "/api/v1/me/notification-settings"): row(LOGGED_IN, body=lambda c: {"settings": {}}),
    # -- pages (session cookie, CSRF token) ------------------------------------------------------------------
    ("GET", "/health"): row(PUBLIC),
    ("GET", "/login"): row(PUBLIC),
    ("POST", "/login"): row(PUBLIC, body=lambda c: own_login(c), last=2),
    # OpenID Connect (the test session's provider): a redirect to the provider; the callback without a started
    # sign-in a Dutch 400 (tests/signin check each answer)
    ("GET", "/login/oidc"): row(PUBLIC),
    ("GET", "/login/oidc/callback"): row(PUBLIC),
    ("POST", "/logout"): row(LOGGED_IN, last=1),
    ("GET", "/"): row(LOGGED_IN),
    ("GET", "/start"): row(LOGGED_IN),
    ("GET", "/bereikbaarheid"): row(EMPLOYEES),
    ("GET", "/logboek"): row(ADMIN_ONLY),
    ("GET", "/beheer"): row(ADMIN_ONLY),
    ("GET", "/gebruikers"): row(ADMIN_ONLY),
    ("GET", "/beheer/gebruikers"): row(ADMIN_ONLY),
    ("GET", "/beheer/gebruikers/nieuw"): row(ADMIN_ONLY),
    ("POST", "/beheer/gebruikers"): row(ADMIN_ONLY, body=empty_body),
    ("GET", "/beheer/gebruikers/{user_id:int}"): row(ADMIN_ONLY),
    # an empty body names no version: the admin's answer is "changed meanwhile", nothing written
    ("POST", "/beheer/gebruikers/{user_id:int}"): row(ADMIN_ONLY, body=empty_body),
    ("POST", "/beheer/gebruikers/{user_id:int}/status"): row(ADMIN_ONLY, body=empty_body),
    ("GET", "/beheer/api-tokens"): row(ADMIN_ONLY),
    ("POST", "/beheer/api-tokens/{token_id:int}/intrekken"): row(ADMIN_ONLY),
    ("GET", "/account"): row(LOGGED_IN),
    ("POST", "/account/tokens"): row(LOGGED_IN, body=empty_body),
    ("POST", "/account/tokens/{token_id:int}/intrekken"): row(OWN_TOKEN),
    ("GET", "/beheer/onderwerpen"): row(ADMIN_ONLY),
    ("POST", "/beheer/onderwerpen"): row(ADMIN_ONLY, body=empty_body),
    ("POST", "/beheer/onderwerpen/{topic_id:int}/status"): row(ADMIN_ONLY, body=empty_body),
    ("GET", "/beheer/afdelingen"): row(ADMIN_ONLY),
    ("POST", "/beheer/afdelingen"): row(ADMIN_ONLY, body=empty_body),
    ("GET", "/beheer/afdelingen/{department_id:int}"): row(ADMIN_ONLY),
    ("POST", "/beheer/afdelingen/{department_id:int}"): row(ADMIN_ONLY, body=empty_body),
    # an empty body names no version: the admin's answer is "changed meanwhile" (a redirect), nothing written
    ("POST", "/beheer/afdelingen/{department_id:int}/status"): row(ADMIN_ONLY, body=empty_body),
    ("GET", "/beheer/diensten"): row(ADMIN_ONLY),
    ("GET", "/beheer/diensten/{code:str}"): row(ADMIN_ONLY),
    # an empty body names no version: the admin's answer is "changed meanwhile" (409), nothing written
    ("POST", "/beheer/diensten/{code:str}"): row(ADMIN_ONLY, body=empty_body),
    ("GET", "/beheer/coordinatoren"): row(ADMIN_ONLY),
    ("POST", "/beheer/coordinatoren"): row(ADMIN_ONLY, body=empty_body),
    ("POST", "/beheer/coordinatoren/verwijderen"): row(ADMIN_ONLY, body=empty_body),
    ("GET", "/beheer/pilots"): row(ADMIN_ONLY),
    ("POST", "/beheer/pilots/opnieuw-laden"): row(ADMIN_ONLY),
    ("GET", "/beheer/uitgaande-mail"): row(ADMIN_ONLY),
    ("GET", "/beheer/uitgaande-mail/{mail_id:int}"): row(ADMIN_ONLY),
    ("GET", "/klanten"): row(EMPLOYEES),
    ("POST", "/klanten"): row(CREATORS, body=empty_body),
    ("GET", "/klanten/nieuw"): row(CREATORS),
    ("GET", "/klanten/zoeken"): row(CLIENT, query=lambda c: {"q": c.o.client_name}, per_object=True, client_view=True),
    ("GET", "/klanten/{client_id:int}"): row(CLIENT, client_view=True),
    ("GET", "/klanten/{client_id:int}/routering"): row(CLIENT, client_view=True),
    ("GET", "/klanten/{client_id:int}/tijdlijn"): row(FULL_CLIENT),
    ("POST", "/klanten/{client_id:int}/inzage"): row(EMPLOYEES, body=empty_body),
    ("POST", "/klanten/{client_id:int}/gegevens"): row(CORRECTORS, body=empty_body),
    ("POST", "/klanten/{client_id:int}/vertegenwoordigers"): row(CREATORS, body=empty_body),
    ("POST", "/klanten/{client_id:int}/identificeren"): row(IDENTIFIERS, body=a_bsn),
    # the klantbeeld's actions in place (issue 15, casefile/client_actions.py): the full record; a new dossier also
    # needs the opener's role (the KCC gets the refusal in the panel, 403)
    ("GET", "/klanten/{client_id:int}/acties/contact"): row(FULL_CLIENT),
    ("GET", "/klanten/{client_id:int}/acties/escalatie"): row(FULL_CLIENT),
    ("GET", "/klanten/{client_id:int}/acties/dossier"): row(KLANTBEELD_OPENERS),
    ("POST", "/klanten/{client_id:int}/acties/contact"): row(FULL_CLIENT, body=empty_body),
    ("POST", "/klanten/{client_id:int}/acties/escalatie"): row(FULL_CLIENT, body=empty_body),
    ("POST", "/klanten/{client_id:int}/acties/dossier"): row(KLANTBEELD_OPENERS, body=empty_body),
    ("GET", "/vertegenwoordigers/zoeken"): row(EMPLOYEES, query=lambda c: {"q": "Wijk", "klant": c.o.client}),
    ("GET", "/vertegenwoordigers/{representative_id:int}"): row(EMPLOYEES),
    ("GET", "/contacten/nieuw"): row(DOSSIER_CONTACT, query=DOSSIER, per_object=True),
    ("POST", "/contacten"): row(
        DOSSIER_CONTACT, body=lambda c: {"client_id": str(c.o.client), "dossier_id": str(c.o.dossier)}, per_object=True
    ),
    ("GET", "/dossiers"): row(CASEWORKERS),
    ("POST", "/dossiers"): row(OPENERS, body=empty_body),
    ("GET", "/dossiers/nieuw"): row(OPENERS),
    ("GET", "/dossiers/{dossier_id:int}"): row(DOSSIER_READ),
    ("GET", "/dossiers/{dossier_id:int}/tijdlijn"): row(DOSSIER_READ),
    ("GET", "/dossiers/{dossier_id:int}/afgehandeld"): row(DOSSIER_READ),
    # a folded action's form, loaded when opened: refused exactly as the form's POST (issue 18)
    ("GET", "/dossiers/{dossier_id:int}/formulier/{action:str}"): row(
        {
            **dict.fromkeys(("contact", "commitment", "link"), DOSSIER_CONTACT),
            **dict.fromkeys(("handoff", "status", "assign", "external_refs"), DOSSIER_WRITE),
            "onbekend": NOBODY,  # an action the page does not have: 404 for everyone
        }
    ),
    ("POST", "/dossiers/{dossier_id:int}/status"): row(DOSSIER_WRITE, body=empty_body),
    ("POST", "/dossiers/{dossier_id:int}/kenmerken"): row(DOSSIER_WRITE, body=empty_body),
    ("POST", "/dossiers/{dossier_id:int}/casemanager"): row(DOSSIER_WRITE, body=empty_body),
    ("POST", "/dossiers/{dossier_id:int}/accountmanager"): row(DOSSIER_WRITE, body=empty_body),
    ("POST", "/dossiers/{dossier_id:int}/overdrachten"): row(DOSSIER_WRITE, body=empty_body),
    ("POST", "/dossiers/{dossier_id:int}/koppelen"): row(DOSSIER_CONTACT, body=empty_body),
    ("POST", "/dossiers/{dossier_id:int}/contacten"): row(DOSSIER_CONTACT, body=empty_body),
    ("POST", "/dossiers/{dossier_id:int}/toezeggingen"): row(DOSSIER_CONTACT, body=empty_body),
    # a form's address opened as a page: back to the dossier (303), which then decides (issue 15)
    **{
        ("GET", f"/dossiers/{{dossier_id:int}}/{form}"): row(EMPLOYEES)
        for form in (
            "status",
            "kenmerken",
            "casemanager",
            "accountmanager",
            "koppelen",
            "contacten",
            "toezeggingen",
            "overdrachten",
        )
    },
    ("POST", "/toezeggingen/{commitment_id:int}/{action:str}"): row(
        COMMITMENT_ACTIONS,
        body=lambda c: {"owner_id": str(c.cm_id)},  # without an owner "overdragen" answers 422 first
    ),
    ("GET", "/toezeggingen/{commitment_id:int}/{action:str}"): row({"verzetten": COMMITMENT, "overdragen": COMMITMENT}),
    ("GET", "/terugbelnotities"): row(CALLBACKS),
    ("POST", "/overdrachten/{handoff_id:int}/{action:str}"): row(HANDOFF_ACTIONS, body=empty_body),
    ("GET", "/escalaties"): row(EMPLOYEES),
    ("POST", "/escalaties"): row(
        DOSSIER_READ,
        body=lambda c: {"service": "OCW", "question": "Mag dit?", "dossier_id": str(c.o.dossier)},
        per_object=True,
    ),
    ("GET", "/escalaties/nieuw"): row(EMPLOYEES),
    ("GET", "/escalaties/{escalation_id:int}"): row(ESCALATION_READ),
    ("POST", "/escalaties/{escalation_id:int}/antwoord"): row(ESCALATION_ANSWER, body=empty_body),
    ("POST", "/escalaties/{escalation_id:int}/herbruikbaar"): row(ESCALATION_ANSWER, body=empty_body),
    ("GET", "/antwoorden"): row(EMPLOYEES),
    ("GET", "/kennisbank"): row(EMPLOYEES),
    ("GET", "/kennisbank/nieuw"): row(ARTICLE_WRITERS),
    ("POST", "/kennisbank"): row(ARTICLE_WRITERS, body=lambda c: {"service": "SZW", "question": ""}),
    ("GET", "/kennisbank/{article_id:int}"): row(EMPLOYEES),
    ("GET", "/kennisbank/{article_id:int}/bewerken"): row(ARTICLE_WRITE),
    ("POST", "/kennisbank/{article_id:int}/bewerken"): row(ARTICLE_WRITE, body=lambda c: {"version": str(STALE)}),
    ("POST", "/kennisbank/{article_id:int}/publiceren"): row(ARTICLE_WRITE, body=lambda c: {"version": str(STALE)}),
    ("POST", "/kennisbank/{article_id:int}/intrekken"): row(
        ARTICLE_WRITE, body=lambda c: {"version": str(STALE), "reason": "Vervallen"}
    ),
    ("GET", "/werkvoorraad"): row(EMPLOYEES),
    ("GET", "/werkvoorraad/{panel:str}"): row(PANELS),
    ("GET", "/werkvoorraad/kennisbank"): row(KNOWLEDGE_PANEL),
    # -- the kennisbank in use (issue 16): flags, the contact form's picker --------------------------------------
    ("GET", "/kennisbank/{article_id:int}/meldingen"): row(EMPLOYEES),
    ("POST", "/kennisbank/{article_id:int}/meldingen"): row(EMPLOYEES, body=empty_body),
    ("POST", "/kennisbank/{article_id:int}/meldingen/{flag_id:int}/afhandelen"): row(FLAG_RESOLVER, body=empty_body),
    ("GET", "/kennisbank/kiezen"): row(EMPLOYEES, query=lambda c: {"kb_q": "bijstand"}),
    ("GET", "/kennisbank/kiezen/{article_id:int}"): row(EMPLOYEES),
    ("GET", "/tijdregistratie/nieuw"): row(TIME_ENTRY, query=DOSSIER, per_object=True),
    ("POST", "/tijdregistratie"): row(TIME_ENTRY, body=lambda c: {"dossier_id": str(c.o.dossier)}, per_object=True),
    ("GET", "/pilots"): row(EVALUATION),
    ("GET", "/pilots/{slug:str}"): row(EVALUATION),
    ("GET", "/pilots/{slug:str}/export.csv"): row(EVALUATION),
    ("GET", "/pilots/{slug:str}/export.xlsx"): row(EVALUATION),
    ("GET", "/trends"): row(EVALUATION),
    ("GET", "/trends/export.csv"): row(EVALUATION),
    ("GET", "/trends/export.xlsx"): row(EVALUATION),
    ("GET", "/tevredenheid/nieuw"): row(EVALUATION),
    ("POST", "/tevredenheid/nieuw"): row(EVALUATION, body=empty_body),
    ("GET", "/tevredenheid/import"): row(EVALUATION),
    ("POST", "/tevredenheid/import"): row(EVALUATION, body=empty_body),
    ("GET", "/meldingen"): row(LOGGED_IN),
    ("GET", "/meldingen/teller"): row(LOGGED_IN),
    ("POST", "/meldingen/{notification_id:int}/gelezen"): row(OWN_NOTIFICATION),
    ("POST", "/meldingen/alles-gelezen"): row(LOGGED_IN),
    ("GET", "/meldingen/instellingen"): row(LOGGED_IN),
    ("POST", "/meldingen/instellingen"): row(LOGGED_IN, body=empty_body),
}

EXEMPT_METHODS = {
    "HEAD": "Litestar's automatic HEAD handler of the static files",
    "OPTIONS": "Litestar's automatic OPTIONS handler of every path",
}
EXEMPT: dict[tuple[str, str], str] = {
    ("GET", "/schema"): "the OpenAPI document, public by design (ARCHITECTURE.md)",
    ("GET", "/schema/openapi.json"): "the OpenAPI document, public by design (ARCHITECTURE.md)",
    ("GET", "/schema/{path:str}"): "Litestar's 404 for the renderers the app does not serve",
    **{
        ("GET", f"/static/{folder}/{{file_path:path}}"): "static files (CSS, htmx, design tokens), public"
        for folder in ("app", "denhaag", "htmx", "utrecht")
    },
}

KNOWN: dict[tuple[str, str, str | None, str, str], str] = {}
"""Cells that answer against the table today: (method, path, variant, persona, ownership) → the reason. Strict: a known
cell that starts answering as the table says fails too, so the entry is removed once the bug is fixed."""

OBJECT_PARAMS = {
    "client_id": lambda c: c.o.client,
    "dossier_id": lambda c: c.o.dossier,
    "commitment_id": lambda c: c.o.commitment,
    "handoff_id": lambda c: c.o.handoff,
    "escalation_id": lambda c: c.o.escalation,
    "contact_id": lambda c: c.o.contact,
    "representative_id": lambda c: c.o.representative,
    "notification_id": lambda c: c.world.notification(c.persona, c.o is c.world.own),
    "article_id": lambda c: c.o.article,
    "flag_id": lambda c: c.o.flag,
    "token_id": lambda c: c.world.spare_token(c.persona, c.o is c.world.own),
}
OTHER_PARAMS = {
    "user_id": lambda c: c.world.people["other_cm"].id,
    "slug": lambda c: c.world.slug,
    "service": lambda c: "SZW",
    "code": lambda c: "SZW",
    "mail_id": lambda c: c.world.mail,
    "topic_id": lambda c: 1,  # a reference topic (loaded with the services)
    "department_id": lambda c: 1,  # a reference department (likewise)
}
PARAM = re.compile(r"\{(\w+):\w+\}")


# ---------------------------------------------------------------------------------------------------------- routes


def app_routes(app: Litestar) -> dict[tuple[str, str], str]:
    """(method, path template) → the handler's qualified name, for every handler in the app's route table."""
    routes = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods:
                routes[(method, route.path)] = f"{handler.fn.__module__}.{handler.fn.__qualname__}"
    return routes


def test_every_route_is_in_the_table(session_app: Litestar) -> None:
    routes = app_routes(session_app)
    automatic = {key: name for key, name in routes.items() if key[0] in EXEMPT_METHODS}
    assert all(name.startswith("litestar.") for name in automatic.values()), (
        "HEAD/OPTIONS are exempt only as Litestar's automatic handlers; the app declares its own: "
        f"{sorted(k for k, n in automatic.items() if not n.startswith('litestar.'))}"
    )
    checked = {key for key in routes if key[0] not in EXEMPT_METHODS}
    declared = set(TABLE) | set(EXEMPT)
    missing = sorted(checked - declared)
    stale = sorted(declared - checked)
    assert not missing, "routes without a row in the access matrix (add them to TABLE): " + ", ".join(
        f"{m} {p} ({routes[(m, p)]})" for m, p in missing
    )
    assert not stale, f"rows of the access matrix for routes the app no longer has: {stale}"
    assert not set(TABLE) & set(EXEMPT)
    print(f"\naccess matrix: {len(TABLE)} routes checked, {len(EXEMPT)} exempt, {total_cells()} cells")


# ----------------------------------------------------------------------------------------------------------- cells


@dataclass(frozen=True)
class Cell:
    method: str
    path: str
    variant: str | None
    ownership: str
    row: Row

    @property
    def rule(self) -> Rule:
        return self.row.rule[self.variant] if isinstance(self.row.rule, dict) else self.row.rule

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    def label(self, persona: str) -> str:
        variant = f" [{self.variant}]" if self.variant else ""
        return f"{self.method} {self.path}{variant} as {persona} on {self.ownership}"


def cells_for(persona: str) -> list[Cell]:
    cells = []
    for (method, path), spec in TABLE.items():
        by_object = spec.per_object or any(name in OBJECT_PARAMS for name in PARAM.findall(path))
        sides = (OWN, FOREIGN) if by_object and persona != ANONYMOUS else (OWN if by_object else "-",)
        variants: list[str | None] = list(spec.rule) if isinstance(spec.rule, dict) else [None]
        cells += [Cell(method, path, v, side, spec) for v in variants for side in sides]
    # reads before writes; then logging out, then in
    return sorted(cells, key=lambda c: (c.row.last, c.method != "GET"))


def total_cells() -> int:
    return sum(len(cells_for(persona)) for persona in PERSONAS)


def fill(cell: Cell, ctx: Ctx) -> str:
    values = {**{k: f(ctx) for k, f in OBJECT_PARAMS.items()}, **{k: f(ctx) for k, f in OTHER_PARAMS.items()}}
    values.update(action=cell.variant, panel=cell.variant)
    if cell.row.params:
        values.update(cell.row.params(ctx))
    return PARAM.sub(lambda m: str(values[m.group(1)]), cell.path)


def verdict(response: Any) -> str:
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status in (401, 403, 404):
        return "refused"
    if status in (301, 302, 303, 307) and response.headers.get("location", "").startswith("/login"):
        return "refused"
    return "allowed"


def readable(response: Any) -> str:
    """The body as text; an XLSX export's sheets unzipped."""
    content = response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    return content.decode("utf-8", "replace") + " ".join(response.headers.values())


async def request(client: Any, cell: Cell, ctx: Ctx, headers: dict[str, str], csrf: str) -> Any:
    url = fill(cell, ctx)
    query = cell.row.query(ctx) if cell.row.query else None
    kwargs: dict[str, Any] = {"params": query, "follow_redirects": False}
    if cell.api:
        kwargs["headers"] = headers
        if cell.row.body is not None:
            kwargs["json"] = cell.row.body(ctx)
    else:
        kwargs["headers"] = {"x-csrftoken": csrf} if cell.method != "GET" else {}
        if cell.row.body is not None:
            kwargs["data"] = cell.row.body(ctx)
    return await client.request(cell.method, url, **kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
async def test_matrix(client, make_user, make_token, db, tmp_path, caplog, persona) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger="httpx")  # ~150 requests: their INFO lines cost more than they tell
    world = await arrange(make_user, make_token, db, tmp_path)
    headers: dict[str, str] = {}
    if persona != ANONYMOUS:
        person = world.person(persona)
        assert (await login(client, person.email)).status_code == 303
        headers = world.tokens[PERSONA_USERS[persona]]
    csrf = await csrf_token(client, "/login")
    mismatches, known, leaks, seen = [], [], [], set()
    views = {True: 0, False: 0}  # client cells answered with the full record / the limited view
    cells = cells_for(persona)
    for cell in cells:
        ctx = Ctx(world, world.objects(cell.ownership), persona)
        response = await request(client, cell, ctx, headers, csrf)
        got = verdict(response)
        if cell.row.last == 1 and persona != ANONYMOUS and response.status_code == 303:
            got = "allowed"  # logging out sends the employee to the login page
        expected = "allowed" if cell.rule.allows(persona, cell.ownership) else "refused"
        key = (cell.method, cell.path, cell.variant, persona, cell.ownership)
        if got != expected:
            line = f"{cell.label(persona)}: expected {expected} ({cell.rule.name}), got {response.status_code}"
            (known if key in KNOWN else mismatches).append(line)
        elif key in KNOWN:
            mismatches.append(f"{cell.label(persona)} answers as the table says now: remove it from KNOWN")
        if cell.row.client_view and got == "allowed":
            full = FULL_CLIENT.allows(persona, cell.ownership)
            views[full] += 1
            if (ctx.o.client_address in readable(response)) != full:
                shown = "the limited view" if full else "the full record"
                mismatches.append(f"{cell.label(persona)}: got {shown} ({FULL_CLIENT.name}, need to know)")
        if persona in (EVALUATOR, ANONYMOUS, ADMIN):
            text = readable(response)
            found = [secret for secret in world.secrets if secret and secret in text]
            seen.update(found)
            if persona != ADMIN:
                leaks += [f"{cell.label(persona)}: {secret!r}" for secret in found]
    print(
        f"\n{persona}: {len(cells)} cells, {len(known)} known deviations; "
        f"client views full {views[True]}, limited {views[False]}"
    )
    for line in known:
        print(f"  known: {line}")
    if persona == ADMIN:  # the scan finds what is there: the admin reads both clients' names and BSNs
        assert set(world.secrets[:4]) <= seen, set(world.secrets[:4]) - seen
    assert not leaks, "personal data in responses:\n" + "\n".join(leaks)
    assert not mismatches, f"{len(mismatches)} of {len(cells)} cells against the table:\n" + "\n".join(mismatches)

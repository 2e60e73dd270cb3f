"""The Logboek in plain Dutch: the names of actions and object types, and the services' short detail codes
("accept", "answer", "periode begin_nu") as words a reader understands. Plain functions over the stored text, so
old events read as well as new ones and the rules are tested without a database.

A change recorded as ``update`` with a detail code (``handoff`` + ``accept``) reads as one Dutch action
("Geaccepteerd") with no detail; other details keep their text, with their technical keys translated."""

from __future__ import annotations

import re
from datetime import date

ACTION_LABELS = {
    "read": "Ingezien",
    "search": "Gezocht",
    "create": "Aangemaakt",
    "update": "Gewijzigd",
    "link": "Gekoppeld",
    "export": "Geëxporteerd",
    "import": "Geïmporteerd",
    "accept": "Geaccepteerd",
    "decline": "Geweigerd",
    "answer": "Beantwoord",
    "cancel": "Geannuleerd",
    "reassign": "Overgedragen",
    "reasoned_read": "Ingezien met reden",
    "merge": "Samengevoegd",
    "login": "Ingelogd",
    "login_failed": "Inloggen geweigerd",
    "logout": "Uitgelogd",
    "role_change": "Rollen gewijzigd",
}
"""Dutch names of the actions; an action not listed is shown as its code."""

UPDATE_DETAILS = {
    "accept": "Geaccepteerd",
    "decline": "Geweigerd",
    "cancel": "Ingetrokken",
    "answer": "Beantwoord",
    "reassign": "Overgedragen aan een ander",
    "pick_up": "Opgepakt",
    "reschedule": "Verzet",
    "fulfil": "Nagekomen",
    "miss": "Niet nagekomen",
}
"""The detail codes of changes (``update``) that name what happened: shown as the action itself."""

OBJECT_TYPE_LABELS = {
    "assignment": "Toewijzing",
    "audit_log": "Logboek",
    "client": "Klant",
    "commitment": "Toezegging",
    "commitment_list": "Toezeggingen (lijst)",
    "client_list": "Klanten (lijst)",
    "contact": "Klantcontact",
    "dossier": "Dossier",
    "dossier_list": "Dossiers (lijst)",
    "dossiers": "Dossierexport",
    "enrolment": "Pilotdeelname",
    "escalation": "Escalatie",
    "escalation_list": "Escalaties (lijst)",
    "generator": "Demogegevens",
    "handoff": "Overdracht",
    "handoff_list": "Overdrachten (lijst)",
    "pilot": "Pilot",
    "representative": "Vertegenwoordiger",
    "routing_view": "Wie helpt deze klant?",
    "survey_response": "Tevredenheidsmeting",
    "survey_responses": "Tevredenheidsmetingen",
    "time_entry": "Tijdregistratie",
    "timeline": "Tijdlijn",
    "topic": "Onderwerp",
    "user": "Gebruiker",
    "outbox": "Uitgaande mail (lijst)",
    "outbox_mail": "Uitgaande mail",
    "department": "Afdeling",
}
"""Dutch names of the object types written by the services; a type not listed is shown as its code."""

DETAIL_WORDS = {
    "measures": "maatstaven",
    "dossiers": "per dossier",
    "excel-nl": "Excel-NL",
    "max_caseload": "maximale caseload",
}
"""English words inside details, as whole words."""

_KEY_VALUE = re.compile(r"\b(status|casemanager_id|service|zoeksoort|resultaten)=([^\s;]*)")
_KEY_LABELS = {
    "status": "status",
    "casemanager_id": "casemanager",
    "service": "dienst",
    "zoeksoort": "zoeksoort",
    "resultaten": "resultaten",
}
_PERIOD = re.compile(r"\bperiode (begin|\d{4}-\d{2}-\d{2})_(nu|\d{4}-\d{2}-\d{2})")
_WORD = re.compile(r"\b(" + "|".join(re.escape(word) for word in DETAIL_WORDS) + r")\b")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def action_label(action: str, detail: str = "") -> str:
    """The Dutch action of an event; a change whose detail names what happened reads as that."""
    if action == "update" and detail.strip() in UPDATE_DETAILS:
        return UPDATE_DETAILS[detail.strip()]
    return ACTION_LABELS.get(action, action)


def object_type_label(object_type: str) -> str:
    return OBJECT_TYPE_LABELS.get(object_type, object_type)


def _day(text: str) -> str:
    """``jjjj-mm-dd`` as ``dd-mm-jjjj``; a string that is no real day stays as it is."""
    try:
        return date.fromisoformat(text).strftime("%d-%m-%Y")
    except ValueError:
        return text


def _period(match: re.Match[str]) -> str:
    start, end = match.group(1), match.group(2)
    if start == "begin" and end == "nu":
        return "periode: de hele looptijd tot nu"
    begin = "het begin" if start == "begin" else _day(start)
    return f"periode {begin} tot en met {'nu' if end == 'nu' else _day(end)}"


def _key_value(match: re.Match[str]) -> str:
    return f"{_KEY_LABELS[match.group(1)]}: {match.group(2) or 'alle'}"


def detail_label(action: str, detail: str) -> str:
    """The detail of an event in Dutch: empty when the action already says it, else the text with its codes,
    periods and ISO dates translated (``periode 2026-03-01_2026-03-31`` → ``periode 01-03-2026 tot en met
    31-03-2026``)."""
    text = detail.strip()
    if action == "update" and text in UPDATE_DETAILS:
        return ""
    text = _PERIOD.sub(_period, text)
    text = _KEY_VALUE.sub(_key_value, text)
    text = _WORD.sub(lambda m: DETAIL_WORDS[m.group(1)], text)
    return _ISO_DAY.sub(lambda m: _day(m.group(0)), text)

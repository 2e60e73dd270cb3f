"""XSS in a real browser: hostile text in every free-text field, every page that shows it, opened in Chromium.

Each free-text field (client name and address, representative name/organisation/relation, dossier subject,
assignment reason, contact summary and subject, commitment text and note, handoff reason/context/decline reason,
escalation question and answer, a reusable answer's question and text, an employee's name, a service's
name) holds one payload, prefixed with the field's marker ``xss-<field>``; one test per payload kind:

- ``script``: ``<script>`` and ``<svg onload>`` elements;
- ``attribute``: text that closes a double- or single-quoted attribute and opens ``<img onerror>``;
- ``url``: a ``javascript:`` URL (the field's whole value, as a link target would take it);
- ``htmx``: an element with ``hx-post``/``hx-trigger="load"`` (htmx would run it if it were parsed);
- ``template``: ``{{7*7}}``, ``${7*7}``, ``<%= 7*7 %>``, ``#{7*7}`` (server- or client-side template evaluation).

Every element a payload could create carries ``data-xss``, and every script a payload could run calls
``__xssHit`` (a Playwright binding). The pages are served with the app's own CSP. A page passes when: the binding
was never called, no ``securitypolicyviolation`` event fired and no CSP error reached the console, no element with
``data-xss``, no ``on*`` attribute and no ``javascript:`` link target is in the DOM, and no ``<marker> 49`` is shown.
The payloads are also sent in query strings (the search box, filters) for reflected XSS. Across all pages every
field's marker must have been shown at least once, so each field was really tested (the reason of a commitment's
owner change is shown on no page, so it is not in the list). ``-s`` prints the figures.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import update

from casemgmt.auth.models import User
from casemgmt.casefile.dossier_controllers import LAZY_ACTIONS
from casemgmt.commitments.models import Commitment
from casemgmt.directory.models import Service
from casemgmt.dossiers.models import DossierAssignment
from casemgmt.escalations.models import Escalation, ReusableAnswer
from casemgmt.handoffs.models import Handoff
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import create_client, create_contact, create_dossier, service_id
from tests.worlds.personas import PASSWORD
from tests.worlds.representatives import represents

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

PAYLOADS = {
    "script": '{m} <script data-xss>__xssHit("{m}")</script><svg data-xss onload=__xssHit("{m}")></svg>',
    "attribute": '{m} "><img data-xss src=x onerror=__xssHit("{m}")>\'><img data-xss src=x onerror=__xssHit("{m}")>',
    "url": 'javascript:__xssHit("{m}")//{m}',
    "htmx": '{m} <button data-xss hx-post="/logout" hx-trigger="load">{m}</button>',
    "template": "{m} {{{{7*7}}}} ${{7*7}} <%= 7*7 %> #{{7*7}}",
}

FIELDS = [
    "client-name",
    "client-address",
    "rep-name",
    "rep-org",
    "rep-relation",
    "dossier-subject",
    "assignment-reason",
    "contact-summary",
    "contact-subject",
    "commitment-text",
    "commitment-note",
    "handoff-reason",
    "handoff-context",
    "handoff-decline",
    "question",
    "answer",
    "reusable-title",
    "reusable-answer",
    "cm-name",
    "am-name",
    "service-name",
]

DETECT = """() => {
  const found = [];
  for (const el of document.querySelectorAll('[data-xss]')) found.push('element ' + el.outerHTML.slice(0, 80));
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) found.push(el.tagName + ' ' + attr.name + '=' + attr.value.slice(0, 60));
      if (/^(href|src|action|formaction|hx-get|hx-post)$/i.test(attr.name) && /^\\s*javascript:/i.test(attr.value))
        found.push(el.tagName + ' ' + attr.name + '=' + attr.value.slice(0, 60));
    }
  }
  for (const el of document.querySelectorAll('script:not([src])')) found.push('inline script');
  return {found, violations: window.__cspViolations || [], text: document.body ? document.body.innerText : '',
          htmx: typeof window.htmx !== 'undefined'};
}"""

WATCH_CSP = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));"""


def marker(field: str) -> str:
    return f"xss-{field}"


def poisoned(kind: str, field: str) -> str:
    return PAYLOADS[kind].format(m=marker(field))


async def arrange(make_user: Any, db: Any, kind: str) -> dict[str, Any]:
    def v(field: str) -> str:
        return poisoned(kind, field)

    now = datetime.now(UTC)
    async with db() as session, session.begin():
        cm = await make_user("casemanager", "kcc_agent", services=["KCC"], session=session)
        am = await make_user("accountmanager", services=["SZW"], session=session)
        admin = await make_user("admin", session=session)
        await session.execute(update(User).where(User.id == cm.id).values(name=v("cm-name")))
        await session.execute(update(User).where(User.id == am.id).values(name=v("am-name")))
        await session.execute(update(Service).where(Service.code == "SZW").values(name=v("service-name")))
        client = await create_client(session, name=v("client-name"), address=v("client-address"))
        session.add(
            represents(
                client_id=client.id,
                name=v("rep-name"),
                organisation=v("rep-org"),
                relation=v("rep-relation"),
                phone="070 765 4321",
                valid_from=date.today() - timedelta(days=30),
            )
        )
        dossier = await create_dossier(session, client, cm.id, {"SZW": am.id}, subject=v("dossier-subject"))
        await session.execute(
            update(DossierAssignment)
            .where(DossierAssignment.dossier_id == dossier.id)
            .values(reason=v("assignment-reason"))
        )
        contact = await create_contact(
            session, client, cm.id, dossier_id=dossier.id, summary=v("contact-summary"), subject=v("contact-subject")
        )
        szw, kcc = await service_id(session, "SZW"), await service_id(session, "KCC")
        promise = dict(client_id=client.id, dossier_id=dossier.id, made_by_id=cm.id, made_at=now - timedelta(hours=2))
        open_commitment = Commitment(
            **promise, kind="callback", description=v("commitment-text"), owner_id=cm.id, due_at=now + timedelta(days=2)
        )
        kept = Commitment(
            **promise,
            kind="information",
            description="Informatie opsturen",
            owner_id=cm.id,
            due_at=now + timedelta(days=2),
            status="fulfilled",
            closed_at=now,
            closed_by_id=cm.id,
            kept_on_time=True,
            note=v("commitment-note"),
            contact_id=contact.id,
        )
        session.add_all([open_commitment, kept])
        await session.flush()
        handoff = dict(dossier_id=dossier.id, from_employee_id=cm.id, from_service_id=kcc, to_service_id=szw)
        session.add_all(
            [
                Handoff(
                    **handoff,
                    to_employee_id=am.id,
                    reason=v("handoff-reason"),
                    context=v("handoff-context"),
                    requested_at=now - timedelta(minutes=30),
                ),
                Handoff(
                    **handoff,
                    reason="Eerder verzoek",
                    context="Eerdere context",
                    requested_at=now - timedelta(hours=3),
                    status="declined",
                    decided_at=now - timedelta(hours=2),
                    decided_by_id=am.id,
                    decision_reason=v("handoff-decline"),
                ),
            ]
        )
        asked = dict(service_id=szw, client_id=client.id, dossier_id=dossier.id, asked_by_id=cm.id, assignee_id=am.id)
        open_escalation = Escalation(
            **asked, question=v("question"), asked_at=now - timedelta(hours=1), due_at=now + timedelta(days=3)
        )
        answered = Escalation(
            **asked,
            question="Wanneer wordt de bijstand uitbetaald?",
            asked_at=now - timedelta(days=1),
            due_at=now + timedelta(days=2),
            status="answered",
            answer=v("answer"),
            answered_by_id=am.id,
            answered_at=now - timedelta(hours=1),
            within_norm=True,
            reusable=True,
        )
        session.add_all([open_escalation, answered])
        await session.flush()
        session.add(
            ReusableAnswer(
                escalation_id=answered.id,
                service_id=szw,
                title=v("reusable-title"),
                answer=v("reusable-answer"),
                written_by_id=am.id,
                written_at=now - timedelta(minutes=30),
            )
        )
        await session.flush()
        return {
            "cm": cm,
            "am": am,
            "admin": admin,
            "client": client.id,
            "dossier": dossier.id,
            "escalations": (open_escalation.id, answered.id),
        }


def stored_pages(world: dict[str, Any]) -> dict[str, list[str]]:
    client, dossier = world["client"], world["dossier"]
    asked, answered = world["escalations"]
    return {
        "cm": [
            "/start",
            "/werkvoorraad",
            *(f"/werkvoorraad/{panel}" for panel in ("toezeggingen", "overdrachten", "escalaties", "dossiers")),
            "/klanten?q=xss",
            "/klanten/zoeken?q=xss",
            f"/klanten/{client}",
            f"/klanten/{client}/routering",
            "/dossiers",
            f"/dossiers/{dossier}",
            f"/dossiers/{dossier}/tijdlijn",
            *(f"/dossiers/{dossier}/formulier/{action}" for action in LAZY_ACTIONS),  # loaded when opened
            f"/contacten/nieuw?client_id={client}",
            f"/contacten/nieuw?dossier_id={dossier}",
            f"/dossiers/nieuw?client_id={client}",
            f"/escalaties/nieuw?client_id={client}&dossier_id={dossier}",
            f"/tijdregistratie/nieuw?dossier_id={dossier}",
            "/terugbelnotities",
            "/escalaties",
            f"/escalaties/{asked}",
            f"/escalaties/{answered}",
            "/antwoorden",
            "/bereikbaarheid",
        ],
        "am": [
            "/werkvoorraad",
            "/werkvoorraad/overdrachten",
            "/werkvoorraad/escalaties",
            "/escalaties",
            f"/escalaties/{asked}",
            f"/dossiers/{dossier}",
            "/antwoorden",
        ],
        "admin": ["/start", "/logboek", "/bereikbaarheid"],
    }


def reflected_pages(kind: str) -> dict[str, list[str]]:
    def q(name: str) -> str:
        return quote(poisoned(kind, name), safe="")

    return {
        "cm": [
            f"/klanten?q={q('query')}",
            f"/klanten/zoeken?q={q('query')}",
            f"/dossiers?status={q('query')}&service={q('query')}",
            f"/escalaties?service={q('query')}",
            f"/terugbelnotities?service={q('query')}",
        ],
        "admin": [f"/logboek?object_id={q('query')}&pseudonym={q('query')}&action={q('query')}"],
    }


async def visit(context: Any, email: str, paths: list[str], hits: list[str], stored: bool) -> dict[str, Any]:
    """Log in as ``email`` in a fresh page and open every path; what each page showed or did wrong."""
    page = await context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url(lambda url: "/login" not in url)
    problems: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for path in paths:
        console.clear()
        response = await page.goto(path)
        status = response.status if response else 0
        await page.wait_for_timeout(50)  # let htmx's load triggers (if any were injected) fire
        seen = await page.evaluate(DETECT)
        issues = list(seen["found"]) + [f"CSP {v}" for v in seen["violations"]] + [f"console {c}" for c in console]
        issues += [f"template evaluated: {m.group(0)}" for m in re.finditer(r"xss-[a-z-]+\s+49", seen["text"])]
        if (stored and status != 200) or status >= 500:
            issues.append(f"status {status}")
        if stored and not seen["htmx"]:
            issues.append("htmx is not loaded, so an injected hx-* element could not have shown itself")
        if issues:
            problems[path] = issues
        texts[path] = seen["text"]
    await page.close()
    return {"problems": problems, "texts": texts, "hits": list(hits)}


@pytest.mark.parametrize("kind", list(PAYLOADS))
async def test_stored_and_reflected_payloads_never_run(live_server, make_user, db, kind) -> None:
    from playwright.async_api import async_playwright

    world = await arrange(make_user, db, kind)
    hits: list[str] = []
    problems: dict[str, list[str]] = {}
    shown: set[str] = set()
    loads = 0
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(base_url=live_server, locale="nl-NL")  # the app's own CSP applies
        await context.expose_binding("__xssHit", lambda source, field: hits.append(f"{source['page'].url} {field}"))
        await context.add_init_script(WATCH_CSP)
        for who, stored in ((stored_pages(world), True), (reflected_pages(kind), False)):
            for persona, paths in who.items():
                result = await visit(context, world[persona].email, paths, hits, stored)
                loads += len(paths)
                problems.update({f"{persona} {path}": issues for path, issues in result["problems"].items()})
                for text in result["texts"].values():
                    shown |= {field for field in FIELDS if marker(field) in text}
        await browser.close()
    print(
        f"\nXSS ({kind}): {len(FIELDS)} fields + query strings, {loads} page loads, payloads executed {len(hits)}, "
        f"pages with findings {len(problems)}, fields shown {len(shown)}/{len(FIELDS)}"
    )
    assert hits == []
    assert problems == {}
    assert sorted(set(FIELDS) - shown) == []  # every poisoned field was shown somewhere (so it was tested)

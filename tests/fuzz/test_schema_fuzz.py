"""Schema fuzzing (issue 11, "Schema fuzzing in CI"): schemathesis generates requests from ``/schema/openapi.json``
and sends them to the app in-process (ASGI), on the suite's database (SQLite, or PostgreSQL through
``scripts/test.sh``), once per role with that role's bearer token, in the access matrix's municipality
(``tests/worlds/matrix.py``: dossiers, commitments, handoffs, escalations, contacts and a pilot, own and foreign).

Every check is on: no 5xx, status codes, content types, headers and bodies as documented, schema-violating input
refused, authentication not ignored, the ``Allow`` of an ``OPTIONS`` or a 405, and schema-valid input accepted, with
one refinement (``refused_only_by_a_domain_rule``): the request models check types and the domain rules
(``rules.py``) check content JSON Schema cannot say (a BSN's 11-proof, the state of a commitment, a dossier of another
client, a period whose start is after its end), so a schema-valid request may be answered 422, but only with the
field-error body naming fields the operation declares and with a domain rule's message, never with a message of
Litestar's own type validation (that would mean the document and the declaration disagree).

The seed is fixed and the budget bounded (examples per operation), so a run sends the same requests every time and
stays well within CI's limit. Any failure fails the test and prints how to reproduce it (the answer and a ``curl``
per failing call); the number of calls, 5xx answers and check failures is printed either way (``pytest -s`` or
``-rP`` shows it).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
import pytest
import schemathesis
from litestar import Litestar
from schemathesis import openapi
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from casemgmt.app import create_app
from casemgmt.db import create_engine
from casemgmt.web.errors import GENERIC_MESSAGES
from casemgmt.web.input_guard import UNSTORABLE
from tests.worlds.matrix import PERSONA_USERS, MatrixWorld, arrange

pytestmark = pytest.mark.anyio

SEED = 20261111
"""Fixed, so every run sends the same requests (issue 11: "fixed seed")."""
MAX_EXAMPLES = 2
"""Generated examples per operation and generation mode (valid and invalid input) in the fuzzing phase."""
PHASES = {
    # every operation with every boundary and invalid value the document implies (~1,700 calls each), as the two
    # roles that may use most of them, so their 2xx bodies are checked too; then random requests and chains of calls
    # linked by their ids
    "admin": ("coverage", "fuzzing", "stateful"),
    "casemanager": ("coverage", "fuzzing", "stateful"),
    # random valid and invalid requests to every operation, as the other roles the access rules treat differently
    "kcc_agent": ("fuzzing",),
    "accountmanager": ("fuzzing",),
    "evaluator": ("fuzzing",),
}
"""The budget: which of schemathesis' phases each role runs (one pass each, no time limit, so every run sends the
same requests): some 4,800 calls in about 35 s of CPU. All phases for every role would take about twice as long."""
MIN_CALLS = 2000
"""Per database (issue 11)."""
SHARES = (("admin",), ("casemanager", "kcc_agent", "accountmanager", "evaluator"))
"""The roles in two tests of about equal length, so the suite's two workers share the run; each test sends at least
half of ``MIN_CALLS``, so a database gets at least ``MIN_CALLS`` in all."""


# ------------------------------------------------------------------------------------------------ the check


def _declared_names(document: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    """(METHOD, path) → the names of its parameters and the top-level properties of its JSON body."""

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    names: dict[tuple[str, str], set[str]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            declared = {parameter["name"] for parameter in operation.get("parameters", [])}
            for content in (operation.get("requestBody") or {}).get("content", {}).values():
                declared |= set(resolve(content.get("schema") or {}).get("properties", {}))
            names[(method.upper(), path)] = declared | {"body"}
    return names


ONE_OF_SEVERAL = {("GET", "/api/v1/clients", "q")}
"""Where an empty value is refused by a rule over several parameters, which a document cannot say for query
parameters: Klant zoeken needs ``q`` or ``bsn``, and an empty ``q`` without ``bsn`` asks for nothing."""

PERIOD_ENDS = {"from", "to"}
"""The period's ends (``web/parameters.DateFrom``/``DateTo``): an empty end is no bound (today for ``to``), and the
period's rules span both ends (the start not after the end, at most 60 months), which no schema can say."""

DECLARED: dict[tuple[str, str], set[str]] = {}
"""Filled from the document before a run."""


@schemathesis.hook
def map_headers(ctx: Any, headers: dict[str, str] | None) -> dict[str, str] | None:
    """No generated ``Host``: it is the transport's, not the operation's, and the server refuses a malformed one (400
    "Invalid host header") before any route, for every operation alike."""
    if headers:
        return {name: value for name, value in headers.items() if name.lower() != "host"}
    return headers


@schemathesis.check
def refused_only_by_a_domain_rule(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid request answered 422: the field-error body, every field declared by the operation, every
    message a domain rule's (see the module docstring)."""
    meta = case.meta
    if response.status_code != 422 or meta is None or not meta.generation.mode.is_positive:
        return None
    body = json.loads(response.content or b"null")
    if isinstance(body, dict) and "imported" in body:
        return None  # an import report: the file's own lines were refused (line errors), which no schema describes
    if not isinstance(body, dict) or not isinstance(body.get("extra"), list) or not body["extra"]:
        raise AssertionError(f"A 422 without field errors: {response.content[:300]!r}")
    declared = DECLARED.get((case.operation.method.upper(), case.operation.path), set())
    # text no database can store (a NUL) is refused wherever it is in the body, named by its path, even under a key
    # the operation does not declare (``web/input_guard``): schemathesis puts NULs in strings on purpose
    extra = [e for e in body["extra"] if e.get("message") != UNSTORABLE]
    generic = [e for e in extra if e.get("message") in GENERIC_MESSAGES]
    if generic:
        raise AssertionError(
            f"Schema-valid input refused by the request's declaration, not by a domain rule: {generic}; "
            "the document and the declaration disagree"
        )
    undeclared = [e for e in extra if re.split(r"[.\[]", str(e.get("field")))[0] not in declared]
    if undeclared:
        raise AssertionError(f"A 422 naming fields the operation does not declare: {undeclared}")
    # an empty filter is never a matter of content: the document either forbids it or the app takes it as no filter
    query = case.query if isinstance(getattr(case, "query", None), dict) else {}
    empty = [
        e
        for e in extra
        if query.get(e.get("field")) == ""
        and (case.operation.method.upper(), case.operation.path, e["field"]) not in ONE_OF_SEVERAL
        and e.get("field") not in PERIOD_ENDS
    ]
    if empty:
        raise AssertionError(f"An empty query parameter the document allows was refused: {empty}")
    return None


# ------------------------------------------------------------------------------------------------ the run


def config(token_headers: dict[str, str], phases: tuple[str, ...]) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "workers": 1,
            "headers": token_headers,
            "checks": {
                "enabled": True,
                # 422 is judged by refused_only_by_a_domain_rule (module docstring); the rest are the defaults
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
                },
            },
            "phases": {name: {"enabled": name in phases} for name in ("examples", "coverage", "fuzzing", "stateful")},
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
        }
    )


@dataclass
class Tally:
    calls: int = 0
    server_errors: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    reproductions: list[str] = field(default_factory=list)
    seen: set[tuple[str, str, str]] = field(default_factory=set)
    stop_reason: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """This process's CPU time (the app and schemathesis; not the database server's): on a busy machine the wall
    time says more about the other processes."""


def answered(recorder: Any, case_id: str) -> str:
    interaction = recorder.interactions.get(case_id)
    response = interaction.response if interaction is not None else None
    if response is None:
        return "no response"
    return f"{response.status_code} {response.content[:300]!r}"


def run(app: Litestar, role: str, headers: dict[str, str]) -> Tally:
    schema = openapi.from_asgi("/schema/openapi.json", app, config=config(headers, PHASES[role]))
    DECLARED.update(_declared_names(schema.raw_schema))
    tally = Tally()
    started, cpu_started = time.monotonic(), time.process_time()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            for interaction in recorder.interactions.values():
                tally.calls += 1
                if interaction.response is not None and interaction.response.status_code >= 500:
                    tally.server_errors += 1
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.status is Status.FAILURE and check.failure_info is not None:
                        tally.failures[check.name] += 1
                        failure = check.failure_info.failure
                        key = (recorder.label, check.name, failure.title)
                        if key not in tally.seen:
                            tally.seen.add(key)
                            tally.reproductions.append(
                                f"[{role}] {recorder.label} {check.name}: {failure.title}\n"
                                f"    {failure.message[:400]}\n"
                                f"    answered: {answered(recorder, case_id)}\n"
                                f"    {check.failure_info.code_sample}"
                            )
        elif isinstance(event, events.NonFatalError):
            tally.failures["error"] += 1
            tally.reproductions.append(f"[{role}] error in {event.label}: {event.info.format()[:500]}")
        elif isinstance(event, events.FatalError):
            tally.failures["fatal"] += 1
            tally.reproductions.append(f"[{role}] fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            tally.stop_reason = str(event.stop_reason)
    tally.seconds, tally.cpu_seconds = time.monotonic() - started, time.process_time() - cpu_started
    return tally


@pytest.fixture
async def world(make_user, make_token, db, tmp_path) -> MatrixWorld:  # type: ignore[no-untyped-def]
    return await arrange(make_user, make_token, db, tmp_path)


@pytest.mark.parametrize("roles", SHARES, ids="+".join)
async def test_the_api_answers_schema_generated_requests_as_its_document_says(
    app: Litestar, world: MatrixWorld, roles: tuple[str, ...], capsys: pytest.CaptureFixture[str], record_property: Any
) -> None:
    # An app of its own on the session's database: schemathesis keeps the lifespan of the app it calls running
    # for the rest of the process, which must not be the session's shared app. It calls the app on one event loop
    # of its own, so this app may pool its connections (the session's app cannot, see tests/conftest.py): with a new
    # PostgreSQL connection per request the run took 2.5 times as long.
    settings = app.state.settings
    fuzzed = create_app(settings, engine=create_engine(settings))
    tallies = {}
    for role in roles:
        tallies[role] = await anyio.to_thread.run_sync(run, fuzzed, role, world.tokens[PERSONA_USERS[role]])
    calls = sum(t.calls for t in tallies.values())
    server_errors = sum(t.server_errors for t in tallies.values())
    failures = sum((t.failures for t in tallies.values()), Counter())
    schema_violations = sum(n for name, n in failures.items() if "conformance" in name)
    lines = [
        f"schema fuzzing ({fuzzed.state.engine.dialect.name}): {calls} calls, {server_errors} 5xx, "
        f"{schema_violations} schema violations, {sum(failures.values())} check failures in all"
    ]
    for role, tally in tallies.items():
        lines.append(
            f"  {role}: {tally.calls} calls in {tally.seconds:.1f} s, {tally.cpu_seconds:.1f} s CPU "
            f"({', '.join(PHASES[role])}; {tally.stop_reason}), "
            f"{tally.server_errors} 5xx, failures {dict(tally.failures) or 'none'}"
        )
    with capsys.disabled():  # the figures belong in the test output, passed or not (and in the JUnit report)
        print("\n" + "\n".join(lines))
    for name, value in (("calls", calls), ("server_errors", server_errors), ("schema_violations", schema_violations)):
        record_property(f"schema_fuzzing_{name}", value)
    assert not any(t.reproductions for t in tallies.values()), "\n".join(
        line for t in tallies.values() for line in t.reproductions
    )
    assert all(t.stop_reason == "completed" for t in tallies.values())
    assert calls >= MIN_CALLS // len(SHARES)


def _refusal(
    mode: str,
    body: dict[str, Any],
    method: str = "POST",
    path: str = "/api/v1/commitments",
    query: dict[str, str] | None = None,
) -> None:
    from types import SimpleNamespace

    from schemathesis.generation import GenerationMode

    DECLARED.setdefault(("POST", "/api/v1/commitments"), {"client_id", "kind", "body"})
    case = SimpleNamespace(
        meta=SimpleNamespace(generation=SimpleNamespace(mode=GenerationMode(mode))),
        operation=SimpleNamespace(method=method, path=path),
        query=query or {},
    )
    response = SimpleNamespace(status_code=422, content=json.dumps(body).encode())
    refused_only_by_a_domain_rule(None, response, case)


def test_the_refusal_check_takes_a_domain_rules_message_on_a_declared_field() -> None:
    _refusal(
        "positive", {"status_code": 422, "detail": "x", "extra": [{"field": "kind", "message": "Kies een soort."}]}
    )
    # invalid input may be refused any way the app likes (negative_data_rejection judges that)
    _refusal(
        "negative", {"status_code": 422, "detail": "x", "extra": [{"field": "zz", "message": "Ongeldige waarde."}]}
    )


@pytest.mark.parametrize(
    "extra",
    [
        [{"field": "client_id", "message": "Vul een geheel getal in."}],  # Litestar refused what the schema allows
        [{"field": "x-extra", "message": "Onbekend veld"}],  # a field the operation does not declare
        [],  # no field errors at all
    ],
)
def test_the_refusal_check_fails_on_what_the_document_does_not_explain(extra: list[dict[str, str]]) -> None:
    with pytest.raises(AssertionError):
        _refusal("positive", {"status_code": 422, "detail": "x", "extra": extra})


def test_the_refusal_check_fails_on_an_empty_filter_the_document_allows() -> None:
    """Issue 11: ``GET /api/v1/commitments?kind=`` answered 422 while the document allowed an empty ``kind``."""
    refused = {"status_code": 422, "detail": "x", "extra": [{"field": "kind", "message": "Kies een soort."}]}
    with pytest.raises(AssertionError, match="empty query parameter"):
        _refusal("positive", refused, query={"kind": ""})
    _refusal("positive", refused, query={"kind": "robot"})  # a value, checked by a rule beyond the schema

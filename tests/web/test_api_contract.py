"""The API's contract in ``/schema/openapi.json`` (issue 10, "Typed contracts"), and an app build free of deprecated
declarations in the project's own handlers.

Every ``/api/`` operation must describe its 2xx body (a declared type, not a free-form object) and document the
error statuses it can answer: 401 always, 403 (roles/involvement), 404 when it names a record, 422 when it takes
input, each with the error body of ``web/errors.py``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from casemgmt.app import create_app
from casemgmt.settings import Mode, Settings

NOT_YET_TYPED: set[str] = set()
"""Handlers whose response types are being redone with the typed metrics result (issue 10, another step)."""

OPEN_TO_EVERY_ROLE = {
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/pilots"),
    ("GET", "/api/v1/departments"),
    ("GET", "/api/v1/topics"),
    # one's own notifications and settings (issue 14): another's notification is 404, never 403
    ("GET", "/api/v1/notifications"),
    ("POST", "/api/v1/notifications/{notification_id}/read"),
    ("GET", "/api/v1/me/notification-settings"),
    ("PUT", "/api/v1/me/notification-settings"),
    # one's own API tokens (issue 17): another's token is 404, never 403
    ("GET", "/api/v1/me/tokens"),
    ("POST", "/api/v1/me/tokens"),
    ("DELETE", "/api/v1/me/tokens/{token_id}"),
}
"""Operations any valid token may call: they cannot answer 403."""

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Litestar, list[warnings.WarningMessage]]:
    path = tmp_path_factory.mktemp("contract") / "contract.db"
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}", mode=Mode.TEST, secret_key="test-secret-key")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = create_app(settings)
    return app, caught


@pytest.fixture(scope="module")
def document(built: tuple[Litestar, list[Any]]) -> dict[str, Any]:
    return built[0].openapi_schema.to_schema()


def _handler_modules(app: Litestar) -> dict[tuple[str, str], str]:
    """(METHOD, OpenAPI path) → the module of the handler."""
    modules = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for path in handler.paths:
                openapi_path = re.sub(r"\{([a-z_]+):[a-z]+\}", r"{\1}", path)
                for method in handler.http_methods:
                    modules[(method, openapi_path)] = handler.fn.__module__
    return modules


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _described(document: dict[str, Any], schema: dict[str, Any] | None) -> bool:
    """A schema that says what the body holds: a typed object, a list of them, a union of them, or a scalar."""
    if not schema:
        return False
    schema = _resolve(document, schema)
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            options = [option for option in schema[combinator] if option.get("type") != "null"]
            return bool(options) and all(_described(document, option) for option in options)
    if schema.get("type") == "array":
        return _described(document, schema.get("items"))
    if schema.get("type") == "object":
        return bool(schema.get("properties"))
    return bool(schema.get("type"))


def _api_operations(app: Litestar, document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    modules = _handler_modules(app)
    operations = []
    for path, item in document["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method in METHODS:
            if method in item and modules.get((method.upper(), path)) not in NOT_YET_TYPED:
                operations.append((method.upper(), path, item[method]))
    return operations


def _schema_of(document: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    content = response.get("content") or {}
    assert content, "no body documented"
    return _resolve(document, next(iter(content.values())).get("schema") or {})


def test_the_api_has_operations_to_check(built, document) -> None:
    assert len(_api_operations(built[0], document)) >= 40


def test_every_api_operation_describes_its_success_body(built, document) -> None:
    undescribed = []
    for method, path, operation in _api_operations(built[0], document):
        successes = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
        if not successes or not all(
            r.get("content") and all(_described(document, c.get("schema")) for c in r["content"].values())
            for r in successes.values()
        ):
            undescribed.append(f"{method} {path}")
    assert undescribed == []


def test_every_api_operation_documents_the_errors_it_can_answer(built, document) -> None:
    missing = []
    for method, path, operation in _api_operations(built[0], document):
        codes = set(operation["responses"])
        expected = {"401"}
        if (method, path) not in OPEN_TO_EVERY_ROLE:
            expected.add("403")
        if "{" in path:
            expected.add("404")
        if operation.get("parameters") or operation.get("requestBody"):
            expected.add("422")
        if expected - codes:
            missing.append(f"{method} {path}: {sorted(expected - codes)}")
    assert missing == []


def test_every_documented_error_has_the_error_body(built, document) -> None:
    wrong = []
    for method, path, operation in _api_operations(built[0], document):
        for code, response in operation["responses"].items():
            if code in ("400", "401", "403", "404", "409", "422"):
                schema = _schema_of(document, response)
                for option in [_resolve(document, one) for one in schema.get("oneOf", [schema])]:
                    properties = set(option.get("properties", {}))
                    if not ({"status_code", "detail"} <= properties or {"imported", "errors"} <= properties):
                        wrong.append(f"{method} {path} {code}: {sorted(properties)}")
    assert wrong == []


def test_a_domain_validation_error_is_documented_with_its_field_messages(built, document) -> None:
    operation = document["paths"]["/api/v1/commitments"]["post"]
    schema = _schema_of(document, operation["responses"]["422"])
    assert set(schema["properties"]) == {"status_code", "detail", "extra"}
    item = _resolve(document, schema["properties"]["extra"]["items"])
    assert set(item["properties"]) == {"field", "message"}


def test_conflicts_are_documented_where_the_service_can_refuse_a_stale_write(document) -> None:
    assert "409" in document["paths"]["/api/v1/dossiers/{dossier_id}"]["patch"]["responses"]
    assert "409" in document["paths"]["/api/v1/dossiers/{dossier_id}/assignments/{service}"]["put"]["responses"]
    assert "409" not in document["paths"]["/api/v1/dossiers/{dossier_id}"]["get"]["responses"]


def test_the_timeline_documents_each_kind_of_entry(document) -> None:
    schema = document["paths"]["/api/v1/dossiers/{dossier_id}/timeline"]["get"]["responses"]["200"]
    items = _schema_of(document, schema)["items"]
    kinds = set()
    for option in items["oneOf"]:
        kinds.add(_resolve(document, option)["properties"]["type"]["const"])
    assert kinds == {
        "contact",
        "assignment",
        "commitment",
        "commitment_closed",
        "handoff",
        "handoff_decided",
        "escalation",
        "escalation_answered",
    }


def _module_of_warning(app: Litestar, message: str) -> str | None:
    match = re.search(r"handler='([^']+)'", message)
    if not match:
        return None
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if match.group(1) in (handler.name, handler.handler_name):
                return handler.fn.__module__
    return None


def test_building_the_app_warns_of_nothing_deprecated_in_the_projects_handlers(built) -> None:
    app, caught = built
    ours = []
    for warning in caught:
        if not issubclass(warning.category, DeprecationWarning):
            continue
        message = str(warning.message)
        module = _module_of_warning(app, message)
        if module is not None and module.startswith("casemgmt.") and module not in NOT_YET_TYPED:
            ours.append(message[:200])
    assert ours == []


def test_no_project_module_declares_parameters_in_the_deprecated_style() -> None:
    """``Parameter(query=…)`` warns without naming its handler, so look for it in the source instead."""
    source = Path(__file__).parents[2] / "src" / "casemgmt"
    offenders = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if re.search(r"\bParameter\((query|header|cookie)=", path.read_text(encoding="utf-8"))
        and ".".join(("casemgmt", *path.relative_to(source).with_suffix("").parts)) not in NOT_YET_TYPED
    ]
    assert offenders == []


def test_the_document_declares_the_bearer_token_the_api_takes_and_no_session_cookie(document) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes == {
        "bearerToken": {"type": "http", "scheme": "bearer", "description": schemes["bearerToken"]["description"]}
    }
    assert document["security"] == [{"bearerToken": []}]
    assert document["components"]["schemas"]  # the response types are still described


def test_file_exports_are_documented_with_their_own_media_types(document) -> None:
    xlsx = document["paths"]["/api/v1/pilots/{slug}/export.xlsx"]["get"]["responses"]["200"]["content"]
    csv = document["paths"]["/api/v1/pilots/{slug}/export.csv"]["get"]["responses"]["200"]["content"]
    assert list(xlsx) == ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    assert list(csv) == ["text/csv; charset=utf-8"]


# ------------------------------------------------------------------ Litestar's own refusals, OPTIONS (issue 11)


def test_no_api_operation_documents_litestars_400_for_what_the_app_answers_with_422(built, document) -> None:
    """Litestar documents a 400 for its ``ValidationException``; the app answers those with the 422 field errors."""
    with_400 = [
        f"{method} {path}"
        for method, path, operation in _api_operations(built[0], document)
        if "400" in operation["responses"]
    ]
    assert with_400 == []


@pytest.fixture
async def admin_token(make_user, make_token) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await make_token(await make_user("admin"))


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "path", "body", "field", "message"),
    [
        ("GET", "/api/v1/dossiers?limit=veel", None, "limit", "Vul een geheel getal in."),
        ("POST", "/api/v1/surveys/import?skip_invalid=misschien", None, "skip_invalid", "Vul true of false in."),
        ("POST", "/api/v1/clients", b'{"kind": "robot", "name": "X"}', "kind", "Kies een van de toegestane waarden."),
        ("POST", "/api/v1/commitments", b'{"client_id": "een"}', "client_id", "Vul een geheel getal in."),
        ("POST", "/api/v1/commitments", b"[1, 2]", "body", "Verwacht een JSON-object."),
        ("POST", "/api/v1/commitments", b'{"client_id": 1,', "body", "De inhoud is geen geldige JSON."),
    ],
)
async def test_input_litestar_refuses_is_a_422_with_dutch_field_errors_like_the_apps_own(
    client, db, admin_token, method: str, path: str, body: bytes | None, field: str, message: str
) -> None:
    from casemgmt.audit.models import AuditEvent
    from tests.worlds.casework import count

    headers = {**admin_token, "Content-Type": "application/json"}
    response = await client.request(method, path, content=body, headers=headers)
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["status_code"] == 422
    assert answer["detail"] == "Controleer de invoer."
    assert {"field": field, "message": message} in answer["extra"], answer
    assert await count(db, AuditEvent) == 0  # nothing written, not even a read logged


@pytest.mark.anyio
async def test_a_page_shows_litestars_refusal_as_the_dutch_error_page(client, make_user) -> None:
    from tests.worlds.personas import login

    person = await make_user("kcc_agent", services=["KCC"])
    await login(client, person.email)
    response = await client.get("/contacten/nieuw?client_id=een")
    assert response.status_code == 422, response.text[:300]
    assert "Controleer de invoer" in response.text
    assert "Vul een geheel getal in." in response.text
    assert "Validation failed" not in response.text


def _concrete(path: str) -> str:
    """A path template with a value for every parameter (``{dossier_id:int}`` → ``1``, ``{slug:str}`` → ``x``)."""
    return re.sub(r"\{[a-z_]+:([a-z]+)\}", lambda m: "1" if m.group(1) == "int" else "x", path)


@pytest.mark.anyio
async def test_options_lists_exactly_the_methods_each_route_allows(app, client, make_user) -> None:
    from litestar.routes import HTTPRoute

    from tests.worlds.personas import login

    await login(client, (await make_user("admin")).email)  # the pages answer OPTIONS to a signed-in user
    wrong = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or ":path}" in route.path:
            continue  # the static file routers take any path below them
        response = await client.options(_concrete(route.path), follow_redirects=False)
        allowed = {method.strip() for method in response.headers.get("allow", "").split(",") if method.strip()}
        if response.status_code != 204 or allowed != set(route.methods):
            wrong.append(f"{route.path}: {response.status_code} {sorted(allowed)} != {sorted(route.methods)}")
    assert wrong == []


@pytest.mark.anyio
async def test_options_on_a_path_with_handlers_from_two_concepts_names_both(client) -> None:
    """``GET /api/v1/commitments`` is the worklist's, ``POST`` the commitments': Litestar named only the first."""
    response = await client.options("/api/v1/commitments")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, OPTIONS, POST"
    refused = await client.put("/api/v1/commitments")
    assert refused.status_code == 405
    assert set(refused.headers["allow"].split(", ")) == {"GET", "OPTIONS", "POST"}


@pytest.mark.anyio
@pytest.mark.parametrize("number", [2**70, -(2**70), 0])
async def test_a_record_id_in_a_body_outside_the_id_range_is_a_field_error(client, admin_token, number: int) -> None:
    """Declared in the request models (``web/parameters.RecordId``): refused before any query, on both databases."""
    response = await client.post("/api/v1/commitments/1/fulfil", json={"contact_id": number}, headers=admin_token)
    assert response.status_code == 422, response.text
    assert response.json()["extra"] == [
        {"field": "contact_id", "message": "Deze waarde valt buiten het toegestane bereik."}
    ]


@pytest.mark.anyio
async def test_a_page_form_whose_number_does_not_fit_the_request_model_is_a_422_not_a_500(
    client, db, make_user, make_token
) -> None:
    """The dossier page builds ``CommitmentCreate`` from the form: an owner ``0`` breaks its declaration (an id is at
    least 1), which answers like any other refused input."""
    from casemgmt.commitments.models import Commitment
    from tests.worlds.casework import arrange, count
    from tests.worlds.personas import csrf_token, login

    world = await arrange(make_user, make_token, db)
    await login(client, world.cm.email)
    token = await csrf_token(client, f"/dossiers/{world.dossier_id}")
    response = await client.post(
        f"/dossiers/{world.dossier_id}/toezeggingen",
        data={"_csrf_token": token, "kind": "callback", "description": "Ik bel u vrijdag.", "owner_id": "0"},
    )
    assert response.status_code == 422, response.text[:300]
    assert "Deze waarde valt buiten het toegestane bereik." in response.text
    assert await count(db, Commitment) == 0


def _parameter(document: dict[str, Any], method: str, path: str, name: str) -> dict[str, Any]:
    operation = document["paths"][path][method]
    return next(p for p in operation["parameters"] if p["name"] == name)["schema"]


def test_the_document_says_which_values_a_filter_takes(document) -> None:
    """What the services refuse with a 422 is in the document, so a schema-valid request is not refused for it
    (issue 11: an empty ``?kind=`` was schema-valid and answered 422)."""
    kind = _parameter(document, "get", "/api/v1/commitments", "kind")
    assert "" not in kind["enum"] and {"callback", "information", "action", "appointment"} <= set(kind["enum"])
    status = _parameter(document, "get", "/api/v1/dossiers", "status")
    assert "" in status["enum"]  # empty means no filter there
    assert _parameter(document, "get", "/api/v1/clients", "bsn")["pattern"] == "^[0-9]{9}$"
    assert _parameter(document, "get", "/api/v1/dossiers", "offset")["maximum"] == 2**63 - 1
    assert _parameter(document, "get", "/api/v1/trends", "from")["anyOf"][0]["format"] == "date"
    assert _parameter(document, "get", "/api/v1/audit", "bsn")["pattern"] == "^([0-9]{9})?$"
    timeline = _parameter(document, "get", "/api/v1/dossiers/{dossier_id}/timeline", "limit")
    assert (timeline["minimum"], timeline["maximum"]) == (1, 100)


def test_record_ids_in_bodies_are_bounded_in_the_document_exactly(document) -> None:
    """Litestar writes a pydantic bound as a float (2^63-1 would read 2^63) and drops an optional field's bounds."""
    schema = document["components"]["schemas"]["CommitmentCreate"]["properties"]
    for name in ("client_id", "owner_id", "dossier_id", "contact_id"):
        assert (schema[name]["minimum"], schema[name]["maximum"]) == (1, 2**63 - 1), name
        assert isinstance(schema[name]["maximum"], int)


def test_bodies_taken_as_a_mapping_say_which_keys_they_take(document) -> None:
    users = document["paths"]["/api/v1/users/{user_id}"]["patch"]["requestBody"]["content"]["application/json"]
    assert users["schema"]["additionalProperties"] is False
    assert users["schema"]["required"] == ["updated_at"]
    assert "max_caseload" in users["schema"]["properties"]
    surveys = document["paths"]["/api/v1/surveys"]["post"]["requestBody"]["content"]["application/json"]
    assert surveys["schema"]["additionalProperties"] is False
    assert "grade" in surveys["schema"]["properties"]


def test_required_texts_are_declared_as_the_rules_refuse_them(document) -> None:
    """Issue 11: a blank reason, question or context was schema-valid and answered 422; the document now says a
    required text is there, not blank (trimmed, as the rules count) and without a NUL."""
    import re as regex

    from casemgmt.handoffs.rules import MIN_CONTEXT_LENGTH

    schemas = document["components"]["schemas"]
    cancel = schemas["CommitmentCancel"]
    assert "reason" in cancel["required"] and cancel["properties"]["reason"]["minLength"] == 1
    context = schemas["HandoffCreate"]["properties"]["context"]
    assert context["minLength"] == MIN_CONTEXT_LENGTH
    pattern = regex.compile(context["pattern"])
    for text in ("", " " * 40, " " + "x" * (MIN_CONTEXT_LENGTH - 1) + " ", "x" * MIN_CONTEXT_LENGTH + "\x00"):
        assert not pattern.search(text), repr(text)
    assert pattern.search("  " + "x" * MIN_CONTEXT_LENGTH + "\n")
    question = regex.compile(schemas["EscalationCreate"]["properties"]["question"]["pattern"])
    assert question.search(" Mag dit? ") and not question.search(" \t\n") and not question.search("a\x00")
    assert schemas["ContactIn"]["properties"]["transfers"]["maximum"] == 20

"""The metrics, survey and trends API documents keep their exact shape: the responses on the test world equal the
documents captured before the engine returned typed results (``contract/*.json``) — the same keys in the same
order, the same nesting, null where there was null. Numbers are compared to 1e-9 (the databases may sum floats in
another order).

Re-record (only for a deliberate change of the contract): ``CASEMGMT_RECORD_CONTRACT=1 pytest <this file>``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.worlds.metrics import FROM, TO

pytestmark = pytest.mark.anyio

CONTRACT = Path(__file__).parent / "contract"
CASES = {
    "metrics_march": ("/api/v1/pilots/proef/metrics", {"from": FROM.isoformat(), "to": TO.isoformat()}),
    "metrics_open": ("/api/v1/pilots/proef/metrics", {"to": TO.isoformat()}),
    "metrics_empty": ("/api/v1/pilots/proef/metrics", {"from": "2020-01-01", "to": "2020-01-31"}),
    "survey_march": ("/api/v1/metrics/survey", {"from": FROM.isoformat(), "to": TO.isoformat()}),
    "survey_pilot": ("/api/v1/metrics/survey", {"pilot": "proef", "cohort": "control"}),
    "trends_march": ("/api/v1/trends", {"from": FROM.isoformat(), "to": TO.isoformat()}),
}


def pairs(text: str) -> Any:
    """The JSON document with every object as a list of (key, value) pairs, so key order counts."""
    return json.loads(text, object_pairs_hook=lambda items: [list(item) for item in items])


def assert_same(got: Any, want: Any, where: str = "$") -> None:
    if isinstance(want, float) and isinstance(got, int | float) and not isinstance(got, bool):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12), where
        return
    assert type(got) is type(want), f"{where}: {type(got).__name__} instead of {type(want).__name__}"
    if isinstance(want, list):
        assert len(got) == len(want), f"{where}: {len(got)} items instead of {len(want)}"
        for index, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{where}[{index}]")
    else:
        assert got == want, where


@pytest.mark.parametrize("case", list(CASES))
async def test_the_documents_keep_their_shape(client, built, make_user, make_token, case) -> None:
    route, params = CASES[case]
    headers = await make_token(await make_user("evaluator"))
    response = await client.get(route, params=params, headers=headers)
    assert response.status_code == 200, response.text
    path = CONTRACT / f"{case}.json"
    if os.environ.get("CASEMGMT_RECORD_CONTRACT"):
        path.write_text(response.text + "\n", encoding="utf-8")
    assert_same(pairs(response.text), pairs(path.read_text(encoding="utf-8")))


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


@pytest.mark.parametrize(
    ("path", "keys"),
    [
        (
            "/api/v1/pilots/{slug}/metrics",
            ["pilot", "from", "to", "primary_outcome", "cohorts", "comparison", "cost_effectiveness", "mde"],
        ),
        ("/api/v1/metrics/survey", ["respondents", "remembered", "graded", "satisfied", "dissatisfied"]),
        ("/api/v1/trends", ["from", "to", "by", "months", "suppression_threshold", "measures"]),
    ],
)
async def test_openapi_describes_the_responses(client, path, keys) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    ok = schema["paths"][path]["get"]["responses"]["200"]
    body = _resolve(schema, ok["content"]["application/json"]["schema"])
    assert list(body["properties"])[: len(keys)] == keys
    if path.endswith("/metrics"):
        cohort = _resolve(schema, _resolve(schema, body["properties"]["cohorts"])["properties"]["pilot"])
        measures = _resolve(schema, cohort["properties"]["measures"])
        from casemgmt.pilots.measures import MEASURES

        assert list(measures["properties"]) == [m.code for m in MEASURES if m.kind != "cost"]

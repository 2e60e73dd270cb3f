"""``GET /api/v1/pilots``: every role (the evaluator included) sees the pilots; anonymous visitors get 401."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.anyio

ROLES = ["kcc_agent", "casemanager", "accountmanager", "evaluator", "admin"]
SERVICES = {"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}


@pytest.mark.parametrize("role", ROLES)
async def test_every_role_lists_the_pilots(client, employee, load_pilot, role):
    pilot = await load_pilot(services=["SZW", "DSO", "OCW"])
    later_start = (pilot.start_date + timedelta(days=60)).isoformat()
    await load_pilot(slug="later", name="Latere pilot", primary_outcome="satisfied_share", start=later_start)
    _, headers = await employee(role, services=SERVICES.get(role))
    response = await client.get("/api/v1/pilots", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body[0] == {
        "slug": "proef",
        "name": "Proefpilot",
        "start": pilot.start_date.isoformat(),
        "end": pilot.end_date.isoformat(),
        "services": ["DSO", "OCW", "SZW"],
        "primary_outcome": "resolved_share",
    }
    assert [p["slug"] for p in body] == ["proef", "later"]
    assert body[1]["primary_outcome"] == "satisfied_share"


async def test_anonymous_visitors_are_refused(client, load_pilot):
    await load_pilot()
    assert (await client.get("/api/v1/pilots")).status_code == 401
    assert (await client.post("/api/v1/pilots/proef/enrolments", json={"dossier_id": 1})).status_code == 401
    assert (await client.post("/api/v1/time-entries", json={})).status_code == 401


async def test_no_pilots_is_an_empty_list(client, employee):
    _, headers = await employee("evaluator")
    assert (await client.get("/api/v1/pilots", headers=headers)).json() == []

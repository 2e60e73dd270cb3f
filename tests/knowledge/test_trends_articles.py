"""The kennisbank's figures on Trends (issue 16): inbound contacts answered with an article per service and topic,
and ``resolved_in_one_go_share`` for contacts with versus without an article, each with its Wilson interval and the
disclosure rule; new keys beside the existing ones in the JSON and the CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from casemgmt.dashboard.trends import management_trends
from casemgmt.directory.calendar import local_date
from casemgmt.metrics.periods import Period
from tests.worlds.kennisbank import publish_article

pytestmark = pytest.mark.anyio

# (outcome, with an article): 6 with (5 resolved), 7 without (3 resolved), 2 outbound with (not counted)
CALLS = [("resolved", True)] * 5 + [("transfer_failed", True)] + [("resolved", False)] * 3
CALLS += [("callback_promised", False)] * 4


async def log_calls(client: Any, world: Any, article_id: int) -> None:
    for outcome, with_article in [*CALLS, ("resolved", "out"), ("resolved", "out")]:
        body: dict[str, Any] = {
            "client_id": world.client_id,
            "channel": "phone",
            "direction": "out" if with_article == "out" else "in",
            "service": "KCC",
            "outcome": outcome,
            "transfers": 1 if outcome == "transfer_failed" else 0,
            "summary": "Vraag over de VOG.",
            "topic": "bijstand",
        }
        if outcome == "callback_promised":
            body["commitment"] = {"description": "Ik bel u morgen terug."}
        if outcome == "transfer_failed":
            body["transfers"] = [{"service": "OCW", "connected": False}]
        if with_article:
            body["articles"] = [article_id]
        response = await client.post("/api/v1/contacts", json=body, headers=world.token("kcc"))
        assert response.status_code == 201, response.text


def cell(trends: Any, code: str, group: str) -> Any:
    measure = next(m for m in trends.measures if m.code == code)
    return next(row.total for row in measure.rows if row.key == group)


async def test_with_and_without_an_article(client, db, world) -> None:
    article_id = await publish_article(db, world.ocw, service="OCW", question="Hoe vraag ik een VOG aan?")
    await log_calls(client, world, article_id)
    now = datetime.now(UTC)
    month = Period(local_date(now).replace(day=1), local_date(now))
    async with db() as session:
        by_service = await management_trends(session, month, now, "service")
        by_topic = await management_trends(session, month, now, "topic")
    assert (cell(by_service, "article_contacts", "KCC").count, cell(by_service, "inbound_contacts", "KCC").count) == (
        6,
        13,
    )
    with_article = cell(by_service, "resolved_in_one_go_share_with_article", "KCC")
    without = cell(by_service, "resolved_in_one_go_share_without_article", "KCC")
    assert (with_article.count, with_article.n, without.count, without.n) == (5, 6, 3, 7)
    assert with_article.interval == pytest.approx((0.4365, 0.9699), abs=1e-4)  # Wilson, 5 of 6
    assert without.interval is not None and without.interval[0] < 3 / 7 < without.interval[1]
    assert cell(by_service, "resolved_in_one_go_share", "KCC").count == 8  # the existing measure: unchanged
    assert cell(by_topic, "article_contacts", "bijstand").count == 6

    headers = world.token("evaluator")
    body = (await client.get("/api/v1/trends", params={"by": "topic"}, headers=headers)).json()
    assert list(body["measures"])[:3] == ["inbound_contacts", "helped_at_once_share", "resolved_in_one_go_share"]
    assert list(body["measures"])[-3:] == [
        "article_contacts",
        "resolved_in_one_go_share_with_article",
        "resolved_in_one_go_share_without_article",
    ]
    row = next(r for r in body["measures"]["resolved_in_one_go_share_with_article"]["rows"] if r["group"] == "bijstand")
    assert (row["period"]["numerator"], row["period"]["denominator"]) == (5, 6)
    exported = await client.get("/api/v1/trends/export.csv", params={"by": "service"}, headers=headers)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {r["measure"] for r in rows} >= {"article_contacts", "resolved_in_one_go_share_without_article"}


async def test_few_contacts_with_an_article_are_withheld(client, db, world) -> None:
    article_id = await publish_article(db, world.ocw, service="OCW", question="Hoe vraag ik een VOG aan?")
    body = {
        "client_id": world.client_id,
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "resolved",
        "transfers": 0,
        "summary": "Vraag over de VOG.",
        "topic": "bijstand",
        "articles": [article_id],
    }
    for _ in range(3):
        assert (await client.post("/api/v1/contacts", json=body, headers=world.token("kcc"))).status_code == 201
    now = datetime.now(UTC)
    async with db() as session:
        trends = await management_trends(
            session, Period(local_date(now).replace(day=1), local_date(now)), now, "service"
        )
    shown = cell(trends, "resolved_in_one_go_share_with_article", "KCC")
    assert shown.suppressed and shown.value is None and shown.interval is None

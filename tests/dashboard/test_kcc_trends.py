"""The KCC's own figures on Trends (issue 13): inbound contacts, helped at once, resolved in one go, transfers,
failed transfers and callbacks kept on time, per service, topic and channel, against a world small enough to count
by hand; anonymous contacts included, outbound and out-of-period ones not; totals, intervals, suppression, the API
with ``by``, the CSV and XLSX exports and a constant number of queries."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact, ContactTransfer
from casemgmt.dashboard.trends import management_trends
from casemgmt.directory.models import Topic
from casemgmt.metrics.periods import Period
from tests.factories import create_client, service_id
from tests.worlds.personas import login

pytestmark = pytest.mark.anyio

MARCH = Period(datetime(2025, 3, 1).date(), datetime(2025, 3, 31).date())
NOW = datetime(2025, 4, 20, 12, tzinfo=UTC)
AT = datetime(2025, 3, 10, 9, tzinfo=UTC)

# (service, topic, channel, outcome, attempts [(service tried, connected)], anonymous)
CALLS = [
    ("SZW", "bijstand", "phone", "resolved", [], True),
    ("SZW", "bijstand", "phone", "resolved", [], True),
    ("SZW", "bijstand", "phone", "resolved", [], False),
    ("SZW", "bijstand", "phone", "resolved", [("SZW", True)], False),
    ("SZW", "bijstand", "phone", "transfer_failed", [("DSO", True), ("SZW", False)], False),
    ("SZW", "bijstand", "phone", "callback_promised", [], False),
    ("DSO", "parkeervergunning", "email", "resolved", [], True),
    ("DSO", "parkeervergunning", "email", "resolved", [], False),
    ("DSO", "parkeervergunning", "email", "transfer_failed", [("DSO", False)], False),
    ("DSO", "parkeervergunning", "email", "callback_promised", [("SZW", True)], False),
    ("DSO", "parkeervergunning", "email", "resolved", [("DSO", True)], False),
]
"""March 2025: 11 inbound calls; SZW 6 (3 helped at once, 4 resolved, 2 transferred, 1 twice), DSO 5 (2 helped at
once, 3 resolved, 3 transferred); 6 transfer attempts, 2 failed (SZW 1 of 3, DSO 1 of 3)."""


@pytest.fixture
async def kcc_world(db, make_user) -> dict[str, int]:
    agent = await make_user("kcc_agent", services=["KCC"])
    async with db() as session:
        topics = dict((await session.execute(select(Topic.code, Topic.id))).tuples().all())
        client = await create_client(session, "Bea Beller")
        contacts = []
        for index, (service, topic, channel, outcome, attempts, anonymous) in enumerate(CALLS):
            contact = Contact(
                client_id=None if anonymous else client.id,
                channel=channel,
                direction="in",
                service_id=await service_id(session, service),
                employee_id=agent.id,
                occurred_at=AT + timedelta(hours=index),
                outcome=outcome,
                transfers=len(attempts),
                summary="Vraag.",
                topic_id=topics[topic],
            )
            session.add(contact)
            await session.flush()
            contacts.append(contact)
            for position, (tried, connected) in enumerate(attempts, start=1):
                session.add(
                    ContactTransfer(
                        contact_id=contact.id,
                        position=position,
                        service_id=await service_id(session, tried),
                        connected=connected,
                    )
                )
        for when, direction in ((datetime(2025, 4, 2, 9, tzinfo=UTC), "in"), (AT, "out")):  # neither counts
            session.add(
                Contact(client_id=client.id, channel="phone", direction=direction, service_id=contacts[0].service_id,
                        employee_id=agent.id, occurred_at=when, outcome="resolved", transfers=0, summary="Vraag.",
                        topic_id=topics["bijstand"])
            )  # fmt: skip
        # callbacks promised on the SZW call (index 5), due in March: 5 kept on time, 1 late, 1 withdrawn before due
        szw = await service_id(session, "SZW")
        for number, (status, kept) in enumerate(
            [("fulfilled", True)] * 5 + [("fulfilled", False), ("cancelled", None)]
        ):
            due = AT + timedelta(days=2, hours=number)
            session.add(
                Commitment(
                    client_id=client.id, contact_id=contacts[5].id, kind="callback", description="Terugbellen",
                    owner_service_id=szw, service_id=szw, made_by_id=agent.id, made_at=AT, due_at=due,
                    first_due_at=due, status=status, kept_on_time=kept,
                    closed_at=due - timedelta(hours=1) if status == "cancelled" else due, closed_by_id=agent.id,
                )
            )  # fmt: skip
        await session.commit()
    return {"agent": agent.id}


def _figures(trends) -> dict[tuple[str, str], tuple[int, int, bool]]:
    """(measure, group) → (count, n, suppressed) over the month (the period is one month)."""
    return {
        (m.code, row.key): (row.cells[0].count, row.cells[0].n, row.cells[0].suppressed)
        for m in trends.measures
        for row in m.rows
    }


async def test_per_service_counted_by_hand(db, kcc_world) -> None:
    async with db() as session:
        trends = await management_trends(session, MARCH, NOW, "service")
    f = _figures(trends)
    assert f[("inbound_contacts", "SZW")] == (6, 6, False) and f[("inbound_contacts", "DSO")] == (5, 5, False)
    assert f[("inbound_contacts", "GEMEENTE")] == (11, 11, False)  # anonymous included, outbound and April not
    assert f[("helped_at_once_share", "SZW")] == (3, 6, False)
    assert f[("helped_at_once_share", "DSO")] == (2, 5, False)
    assert f[("resolved_in_one_go_share", "SZW")] == (4, 6, False)
    assert f[("resolved_in_one_go_share", "GEMEENTE")] == (7, 11, False)
    assert f[("transfer_share", "SZW")] == (2, 6, False) and f[("transfer_share", "DSO")] == (3, 5, False)
    assert f[("multiple_transfer_share", "SZW")] == (1, 6, False)
    # failed transfers belong to the service that could not be reached: 3 attempts each, so withheld (n < 5) —
    # and the total of 6 shown would not give them back on its own: both are withheld, the total is shown
    assert f[("failed_transfer_share", "SZW")] == (1, 3, True) and f[("failed_transfer_share", "DSO")] == (1, 3, True)
    assert f[("failed_transfer_share", "GEMEENTE")] == (2, 6, False)
    # callbacks: 6 due (the withdrawn one not), 5 kept on time; one service, so no total row
    assert f[("callback_on_time_share", "SZW")] == (5, 6, False)
    assert ("callback_on_time_share", "GEMEENTE") not in f
    callbacks = next(m for m in trends.measures if m.code == "callback_on_time_share")
    assert callbacks.definition.target == 0.8 and callbacks.rows[0].total.interval is not None


async def test_per_topic_and_channel(db, kcc_world) -> None:
    async with db() as session:
        by_topic = await management_trends(session, MARCH, NOW, "topic")
        by_channel = await management_trends(session, MARCH, NOW, "channel")
    t, c = _figures(by_topic), _figures(by_channel)
    assert t[("inbound_contacts", "bijstand")] == (6, 6, False) and t[("inbound_contacts", "parkeervergunning")][
        :2
    ] == (
        5,
        5,
    )
    assert t[("failed_transfer_share", "bijstand")][:2] == (1, 3)  # by topic: the attempts on the topic's calls
    assert t[("failed_transfer_share", "parkeervergunning")][:2] == (1, 3)
    assert t[("callback_on_time_share", "bijstand")] == (5, 6, False)
    assert c[("helped_at_once_share", "phone")] == (3, 6, False) and c[("helped_at_once_share", "email")] == (
        2,
        5,
        False,
    )
    labels = {row.key: row.label for m in by_topic.measures for row in m.rows}
    assert labels["bijstand"] == "Bijstandsuitkering (SZW)" and labels["GEMEENTE"] == "Gemeente (totaal)"
    assert {row.label for m in by_channel.measures for row in m.rows} >= {"Telefoon", "E-mail"}
    # the measures without a topic or channel of their own are shown per service only
    assert {m.code for m in by_topic.measures} == {
        "inbound_contacts", "helped_at_once_share", "resolved_in_one_go_share", "transfer_share",
        "multiple_transfer_share", "failed_transfer_share", "callback_on_time_share", "satisfied_share",
        "article_contacts", "resolved_in_one_go_share_with_article", "resolved_in_one_go_share_without_article",
    }  # fmt: skip


async def test_the_number_of_queries_does_not_grow_with_months_or_groups(app, db, kcc_world) -> None:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    counts = []
    for period, by in ((MARCH, "service"), (Period(MARCH.start, datetime(2025, 12, 31).date()), "service")):
        statements.clear()
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)
        try:
            async with db() as session:
                await management_trends(session, period, NOW, by)
        finally:
            event.remove(app.state.engine.sync_engine, "before_cursor_execute", record)
        counts.append(len([s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]))
    assert counts[0] == counts[1] <= 8, counts


async def test_api_by_topic_exports_and_bad_input(client, make_user, make_token, kcc_world) -> None:
    headers = await make_token(await make_user("evaluator"))
    body = (await client.get("/api/v1/trends?from=2025-03-01&to=2025-03-31&by=topic", headers=headers)).json()
    assert body["by"] == "topic"
    bijstand = next(r for r in body["measures"]["helped_at_once_share"]["rows"] if r["group"] == "bijstand")
    cell = bijstand["months"][0]
    assert (cell["numerator"], cell["denominator"], cell["share"]) == (3, 6, 0.5)
    assert cell["ci_low"] == pytest.approx(0.1876, abs=1e-4) and cell["ci_high"] == pytest.approx(0.8124, abs=1e-4)
    wrong = await client.get("/api/v1/trends?by=afdeling&from=2025-04-01&to=2025-03-01", headers=headers)
    assert wrong.status_code == 422 and {e["field"] for e in wrong.json()["extra"]} >= {"by", "from"}
    exported = await client.get("/api/v1/trends/export.csv?from=2025-03-01&to=2025-03-31&by=channel", headers=headers)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    phone = next(
        r for r in rows if r["measure"] == "helped_at_once_share" and r["group"] == "phone" and r["month"] == "2025-03"
    )
    assert (phone["numerator"], phone["denominator"], phone["suppressed"], phone["by"]) == ("3", "6", "nee", "channel")
    assert any(r["month"] == "periode" and r["is_total"] == "ja" for r in rows)
    excel = await client.get("/api/v1/trends/export.csv?variant=excel-nl&by=service", headers=headers)
    assert excel.status_code == 200 and excel.content.startswith("\ufeff".encode())
    assert (await client.get("/api/v1/trends/export.csv?variant=lotus", headers=headers)).status_code == 422
    xlsx = await client.get("/api/v1/trends/export.xlsx?from=2025-03-01&to=2025-03-31", headers=headers)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert book.sheetnames == ["Trends", "Definities"]
    kcc = await make_token(await make_user("kcc_agent", services=["KCC"]))
    assert (await client.get("/api/v1/trends/export.csv", headers=kcc)).status_code == 403


async def test_the_page_per_channel_and_its_downloads_without_a_token(client, make_user, kcc_world) -> None:
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    page = await client.get("/trends?from=2025-03-01&to=2025-03-31&by=channel")
    assert page.status_code == 200
    assert '<option value="channel" selected>Per kanaal</option>' in page.text and "Telefoon" in page.text
    assert "Bea Beller" not in page.text  # figures only
    download = await client.get("/trends/export.csv?from=2025-03-01&to=2025-03-31&by=channel")
    assert download.status_code == 200 and "helped_at_once_share" in download.text
    wrong = await client.get("/trends?by=afdeling")
    assert wrong.status_code == 422 and "Onbekende indeling" in wrong.text

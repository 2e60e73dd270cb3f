"""The pilot dashboard's download links (issue 15): CSV, CSV for Excel (NL) and XLSX of the measures and the
per-dossier table through the signed-in session, byte for byte the API's files, each audited as an export."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from tests.worlds.personas import login
from tests.worlds.pilot import SLUG

pytestmark = pytest.mark.anyio

PERIOD = "from=2025-01-01&to=2025-03-31"


async def test_dashboard_offers_the_six_downloads_of_its_period(client, make_user, pilot_world) -> None:
    await login(client, (await make_user("evaluator")).email)
    html = (await client.get(f"/pilots/{SLUG}?{PERIOD}")).text
    links = set(re.findall(rf'href="(/pilots/{SLUG}/export\.[a-z]+\?[^"]*)"', html))
    base = f"/pilots/{SLUG}/export"
    assert links == {
        f"{base}.csv?{PERIOD.replace('&', '&amp;')}",
        f"{base}.csv?{PERIOD.replace('&', '&amp;')}&amp;variant=excel-nl",
        f"{base}.xlsx?{PERIOD.replace('&', '&amp;')}",
        f"{base}.csv?{PERIOD.replace('&', '&amp;')}&amp;table=dossiers",
        f"{base}.csv?{PERIOD.replace('&', '&amp;')}&amp;table=dossiers&amp;variant=excel-nl",
        f"{base}.xlsx?{PERIOD.replace('&', '&amp;')}&amp;table=dossiers",
    }


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("export.csv", ""),
        ("export.csv", "&variant=excel-nl"),
        ("export.csv", "&table=dossiers"),
        ("export.csv", "&table=dossiers&variant=excel-nl"),
        ("export.xlsx", ""),
        ("export.xlsx", "&table=dossiers"),
    ],
)
async def test_session_downloads_equal_the_api_and_are_audited(
    client, db, make_user, make_token, pilot_world, path, query
) -> None:
    evaluator = await make_user("evaluator")
    api = await client.get(f"/api/v1/pilots/{SLUG}/{path}?{PERIOD}{query}", headers=await make_token(evaluator))
    assert api.status_code == 200, api.text
    await login(client, evaluator.email)
    page = await client.get(f"/pilots/{SLUG}/{path}?{PERIOD}{query}")  # the session cookie, no bearer token
    assert page.status_code == 200, page.text
    assert page.headers["content-type"] == api.headers["content-type"]
    assert page.headers["content-disposition"] == api.headers["content-disposition"]
    if path.endswith(".csv"):
        assert page.content == api.content
        assert page.content.startswith(b"\xef\xbb\xbf") == ("excel-nl" in query)
    else:
        sheets = [load_workbook(io.BytesIO(r.content), read_only=True) for r in (api, page)]
        api_sheet, page_sheet = (list(s.worksheets[0].values) for s in sheets)
        assert api_sheet == page_sheet and len(page_sheet) > 1
    async with db() as session:
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id))
        ).all()
    assert len(events) == 2 and events[0].detail == events[1].detail
    assert events[1].object_type == "pilot" and events[1].actor_id == evaluator.id
    assert ("dossiers" if "dossiers" in query else "measures") in events[1].detail


@pytest.mark.parametrize("role", ["kcc_agent", "casemanager", "accountmanager"])
async def test_other_roles_get_403_and_nothing_is_exported(client, db, make_user, pilot_world, role) -> None:
    person = await make_user(role, services={"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}.get(role))
    await login(client, person.email)
    response = await client.get(f"/pilots/{SLUG}/export.csv")
    assert response.status_code == 403 and "Geen toegang" in response.text
    async with db() as session:
        assert not (await session.scalars(select(AuditEvent).where(AuditEvent.action == "export"))).all()


async def test_anonymous_visitors_are_sent_to_the_login_page(client, pilot_world) -> None:
    response = await client.get(f"/pilots/{SLUG}/export.xlsx", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("table=klanten", "Onbekende tabel"),
        ("variant=excel-us", "Onbekende variant"),
        ("from=2025-04-01&to=2025-03-01", "De begindatum ligt na de einddatum"),
    ],
)
async def test_bad_parameters_answer_422_in_dutch(client, db, make_user, pilot_world, query, message) -> None:
    await login(client, (await make_user("evaluator")).email)
    response = await client.get(f"/pilots/{SLUG}/export.csv?{query}")
    assert response.status_code == 422 and message in response.text
    async with db() as session:  # nothing exported, nothing recorded
        assert not (await session.scalars(select(AuditEvent).where(AuditEvent.action == "export"))).all()


async def test_unknown_pilot_is_404(client, make_user) -> None:
    await login(client, (await make_user("evaluator")).email)
    assert (await client.get("/pilots/bestaat-niet/export.csv")).status_code == 404

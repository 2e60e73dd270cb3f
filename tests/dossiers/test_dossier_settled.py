"""The dossier page shows what is still open of its promises; what is settled loads when its fold is opened
(``GET /dossiers/{id}/afgehandeld``: the list for htmx, a page of its own without JavaScript)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from tests.worlds.casework import Casework, login_as, promise_callback

pytestmark = pytest.mark.anyio

OPEN = "Ik bel u vrijdag terug over de huurachterstand."
KEPT = "Ik stuur u het formulier voor bijzondere bijstand."


@pytest.fixture
async def promises(client, world: Casework) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The row ids (``toezegging-<id>``) of an open commitment and of one fulfilled on time."""
    still_open = await promise_callback(client, world, OPEN)
    kept = await promise_callback(client, world, KEPT)
    fulfilled = await client.post(
        f"/api/v1/commitments/{kept}/fulfil", headers=world.tokens["am"], json={"note": "Verstuurd."}
    )
    assert fulfilled.status_code == 200, fulfilled.text
    return {"open": f'id="toezegging-{still_open}"', "kept": f'id="toezegging-{kept}"'}


async def _dossier_reads(db, world: Casework) -> int:  # type: ignore[no-untyped-def]
    async with db() as session:
        query = select(func.count()).where(
            AuditEvent.action == "read",
            AuditEvent.object_type == "dossier",
            AuditEvent.object_id == str(world.dossier_id),
            AuditEvent.actor_id == world.cm.id,
        )
        return int(await session.scalar(query) or 0)


async def test_the_page_shows_the_open_promise_and_only_counts_the_settled_one(
    client, world: Casework, promises: dict[str, str]
) -> None:
    await login_as(client, world.cm)
    page = await client.get(f"/dossiers/{world.dossier_id}")
    assert page.status_code == 200
    assert promises["open"] in page.text and OPEN in page.text
    assert "Afgehandeld: 1 toezegging(en), 0 overdracht(en), 0 escalatie(s)" in page.text
    assert f'hx-get="/dossiers/{world.dossier_id}/afgehandeld"' in page.text
    # not on the page itself: the settled commitment's row (the timeline keeps its entries)
    assert promises["kept"] not in page.text


async def test_opening_the_fold_loads_the_settled_promises_and_records_a_read(
    client, db, world: Casework, promises: dict[str, str]
) -> None:
    await login_as(client, world.cm)
    before = await _dossier_reads(db, world)
    fragment = await client.get(f"/dossiers/{world.dossier_id}/afgehandeld", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert promises["kept"] in fragment.text and "nagekomen (op tijd)" in fragment.text
    assert promises["open"] not in fragment.text
    assert await _dossier_reads(db, world) == before + 1


async def test_without_javascript_the_settled_promises_are_a_page_of_their_own(
    client, world: Casework, promises: dict[str, str]
) -> None:
    await login_as(client, world.cm)
    page = await client.get(f"/dossiers/{world.dossier_id}/afgehandeld")
    assert page.status_code == 200
    assert "<html" in page.text and "Afgehandelde beloften" in page.text and promises["kept"] in page.text
    assert f'href="/dossiers/{world.dossier_id}"' in page.text  # back to the dossier


async def test_an_uninvolved_employee_is_refused_and_an_unknown_dossier_not_found(
    client, world: Casework, promises: dict[str, str]
) -> None:
    await login_as(client, world.other_am)
    refused = await client.get(f"/dossiers/{world.dossier_id}/afgehandeld", headers={"HX-Request": "true"})
    assert refused.status_code == 403
    assert promises["kept"] not in refused.text
    await login_as(client, world.cm)
    missing = await client.get(f"/dossiers/{world.dossier_id + 999}/afgehandeld")
    assert missing.status_code == 404

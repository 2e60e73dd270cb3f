"""The period filter's days (issue 15): the hint names the format the date picker shows (dd-mm-jjjj), a day typed
that way where the browser has no picker is read, and an unreadable day is named in that format (422)."""

from __future__ import annotations

import pytest

from tests.worlds.personas import login
from tests.worlds.pilot import SLUG

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("path", [f"/pilots/{SLUG}", "/trends"])
async def test_hint_matches_the_picker_and_typed_days_are_read(client, make_user, pilot_world, path) -> None:
    await login(client, (await make_user("evaluator")).email)
    page = await client.get(path)
    assert "Datums als dd-mm-jjjj" in page.text and "jjjj-mm-dd" not in page.text
    typed = await client.get(f"{path}?from=01-01-2025&to=31-03-2025")
    picked = await client.get(f"{path}?from=2025-01-01&to=2025-03-31")
    assert typed.status_code == picked.status_code == 200
    assert "1 januari 2025 tot en met 31 maart 2025" in typed.text
    assert 'value="2025-01-01"' in typed.text  # the picker gets its ISO value back


@pytest.mark.parametrize("path", [f"/pilots/{SLUG}", "/trends"])
async def test_an_unreadable_day_is_named_in_the_ui_format(client, make_user, pilot_world, path) -> None:
    await login(client, (await make_user("evaluator")).email)
    response = await client.get(f"{path}?from=31-02-2025")
    assert response.status_code == 422
    assert "vul een datum in als dd-mm-jjjj, bijvoorbeeld 01-02-2026" in response.text
    assert "jjjj-mm-dd" not in response.text

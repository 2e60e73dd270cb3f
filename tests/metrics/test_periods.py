"""One period type and one parser (``metrics/periods.py``): the same bad input gets the same Dutch message on the
metrics API, the survey API, the trends API and the dashboard pages."""

from __future__ import annotations

from datetime import date

import pytest
from markupsafe import escape

from casemgmt.dashboard.controllers import PAGE_BAD_DAY
from casemgmt.errors import InvalidInput
from casemgmt.metrics.periods import (
    CHECK_PERIOD,
    FROM_AFTER_TO,
    TOO_LONG,
    Period,
    invalid_date,
    parse_period,
)
from tests.conftest import login

pytestmark = pytest.mark.anyio

DEFAULT = Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize("default", [None, DEFAULT])
def test_one_message_per_kind_of_bad_input(default: Period | None) -> None:
    with pytest.raises(InvalidInput) as bad:
        parse_period("2026-02-30", None, default)
    assert bad.value.by_field() == {"from": invalid_date("2026-02-30")} and bad.value.message == invalid_date(
        "2026-02-30"
    )
    with pytest.raises(InvalidInput) as both:
        parse_period("morgen", "31-03-2026", default)
    assert both.value.by_field() == {"from": invalid_date("morgen"), "to": invalid_date("31-03-2026")}
    assert both.value.message == CHECK_PERIOD
    with pytest.raises(InvalidInput) as after:
        parse_period("2025-06-01", "2025-05-01", default)
    assert after.value.by_field() == {"from": FROM_AFTER_TO}


def test_open_ends_stay_open_without_a_default_and_are_filled_with_one() -> None:
    assert parse_period(None, " ") == Period()
    assert parse_period("2025-03-01", None) == Period(date(2025, 3, 1), None)
    assert parse_period("2025-03-01", None, DEFAULT) == Period(date(2025, 3, 1), date(2025, 12, 31))
    assert Period(None, date(2025, 3, 31)).as_json() == {"from": None, "to": "2025-03-31"}
    assert Period(None, date(2025, 3, 31)).query_values() == {"to": "2025-03-31"}
    with pytest.raises(InvalidInput) as long:
        parse_period("2015-01-01", None, DEFAULT)
    assert long.value.by_field() == {"to": TOO_LONG}
    with pytest.raises(ValueError):
        Period(date(2025, 1, 1)).months()


async def test_the_same_bad_date_reads_the_same_everywhere(client, built, make_user, make_token) -> None:
    evaluator = await make_user("evaluator")
    headers = await make_token(evaluator)
    expected = [{"field": "from", "message": invalid_date("2026-02-30")}]
    for route in ("/api/v1/pilots/proef/metrics", "/api/v1/metrics/survey", "/api/v1/trends"):
        response = await client.get(route, params={"from": "2026-02-30"}, headers=headers)
        assert response.status_code == 422, route
        assert response.json()["extra"] == expected, route
    await login(client, evaluator.email)
    for page in ("/pilots/proef", "/trends"):  # the pages name the day in the UI's format (issue 15)
        response = await client.get(page, params={"from": "2026-02-30"})
        assert response.status_code == 422, page
        assert str(escape(PAGE_BAD_DAY.format(text="2026-02-30"))) in response.text, page

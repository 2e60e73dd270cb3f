"""An unexpected exception in a handler: logged with the request id, answered with the Dutch error page or the JSON
error body, never a stack trace."""

from __future__ import annotations

import logging

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient
from sqlalchemy.pool import NullPool

from casemgmt.app import create_app
from casemgmt.db import create_engine
from casemgmt.settings import Settings
from tests.worlds.personas import login

pytestmark = pytest.mark.anyio


class Broken(RuntimeError):
    pass


@get("/kapot", include_in_schema=False)
async def broken_page() -> str:
    raise Broken("secret internals: /srv/casemgmt/db.py line 12")


@get("/api/v1/kapot", include_in_schema=False)
async def broken_api() -> dict[str, str]:
    raise Broken("secret internals: /srv/casemgmt/db.py line 12")


@pytest.fixture
async def broken_client(app: Litestar, migrated: Settings):
    """The app on the test database (emptied by ``app``) with two handlers that fail unexpectedly."""
    application = create_app(migrated, engine=create_engine(migrated, poolclass=NullPool))
    application.register(broken_page)
    application.register(broken_api)
    async with AsyncTestClient(app=application, base_url="http://testserver.local") as client:
        yield client


async def test_an_unexpected_error_on_a_page_is_the_dutch_error_page_with_the_request_id(
    broken_client, make_user, caplog
):
    await login(broken_client, (await make_user("casemanager")).email)
    with caplog.at_level(logging.ERROR, logger="casemgmt.web.errors"):
        response = await broken_client.get("/kapot", headers={"X-Request-ID": "proef-1234"})
    assert response.status_code == 500
    assert "Er ging iets mis" in response.text and "kenmerk proef-1234" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text
    logged = [r for r in caplog.records if "proef-1234" in r.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is Broken


async def test_an_unexpected_error_in_the_api_is_the_json_error_body(broken_client, make_user, make_token, caplog):
    headers = await make_token(await make_user("admin")) | {"X-Request-ID": "proef-5678"}
    with caplog.at_level(logging.ERROR, logger="casemgmt.web.errors"):
        response = await broken_client.get("/api/v1/kapot", headers=headers)
    assert response.status_code == 500
    assert response.json() == {"status_code": 500, "detail": "Er ging iets mis"}
    assert response.headers["x-request-id"] == "proef-5678"
    assert any("proef-5678" in r.getMessage() for r in caplog.records)

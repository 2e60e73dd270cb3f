"""Settings rules (secret key, cookies), the health check, and the Dutch 500 page."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from casemgmt.app import create_app
from casemgmt.settings import Mode, Settings, SettingsError


def test_production_refuses_to_start_without_secret_key() -> None:
    settings = Settings(database_url="sqlite+aiosqlite:////tmp/never-used.sqlite3", mode=Mode.PRODUCTION)
    with pytest.raises(SettingsError, match="CASEMGMT_SECRET_KEY"):
        create_app(settings)


def test_database_url_must_name_its_driver() -> None:
    with pytest.raises(ValueError, match="driver"):
        Settings(database_url="postgresql://root@127.0.0.1/test")


def test_production_cookies_are_secure() -> None:
    settings = Settings(mode=Mode.PRODUCTION, secret_key="k" * 32)
    assert settings.secure_cookies
    assert not Settings(mode=Mode.DEMO).secure_cookies


@pytest.mark.anyio
async def test_health_reports_unreachable_database() -> None:
    settings = Settings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none", mode=Mode.TEST, secret_key="x")
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}

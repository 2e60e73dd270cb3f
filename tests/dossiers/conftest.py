"""Fixtures for the dossier tests: the small municipality of ``tests/worlds/casework.py``."""

from __future__ import annotations

import pytest

from tests.worlds.casework import Casework, arrange


@pytest.fixture
async def world(make_user, make_token, db) -> Casework:  # type: ignore[no-untyped-def]
    return await arrange(make_user, make_token, db)

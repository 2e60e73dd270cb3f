"""Fixtures for the audit tests.

Work-around until ``web/transactions.py`` reads the app's own session scope key: advanced-alchemy gives every
config after the first in a process a unique key (``_sqlalchemy_db_session_1``, …), so in a test run (one app per
test) the transaction middleware finds no session, does not commit before the session middleware writes, and a
page that writes (the Logboek records its own reading) deadlocks on SQLite. Pointing the middleware at this app's
key makes it behave as it does for the first app in a process. Harmless once the middleware is fixed.
"""

from __future__ import annotations

import pytest
from litestar import Litestar

from casemgmt.web import transactions


@pytest.fixture
def app(app: Litestar, monkeypatch: pytest.MonkeyPatch) -> Litestar:
    """The suite's ``app`` fixture, with the transaction middleware pointed at this app's session scope key."""
    monkeypatch.setattr(transactions, "SESSION_SCOPE_KEY", app.state.alchemy.session_scope_key, raising=False)
    return app

"""Jinja2 set-up: globals every template may use (the current user, navigation, roles, htmx config, the one-time
submission key of a form that writes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine

from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import ROLE_LABELS, Role
from casemgmt.web.formatting import (
    DAY_FORMAT_HINT,
    display_phone,
    format_date,
    format_moment,
    phone_link,
    time_left,
)
from casemgmt.web.idempotency import submission_key_field
from casemgmt.web.navigation import navigation_for

HTMX_CONFIG = json.dumps(
    {
        "includeIndicatorStyles": False,
        "historyCacheSize": 0,
        "allowEval": False,
        "allowScriptTags": False,
        "selfRequestsOnly": True,
        "refreshOnHistoryMiss": True,
        # Validation errors (422) and conflicts (409) answer with a re-rendered fragment; htmx must swap those in.
        "responseHandling": [
            {"code": "204", "swap": False},
            {"code": "[23]..", "swap": True},
            {"code": "422", "swap": True},
            {"code": "409", "swap": True},
            {"code": "[45]..", "swap": False, "error": True},
        ],
    }
)


def user_of(request: Any) -> CurrentUser | None:
    user = request.scope.get("user") if request is not None else None
    return user if isinstance(user, CurrentUser) else None


def flashes(request: Any) -> list[dict[str, Any]]:
    """Pop the flash messages; pages served outside the session middleware (unknown URLs) simply have none."""
    session = request.scope.get("session") if request is not None else None
    if not isinstance(session, dict):
        return []
    return session.pop("_messages", [])


def configure_templates(engine: JinjaTemplateEngine, domain_globals: dict[str, Any] | None = None) -> None:
    """Filters and globals of every template; ``domain_globals`` are the concepts' own (labels), given by the app."""
    env = engine.engine
    env.autoescape = True
    env.auto_reload = False  # templates ship with the release: no stat() of every template on every render
    env.filters.update(moment=format_moment, date_nl=format_date, phone=phone_link, phone_text=display_phone)
    env.globals.update(
        time_left=time_left,
        day_format=DAY_FORMAT_HINT,
        utcnow=lambda: datetime.now(UTC),
        user_of=user_of,
        flashes=flashes,
        navigation_for=navigation_for,
        role_labels={role.value: label for role, label in ROLE_LABELS.items()},
        Role=Role,
        htmx_config=HTMX_CONFIG,
        submission_key_field=submission_key_field,
    )
    env.globals.update(domain_globals or {})

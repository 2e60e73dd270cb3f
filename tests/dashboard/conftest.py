"""Fixtures for the dashboard tests: a fresh advanced-alchemy scope key per app, the pilot and trends worlds, and a
small HTML reader for the figures a page shows."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

from tests.worlds.pilot import PilotWorld, arrange_pilot


@pytest.fixture(autouse=True)
def fresh_alchemy_scope_keys() -> None:
    """Every test's app gets advanced-alchemy's default session scope key, as a fresh process would (see
    tests/clients/conftest.py: otherwise page requests that flush can deadlock with the session store on SQLite)."""
    for registry in (
        "_SESSION_SCOPE_KEY_REGISTRY",
        "_ENGINE_APP_STATE_KEY_REGISTRY",
        "_SESSIONMAKER_APP_STATE_KEY_REGISTRY",
    ):
        getattr(SQLAlchemyAsyncConfig, registry).clear()


@pytest.fixture
async def pilot_world(db, make_user, tmp_path: Path) -> PilotWorld:
    casemanager = await make_user("casemanager", name="Carla Casemanager")
    return await arrange_pilot(db, tmp_path, casemanager.id)


class Figures(HTMLParser):
    """Collects every element carrying ``data-path`` (its value attribute, text and whether it is suppressed),
    every element's attributes, and the text of ``<script>`` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: list[dict[str, Any]] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._open: list[dict[str, Any]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._script_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "script":
            self._script, self._script_text = attributes, ""
        if "data-path" in attributes:
            figure = {
                "tag": tag,
                "path": attributes["data-path"],
                "value": attributes.get("value"),
                "suppressed": attributes.get("data-suppressed") == "true",
                "text": "",
            }
            self.figures.append(figure)
            self._open.append(figure)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, self._script_text))
            self._script = None
        if self._open and tag == self._open[-1]["tag"]:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text += data
        for figure in self._open:
            figure["text"] += data


def read_figures(html: str) -> Figures:
    parser = Figures()
    parser.feed(html)
    return parser


def at_path(document: Any, path: str) -> Any:
    """``cohorts.pilot.measures.satisfied_share.value`` in a JSON document."""
    for key in path.split("."):
        document = document[key]
    return document

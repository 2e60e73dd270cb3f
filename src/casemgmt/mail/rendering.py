"""A mail's two parts from the templates under ``templates/mail/``: ``<name>.txt`` as plain text and
``<name>.html`` with every value HTML-escaped (autoescape), both with undefined names refused."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined


@lru_cache(maxsize=8)
def _environments(templates_dir: Path) -> tuple[Environment, Environment]:
    loader = FileSystemLoader(templates_dir / "mail")
    text = Environment(loader=loader, autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)  # noqa: S701 (plain text, never HTML)
    html = Environment(loader=loader, autoescape=True, undefined=StrictUndefined)
    return text, html


def render_mail(templates_dir: Path, name: str, context: dict[str, Any]) -> tuple[str, str]:
    """(text part, HTML part) of the mail ``name``."""
    text, html = _environments(templates_dir)
    return text.get_template(f"{name}.txt").render(context), html.get_template(f"{name}.html").render(context)

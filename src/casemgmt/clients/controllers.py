"""Pages and API of this concept (being built for issue #3)."""

from __future__ import annotations

from typing import Any

PAGE_HANDLERS: list[Any] = []
API_HANDLERS: list[Any] = []

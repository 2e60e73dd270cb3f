"""Fixtures for the notification tests: the small municipality of ``tests/worlds/promises.py``."""

from tests.worlds.promises import world  # noqa: F401

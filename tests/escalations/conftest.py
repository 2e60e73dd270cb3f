"""Fixtures for the promise tests: the small municipality of ``tests/worklists/promises.py``."""

from tests.worklists.promises import world  # noqa: F401

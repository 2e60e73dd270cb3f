"""Fixtures for the outbox tests: a real SMTP server in the test process."""

from tests.worlds.smtp import smtp_server  # noqa: F401

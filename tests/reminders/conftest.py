"""Fixtures for the digest tests: the promise municipality and a real SMTP server in the test process."""

from tests.worlds.promises import world  # noqa: F401
from tests.worlds.smtp import smtp_server  # noqa: F401

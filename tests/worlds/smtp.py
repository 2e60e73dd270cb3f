"""A real SMTP server in the test process (``aiosmtpd``'s Controller on a free port of 127.0.0.1): it receives
what casemgmt sends and keeps every message, parsed, in ``received``. ``stop()`` makes an outage, ``start()``
brings it back on the same port. Optionally it asks for a login (``user``/``password``)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest

from casemgmt.settings import SmtpSettings


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None and body.get_content_type() == f"text/{subtype}", f"no text/{subtype} part"
        return str(body.get_content()).replace("\r\n", "\n")  # the wire has CRLF line ends


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    user: str | None = None
    password: str | None = None
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    _controller: Any = None

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.user
            and auth_data.password.decode() == self.password
        )
        if ok:
            self.logins.append(self.user or "")
        return AuthResult(success=ok)

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        options: dict[str, Any] = {}
        if self.user is not None:
            options = {"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": False}
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def settings(self) -> SmtpSettings:
        return SmtpSettings("127.0.0.1", self.port, False, False, self.user, self.password)

    @property
    def url(self) -> str:
        login = f"{self.user}:{self.password}@" if self.user else ""
        return f"smtp://{login}127.0.0.1:{self.port}?starttls=false"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    pytest.importorskip("aiosmtpd", reason="aiosmtpd (a dev dependency) is needed for the real SMTP server")
    pytest.importorskip("aiosmtplib", reason="aiosmtplib is needed to send")
    server = SmtpServer()
    server.start()
    yield server
    server.stop()

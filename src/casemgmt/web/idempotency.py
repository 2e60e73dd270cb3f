"""Idempotent writes: a double click, a browser's "resubmit" or a client's retry creates one record, not two.

Every HTML form that writes carries a one-time submission key (the hidden field ``_submission_key``, written by the
Jinja global ``submission_key_field()`` next to the CSRF token); an API client may send an ``Idempotency-Key``
header with any ``POST``. The first request with a key *claims* it: it inserts a row into ``idempotency_keys``
(unique per user and key) in the request's own transaction, before the handler runs, and stores its answer (status,
headers, body) in that row when the handler is done, so the claim, the handler's writes and the stored answer
commit together or not at all (``web/transactions.py`` commits as the response starts).

A second request with the same key, from the same user, within ``KEY_LIFETIME`` (24 hours):

- waits while the first is still running: its insert meets the first's uncommitted row and the database makes it
  wait (PostgreSQL: the unique index; SQLite: the one writer's lock) — at most ``CLAIM_WAIT_SECONDS``, after which
  it answers 409 "wordt al verwerkt";
- then, when the first committed, gets the stored answer without running the handler (header
  ``Idempotent-Replayed: true``), the same status, body and content type (a redirect: the same ``Location``);
- answers 422 when it is not the same request (another method, path, query or body): the key was spent on something
  else.

Only successful answers (2xx, 3xx) are kept. A refused first attempt (4xx: bad input, a conflict; 5xx) rolls its
transaction back, and with it the claim: the key is free again, so correcting the input and sending it once more
works, and a failure is never replayed as a success. Requests without a key (older clients, tests, the login form
of someone not yet logged in) are served as always. Keys are per user: the same key from another user is another
key. Expired rows are ignored, deleted when their key comes back, and removed by ``casemgmt sessions prune``.

The stored answer may hold personal data (a created client's details); it is kept 24 hours for the user who asked,
returned only to that user, and pruned after. An answer that holds a secret shown once (a new API token's value)
is never kept: a route declaring ``opt={SECRET_ANSWER: "<page to send a repeat to>"}`` keeps instead, for a page, a
303 to that page and, for the API, a 409 saying the record was made and its secret is not shown again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.extensions.litestar._utils import get_aa_scope_state
from litestar import Request
from litestar.types import ASGIApp, Receive, Scope, Send
from markupsafe import Markup
from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, delete, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.auth.identity import CurrentUser
from casemgmt.db import SQLITE_BUSY_TIMEOUT_MS
from casemgmt.errors import Conflict, InvalidInput

log = logging.getLogger(__name__)

SUBMISSION_FIELD = "_submission_key"
"""The hidden form field that carries a rendered form's one-time key."""
HEADER = "idempotency-key"
"""The API's header (``Idempotency-Key``); pages may send it too."""
REPLAYED_HEADER = "idempotent-replayed"
"""Set (``true``) on an answer that is the stored answer of an earlier request."""
KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255
KEY_PATTERN = r"^[!-~]{1,255}$"
"""1 to 255 visible ASCII characters: no spaces, no control characters (also the OpenAPI document's pattern)."""
CLAIM_WAIT_SECONDS = 10
"""How long a duplicate waits for the first request with its key before it answers 409."""
_KEY = re.compile(KEY_PATTERN)
_NOT_STORED_HEADERS = frozenset({"set-cookie", "date", "server"})
_HANDLED = "casemgmt_idempotency"
SECRET_ANSWER = "secret_answer"  # noqa: S105 (an option name, not a secret)
"""A route option: the answer holds a secret shown once and is not kept (its value: where a repeat is sent)."""
SECRET_REPEATED = "Dit verzoek is al uitgevoerd; wat het opleverde wordt maar één keer getoond en niet opnieuw."  # noqa: S105 (a message)

INVALID_KEY = "Een Idempotency-Key bestaat uit 1 tot 255 zichtbare tekens (letters, cijfers, leestekens; geen spaties)."
KEY_REUSED = (
    "Deze Idempotency-Key is al gebruikt voor een ander verzoek (andere gegevens of een ander adres); "
    "gebruik voor elk nieuw verzoek een nieuwe sleutel."
)
FORM_REUSED = (
    "Dit formulier is al verzonden met andere gegevens. Laad de pagina opnieuw en vul het formulier opnieuw in."
)
IN_PROGRESS = "Dit verzoek wordt al verwerkt; wacht even en laad de pagina opnieuw."


class IdempotencyKey(BigIntAuditBase):
    """One claimed key: who sent it, what the request was (fingerprint), and the answer it got once it was done."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        Index("uq_idempotency_keys_user_key", "user_id", "key", unique=True),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int | None] = mapped_column(Integer, default=None)
    response_headers: Mapped[list[list[str]] | None] = mapped_column(JSON, default=None)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


# -- the rules (plain functions) -----------------------------------------------------------------------------------


def valid_key(key: str) -> bool:
    """A key is 1 to 255 visible ASCII characters."""
    return bool(_KEY.fullmatch(key))


def new_submission_key() -> str:
    """A fresh, unguessable key for one rendered form (128 bits)."""
    return secrets.token_urlsafe(16)


def fingerprint(method: str, path: str, query: bytes, body: bytes, boundary: bytes | None = None) -> str:
    """What makes two requests "the same": method, path, query and body. A multipart body is compared without its
    boundary, which the browser chooses anew for every submission of the same form."""
    if boundary:
        body = body.replace(b"--" + boundary, b"--")
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def keeps_answer(status: int) -> bool:
    """Only a successful answer is kept and replayed; a refused or failed attempt releases the key."""
    return 200 <= status < 400


def headers_to_store(headers: list[tuple[bytes, bytes]]) -> list[list[str]]:
    """The answer's own headers, without cookies (they belong to the first request's session) and without the
    server's date."""
    return [
        [name.decode("latin-1"), value.decode("latin-1")]
        for name, value in headers
        if name.decode("latin-1").lower() not in _NOT_STORED_HEADERS
    ]


def still_valid(created_at: datetime, now: datetime) -> bool:
    """A key counts for ``KEY_LIFETIME`` after it was first used."""
    return now - created_at < KEY_LIFETIME


class Outcome(Enum):
    REPLAY = "replay"
    """The same request, done: answer as it was answered."""
    REUSED = "reused"
    """Another request under a spent key: refuse (422)."""
    IN_PROGRESS = "in_progress"
    """The same key, not yet answered: refuse (409)."""


def outcome_for_duplicate(stored_fingerprint: str, stored_status: int | None, fingerprint_: str) -> Outcome:
    """What a request gets whose key is already claimed (and still valid)."""
    if stored_fingerprint != fingerprint_:
        return Outcome.REUSED
    if stored_status is None:
        return Outcome.IN_PROGRESS
    return Outcome.REPLAY


# -- forms ---------------------------------------------------------------------------------------------------------


def submission_key_field(id: str = "", oob: bool = False) -> Markup:
    """Jinja global: the hidden field with a fresh one-time key, for every form that writes (next to the CSRF
    token). Each call, so each rendered form, gets its own key. A form that stays on the page after htmx posted it
    (the survey import) names its field (``id``), and the answer's fragment sends a fresh one with ``oob``
    (``hx-swap-oob``), so the next submission is a new one."""
    attributes = Markup("")
    if id:
        attributes += Markup(' id="{}"').format(id)
    if oob:
        attributes += Markup(' hx-swap-oob="true"')
    return Markup('<input type="hidden" name="{}" value="{}"{}>').format(
        SUBMISSION_FIELD, new_submission_key(), attributes
    )


# -- storage -------------------------------------------------------------------------------------------------------


async def prune_expired_keys(session: AsyncSession, now: datetime | None = None) -> int:
    """Remove keys older than ``KEY_LIFETIME`` (they are ignored anyway; this frees the space)."""
    cutoff = (now or datetime.now(UTC)) - KEY_LIFETIME
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class StoredKey:
    """A claimed key as it was read (plain values: they outlive the transaction that read them)."""

    fingerprint: str
    created_at: datetime
    status: int | None
    headers: list[list[str]] | None
    body: bytes | None


@dataclass(frozen=True)
class Claim:
    id: int | None
    """The new row's id when this request claimed the key; None when it was claimed already."""
    existing: StoredKey | None = None


class StillRunning(Exception):
    """The first request with this key held it longer than ``CLAIM_WAIT_SECONDS``."""


async def _wait_at_most(session: AsyncSession, postgres: bool, seconds: float | None) -> None:
    """How long a statement may wait for another transaction's lock: ``seconds``, or the usual (None)."""
    if postgres:
        value = f"'{int(seconds * 1000)}ms'" if seconds is not None else "DEFAULT"
        await session.execute(text(f"SET LOCAL lock_timeout = {value}"))
    else:
        milliseconds = int(seconds * 1000) if seconds is not None else SQLITE_BUSY_TIMEOUT_MS
        await session.execute(text(f"PRAGMA busy_timeout = {milliseconds}"))


async def claim(session: AsyncSession, user_id: int, key: str, fingerprint_: str, now: datetime) -> Claim:
    """Insert the key for this request, or find the claim of an earlier one. An earlier request with the same key
    that is still running makes this wait until it commits or rolls back, at most ``CLAIM_WAIT_SECONDS`` (then
    ``StillRunning``, with this request's transaction rolled back)."""
    same_key = (IdempotencyKey.user_id == user_id) & (IdempotencyKey.key == key)
    postgres = session.get_bind().dialect.name == "postgresql"
    insert = pg_insert if postgres else sqlite_insert
    statement = (
        insert(IdempotencyKey)
        .values(user_id=user_id, key=key, fingerprint=fingerprint_, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(IdempotencyKey.id)
    )
    await _wait_at_most(session, postgres, CLAIM_WAIT_SECONDS)
    try:
        # An expired row of the same key no longer counts: make room for the new claim.
        await session.execute(delete(IdempotencyKey).where(same_key, IdempotencyKey.created_at <= now - KEY_LIFETIME))
        claimed = (await session.execute(statement)).scalar()
    except IntegrityError:
        raise
    except DBAPIError as exc:  # PostgreSQL: lock_timeout; SQLite: "database is locked"
        await session.rollback()
        if not postgres:
            await _wait_at_most(session, postgres, None)
        raise StillRunning from exc
    await _wait_at_most(session, postgres, None)
    if claimed is not None:
        return Claim(int(claimed))
    row = (
        await session.execute(
            select(
                IdempotencyKey.fingerprint,
                IdempotencyKey.created_at,
                IdempotencyKey.response_status,
                IdempotencyKey.response_headers,
                IdempotencyKey.response_body,
            ).where(same_key)
        )
    ).one_or_none()
    return Claim(None, StoredKey(*row) if row is not None else None)


async def store_answer(
    session: AsyncSession, claim_id: int, status: int, headers: list[list[str]], body: bytes
) -> bool:
    """Keep the answer in the claim's row (in the request's transaction). False when the row is gone: the handler
    rolled the transaction back (and with it the claim) before answering."""
    result = await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claim_id)
        .values(response_status=status, response_headers=headers, response_body=body)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def secret_replacement(page: str, *, api: bool) -> tuple[int, list[list[str]], bytes]:
    """What is kept instead of an answer holding a secret: the API's 409, or a page's 303 to ``page``."""
    if api:
        body = json.dumps({"status_code": 409, "detail": SECRET_REPEATED}).encode()
        return 409, [["content-type", "application/json"]], body
    return 303, [["location", page]], b""


# -- the middleware ------------------------------------------------------------------------------------------------


def request_session(scope: Scope) -> AsyncSession:
    """The request's own database session (the one its handler's ``db_session`` gets), opened if need be."""
    app = scope["app"]
    session = get_aa_scope_state(scope, app.state.alchemy.session_scope_key)
    if session is None:
        session = app.state.alchemy.provide_session(app.state, scope)
    return session  # type: ignore[no-any-return]


class IdempotentWrites:
    """ASGI middleware for ``POST`` requests of a logged-in user that carry a key (see the module docstring).

    It must run after authentication (it keys by user) and inside ``transaction_middleware`` (the claim and the
    stored answer commit with the handler's writes): the app has it once for the pages, after the session auth, and
    the API router once more, after the bearer-token check; the first instance that sees a user handles the
    request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.setdefault("state", {})
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or state.get(_HANDLED)
            or not isinstance(scope.get("user"), CurrentUser)
        ):
            await self.app(scope, receive, send)
            return
        state[_HANDLED] = True
        request: Request[Any, Any, Any] = Request(scope, receive)
        header_key = request.headers.get(HEADER)
        content_type, options = request.content_type
        from_form = header_key is None and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
        if header_key is None and not from_form:
            await self.app(scope, receive, send)
            return
        body = await request.body()
        replay_receive = _replaying(body, receive)
        key = header_key
        if key is None:
            form = await request.form()  # cached in the request's state: the handler reads the same
            key = form.get(SUBMISSION_FIELD)
            if not isinstance(key, str):
                await self.app(scope, replay_receive, send)
                return
        field = "Idempotency-Key" if header_key is not None else SUBMISSION_FIELD
        if not valid_key(key):
            raise InvalidInput.single(field, INVALID_KEY)
        boundary = options.get("boundary", "").encode() if content_type == "multipart/form-data" else None
        print_ = fingerprint("POST", scope["path"], scope.get("query_string", b""), body, boundary)
        user: CurrentUser = scope["user"]
        session = request_session(scope)
        now = datetime.now(UTC)
        try:
            claimed = await claim(session, user.id, key, print_, now)
        except StillRunning:
            raise Conflict(IN_PROGRESS) from None
        if claimed.id is None:
            await session.rollback()  # only reads were made; nothing of this request is to be written
            existing = claimed.existing
            if existing is None or not still_valid(existing.created_at, now):  # pragma: no cover - a race on expiry
                raise Conflict(IN_PROGRESS)
            outcome = outcome_for_duplicate(existing.fingerprint, existing.status, print_)
            if outcome is Outcome.REUSED:
                raise InvalidInput.single(field, KEY_REUSED if header_key is not None else FORM_REUSED)
            if outcome is Outcome.IN_PROGRESS:
                raise Conflict(IN_PROGRESS)
            await _replay(existing, send)
            return
        handler = scope.get("route_handler")
        secret = handler.opt.get(SECRET_ANSWER) if handler is not None else None
        await self.app(scope, replay_receive, _StoringSend(send, session, claimed.id, secret, scope["path"]))


def _replaying(body: bytes, receive: Receive) -> Receive:
    """The request's body once more, for whatever reads it from the ASGI channel after the middleware did."""
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _replay(stored: StoredKey, send: Send) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in stored.headers or []]
    headers.append((REPLAYED_HEADER.encode(), b"true"))
    await send({"type": "http.response.start", "status": stored.status or 200, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body or b"", "more_body": False})


class _StoringSend:
    """Holds the answer back until it is complete, keeps a successful one in the claim's row, then sends it on
    (``transaction_middleware`` commits the handler's writes and the stored answer together on the way out)."""

    def __init__(
        self, send: Send, session: AsyncSession, claim_id: int, secret: str | None = None, path: str = ""
    ) -> None:
        self.secret = secret
        self.api = path.startswith("/api/")
        self.send = send
        self.session = session
        self.claim_id = claim_id
        self.start: Any = None
        self.chunks: list[bytes] = []

    async def __call__(self, message: Any) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        start, self.start = self.start, None
        status = int(start["status"])
        if keeps_answer(status):
            body = b"".join(self.chunks)
            headers = headers_to_store(list(start.get("headers", [])))
            if self.secret is not None:
                status, headers, body = secret_replacement(self.secret, api=self.api)
            if not await store_answer(self.session, self.claim_id, status, headers, body):
                log.info("idempotency key released by the handler's rollback; answer not kept")
        await self.send(start)
        await self.send({"type": "http.response.body", "body": b"".join(self.chunks), "more_body": False})

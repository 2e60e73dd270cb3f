"""The outbox's plain rules and the SMTP settings: the URL read into host, port, TLS/STARTTLS and login (bad ones
refused with a message naming the setting, never echoing the password), the retry schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from casemgmt.mail.rules import MAX_ATTEMPTS, MAX_ERROR, MailStatus, after_failure, clip_error, retry_delay
from casemgmt.settings import Mode, Settings, SmtpSettings, parse_clock, parse_smtp_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://user:pass@mail.gemeente.nl:587?starttls=true", ("mail.gemeente.nl", 587, False, True, "user", "pass")),
        ("smtp://mail.gemeente.nl:587", ("mail.gemeente.nl", 587, False, True, None, None)),
        ("smtps://user:p%40ss@mail.gemeente.nl:465", ("mail.gemeente.nl", 465, True, False, "user", "p@ss")),
        ("smtps://mail.gemeente.nl", ("mail.gemeente.nl", 465, True, False, None, None)),
        ("smtp://localhost", ("localhost", 25, False, False, None, None)),
        ("smtp://relay:2525?starttls=false", ("relay", 2525, False, False, None, None)),
        ("smtp://a%40b.nl:x@relay:25?starttls=ja", ("relay", 25, False, True, "a@b.nl", "x")),
    ],
)  # fmt: skip
def test_smtp_urls(url: str, expected: tuple[object, ...]) -> None:
    assert parse_smtp_url(url) == SmtpSettings(*expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://mail.gemeente.nl", "must start with smtp:// or smtps://"),
        ("mail.gemeente.nl:587", "must start with smtp:// or smtps://"),
        ("smtp://", "names no host"),
        ("smtp://mail:0", "port"),
        ("smtp://mail:70000", "port"),
        ("smtp://mail:abc", "port"),
        ("smtps://mail?starttls=true", "already uses TLS"),
        ("smtp://mail?starttls=misschien", "starttls must be true or false"),
        ("smtp://mail?tls=1", "unknown options tls"),
    ],
)
def test_bad_smtp_urls_are_refused_naming_the_setting(url: str, says: str) -> None:
    with pytest.raises(ValueError, match="CASEMGMT_SMTP_URL") as refused:
        parse_smtp_url(url)
    assert says in str(refused.value)


def test_settings_refuse_a_bad_url_without_showing_its_password() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(mode=Mode.TEST, smtp_url="smtp://user:topgeheim@mail:99999")
    assert "CASEMGMT_SMTP_URL" in str(refused.value) and "topgeheim" not in str(refused.value)
    settings = Settings(mode=Mode.TEST, smtp_url="smtps://user:topgeheim@mail")
    assert settings.smtp == SmtpSettings("mail", 465, True, False, "user", "topgeheim")
    assert "topgeheim" not in settings.smtp.describe()
    assert Settings(mode=Mode.TEST, smtp_url=" ").smtp is None  # empty: no SMTP, mails stay in the outbox


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("digest_at", "7.30", "CASEMGMT_DIGEST_AT"),
        ("digest_at", "24:00", "CASEMGMT_DIGEST_AT"),
        ("mail_from", "casemgmt", "CASEMGMT_MAIL_FROM"),
        ("base_url", "casemgmt.gemeente.nl", "CASEMGMT_BASE_URL"),
    ],
)
def test_other_mail_settings_are_checked(field: str, value: str, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        Settings(mode=Mode.TEST, **{field: value})


def test_mail_setting_defaults() -> None:
    settings = Settings(mode=Mode.TEST)
    assert settings.smtp is None and settings.digest_at == "07:30" and settings.base_url == "http://127.0.0.1:8000"
    assert parse_clock("07:30").isoformat() == "07:30:00"
    assert Settings(mode=Mode.TEST, base_url="https://cm.gemeente.nl/").base_url == "https://cm.gemeente.nl"


def test_retry_schedule() -> None:
    assert [retry_delay(n) for n in range(1, 7)] == [timedelta(minutes=m) for m in (1, 5, 15, 60, 60, 60)]
    now = datetime(2026, 12, 7, 8, tzinfo=UTC)
    assert after_failure(1, now) == (MailStatus.PENDING, now + timedelta(minutes=1))
    assert after_failure(MAX_ATTEMPTS - 1, now) == (MailStatus.PENDING, now + timedelta(hours=1))
    assert after_failure(MAX_ATTEMPTS, now) == (MailStatus.FAILED, now)
    with pytest.raises(ValueError, match="attempts"):
        retry_delay(0)


def test_errors_are_stored_on_one_line_and_bounded() -> None:
    assert clip_error("550 mailbox\r\n  unavailable") == "550 mailbox unavailable"
    assert len(clip_error("x" * 5000)) == MAX_ERROR

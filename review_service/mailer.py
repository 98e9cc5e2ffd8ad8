"""Notification mail over SMTP (REVIEW_SMTP_URL), sent after the unit of work that created it commits.

Best-effort like the webhook: a mail server that is down is logged and never rolls back a decision;
the in-app message (消息) is the record.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from review_service.config import Settings

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 10


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: bool  # smtps://: TLS from the first byte
    starttls: bool
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpTarget:
    """``smtp://[user:pass@]host[:port][?starttls=1]`` or ``smtps://…``; raises ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"REVIEW_SMTP_URL: expected smtp://host[:port] or smtps://…, got {parts.scheme or url!r}")
    query = parse_qs(parts.query)
    tls = parts.scheme == "smtps"
    return SmtpTarget(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        tls=tls,
        starttls=not tls and query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _message(settings: Settings, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr(("发布前审校", settings.smtp_from))
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or "localhost")
    message.set_content(mail.body, charset="utf-8")
    return message


def send_all(settings: Settings, mails: list[Mail]) -> int:
    """Send every mail over one connection; returns how many the server accepted."""
    if not settings.smtp_url or not mails:
        return 0
    target = parse_smtp_url(settings.smtp_url)
    sent = 0
    try:
        context = ssl.create_default_context()
        if target.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(target.host, target.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=SMTP_TIMEOUT)
        with client:
            if target.starttls:
                client.starttls(context=context)
            if target.username:
                client.login(target.username, target.password or "")
            for mail in mails:
                try:
                    client.send_message(_message(settings, mail))
                    sent += 1
                except smtplib.SMTPException as exc:
                    log.warning("notification mail to %s refused: %s", mail.to, exc)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("notification mail not sent (%d waiting): %s", len(mails) - sent, exc)
    return sent

"""Outgoing mail: the log backend by default, SMTP when MESS_NOTIFIER=smtp."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from mess.config import Settings

log = logging.getLogger("mess.notifier")


class Notifier(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


class LogNotifier:
    """Writes each message to the log: development, and deployments without mail."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))
        log.info("notification to %s: %s | %s", to, subject, body)


class SmtpNotifier:
    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise ValueError("MESS_NOTIFIER=smtp needs MESS_SMTP_HOST")
        self.settings = settings

    def send(self, to: str, subject: str, body: str) -> None:
        s = self.settings
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = s.smtp_from, to, subject
        message.set_content(body)
        host = s.smtp_host or ""
        # The server's certificate is always verified (system CAs, or MESS_SMTP_CA_FILE for a private relay).
        context = ssl.create_default_context(cafile=s.smtp_ca_file)
        smtp: smtplib.SMTP
        if s.smtp_security == "ssl":
            smtp = smtplib.SMTP_SSL(host, s.smtp_port, timeout=15, context=context)
        else:
            smtp = smtplib.SMTP(host, s.smtp_port, timeout=15)
        with smtp:
            if s.smtp_security == "starttls":
                smtp.starttls(context=context)
            if s.smtp_user and s.smtp_password:
                smtp.login(s.smtp_user, s.smtp_password.get_secret_value())
            smtp.send_message(message)


def get_notifier(settings: Settings) -> Notifier:
    return SmtpNotifier(settings) if settings.notifier == "smtp" else LogNotifier()

"""Mails go out after the response (and so after the request's transaction committed), off the event loop."""

from __future__ import annotations

import asyncio
import logging

from fastapi import BackgroundTasks, Request

from mess.accounts.service import Mail

log = logging.getLogger("mess.mail")


async def _send(request_app: object, mails: list[Mail]) -> None:
    notifier = request_app.state.notifier  # type: ignore[attr-defined]
    for mail in mails:
        try:
            await asyncio.to_thread(notifier.send, mail.to, mail.subject, mail.body)
        except Exception:  # one unreachable mailbox must not stop the others; the log says which
            log.exception("could not send %r to %s", mail.subject, mail.to)


def send_after_response(background: BackgroundTasks, request: Request, mails: list[Mail]) -> None:
    if mails:
        background.add_task(_send, request.app, mails)

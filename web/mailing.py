"""Mails go out after the response (and so after the request's transaction committed), off the event loop."""

from __future__ import annotations

import asyncio
import logging

from fastapi import BackgroundTasks, Request
from starlette.applications import Starlette

from mess.accounts.service import Mail

log = logging.getLogger("mess.mail")


async def _send(app: Starlette, mails: list[Mail]) -> None:
    notifier = app.state.notifier
    for mail in mails:
        try:
            await asyncio.to_thread(notifier.send, mail.to, mail.subject, mail.body)
        except Exception:  # one unreachable mailbox must not stop the others; the log says which
            log.exception("could not send %r to %s", mail.subject, mail.to)


def send_after_response(background: BackgroundTasks, request: Request, mails: list[Mail]) -> None:
    if mails:
        background.add_task(_send, request.app, mails)

"""Accounts: change a password, forgotten-password links, invites (PRODUCT 7.1).

Services only decide and write; the mails they return are sent by the caller after the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.accounts import links, repository
from mess.accounts.repository import Recipient
from mess.accounts.strength import check_new_password
from mess.auth.actor import Actor
from mess.auth.passwords import hash_password, verify_password
from mess.config import Settings
from mess.errors import ErrorCode, Forbidden, InvalidInput, MessError, NotAuthenticated, RateLimited
from mess.models import UserAccount
from mess.residents.service import load_resident
from mess.users.repository import clear_failures, forget_failures_before, resident_id_of


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


INVALID_LINK = "this link is not valid any more (used, expired, or replaced by a newer one); ask for a new one"


async def change_password(session: AsyncSession, actor: Actor, current: str, new: str) -> None:
    user = await session.get(UserAccount, actor.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("sign in again")
    if not verify_password(user.password_hash, current):
        raise Forbidden("the current password is not right", ErrorCode.WRONG_PASSWORD)
    check_new_password(new, user.login)
    user.password_hash = hash_password(new)
    await session.flush()


def _link(settings: Settings, who: Recipient, purpose: links.Purpose, now: datetime) -> tuple[str, datetime]:
    life = (
        timedelta(minutes=settings.reset_token_minutes)
        if purpose == "reset"
        else timedelta(days=settings.invite_token_days)
    )
    token = links.issue(who.user_id, purpose, who.password_hash, settings.secret_key.get_secret_value(), now, life)
    return f"{settings.public_url.rstrip('/')}/password/set?token={quote(token)}", now + life


def _reset_mail(settings: Settings, who: Recipient, now: datetime) -> Mail:
    url, until = _link(settings, who, "reset", now)
    body = (
        f"Hello {who.name},\n\nSomeone (we hope you) asked to reset the password of your {who.mess_name} account "
        f"(roll number {who.login}).\n\nChoose a new password here:\n{url}\n\nThe link works once, until "
        f"{text.moment(until, who.timezone)}. If you did not ask, ignore this email: your password stays as it is.\n"
    )
    return Mail(who.email, f"{who.mess_name}: reset your password", body)


def invite_mail(settings: Settings, who: Recipient, now: datetime) -> Mail:
    url, until = _link(settings, who, "invite", now)
    body = (
        f"Hello {who.name},\n\nYou have an account at {who.mess_name}: you book and cancel meals, apply for leave "
        f"and read your bills there. You sign in with your roll number, {who.login}.\n\nSet your password here:\n"
        f"{url}\n\nThe link works once, until {text.moment(until, who.timezone)}.\n"
    )
    return Mail(who.email, f"{who.mess_name}: set your password", body)


async def request_reset(
    session: AsyncSession, settings: Settings, typed: str, address: str, now: datetime
) -> list[Mail]:
    """Mails with a reset link for the accounts the roll number, login or email names (none when it names none:
    the caller answers the same either way). Rate limited per login and per address, existing or not."""
    key = typed.strip().lower()[:58]
    since = now - timedelta(seconds=settings.login_rate_window_seconds)
    by_login, by_address = await repository.recent_reset_requests(session, key, address, since)
    if by_login >= settings.reset_rate_limit or by_address >= 4 * settings.reset_rate_limit:
        raise RateLimited("too many reset requests; wait a few minutes and try again")
    await forget_failures_before(session, since)
    repository.add_reset_request(session, key, address, now)
    found = await repository.recipients_by_login_or_email(session, key) if key else []
    return [_reset_mail(settings, who, now) for who in found]


async def set_password_with_link(session: AsyncSession, settings: Settings, token: str, new: str, now: datetime) -> str:
    """Set the password a reset or invite link is for; the account's login (to sign in with)."""
    user_id = links.user_of(token)
    user = await session.get(UserAccount, user_id) if user_id else None
    secret = settings.secret_key.get_secret_value()
    if user is None or not user.is_active or not links.verify(token, user.password_hash, secret, now):
        raise MessError(INVALID_LINK, ErrorCode.INVALID_TOKEN)  # 400, as PRODUCT 7.1 says
    check_new_password(new, user.login)
    user.password_hash = hash_password(new)
    await clear_failures(session, user.login.lower())
    await session.flush()
    return user.login


async def invite(session: AsyncSession, actor: Actor, settings: Settings, resident_id: int, now: datetime) -> Mail:
    actor.require("warden", "admin")
    resident = await load_resident(session, actor, resident_id)
    found = await repository.recipients_by_user(session, [resident.user_id])
    if not found:
        raise InvalidInput("this resident's account is switched off; switch it on before inviting")
    return invite_mail(settings, found[0], now)


async def invites_for(session: AsyncSession, settings: Settings, user_ids: list[int], now: datetime) -> list[Mail]:
    """Invites for these accounts (the residents an import created)."""
    return [invite_mail(settings, who, now) for who in await repository.recipients_by_user(session, user_ids)]


async def invite_everyone_without_password(
    session: AsyncSession, actor: Actor, settings: Settings, mess_id: int | None, now: datetime
) -> list[Mail]:
    actor.require("warden", "admin")
    found = await repository.recipients_without_password(session, actor.mess_for(mess_id))
    return [invite_mail(settings, who, now) for who in found]


async def account_for_verified_email(session: AsyncSession, email: str) -> Actor:
    """Single sign-on: the one active account whose email is this (verified by the institute); refused otherwise."""
    found = await repository.recipients_by_login_or_email(session, email)
    matching = [who for who in found if who.email.strip().lower() == email.strip().lower()]
    if not matching:
        raise Forbidden(f"no account here has the email address {email}; ask the mess office to add it")
    if len(matching) > 1:
        raise Forbidden(f"more than one account has the email address {email}; sign in with your roll number")
    user = await session.get(UserAccount, matching[0].user_id)
    if user is None:
        raise Forbidden("that account is switched off")
    resident_id = await resident_id_of(session, user.id)
    return Actor(user.id, user.role, user.mess_id, user.login, user.name, resident_id)

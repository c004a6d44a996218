"""Onboarding journeys in Chromium against a real `mess serve`, a real SMTP server (aiosmtpd) and a real OpenID
Connect provider (oidc-provider-mock), all on 127.0.0.1: import with a preview and a fix, an invited resident
setting a password, a forgotten-password reset, single sign-on."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from mess.config import Settings
from mess.db.engine import Database
from mess.db.migrate import upgrade
from mess.kit.aio import run_sync
from mess.kit.clock import FixedClock
from tests.factories import World
from tests.support.browser import screenshot, sign_in_with_the_form
from tests.support.procs import Process, free_port, wait_for
from tests.support.smtp import SmtpServer, smtp_server

pytestmark = pytest.mark.browser
SECRET = "e2e-onboarding-secret-key-long-enough-0123456789"
INSTITUTE = "Test Institute"
NEW_PASSWORD = "a-fresh-long-passphrase"


@dataclass
class Onboarding:
    base: str
    mail: SmtpServer
    warden: str


async def _people(settings: Settings) -> str:
    database = Database(settings, null_pool=True)
    world = World(database, settings, FixedClock(datetime.now(UTC)))
    try:
        mess = await world.mess("ONB", name="Onboarding Hostel")
        warden = await world.user("warden", mess.id, login="warden-onb", name="Warden Onb")
        for roll in ("SSO-1", "FORGOT-1"):
            await world.resident(mess.id, roll_no=roll, name=f"Resident {roll}", active_from=date(2025, 1, 1))
    finally:
        await database.dispose()
    return warden.actor.login


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture(scope="module")
def onboarding(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Onboarding]:
    workdir = tmp_path_factory.mktemp("onboarding")
    url = f"sqlite+aiosqlite:///{workdir / 'mess.db'}"
    upgrade(url)
    warden = run_sync(_people(Settings(environment="test", database_url=url, secret_key=SECRET)))  # type: ignore[arg-type]
    oidc_port, port = free_port(), free_port()
    issuer, base = f"http://127.0.0.1:{oidc_port}", f"http://127.0.0.1:{port}"
    users = [
        {"sub": "asha", "email": "sso-1@example.edu", "email_verified": True, "name": "Asha"},
        {"sub": "unverified", "email": "forgot-1@example.edu", "email_verified": False},
    ]
    provider_argv = [sys.executable, "-m", "oidc_provider_mock", "-H", "127.0.0.1", "-p", str(oidc_port)]
    provider_argv += ["--require-nonce", "true"]
    for user in users:
        provider_argv += ["--user-claims", json.dumps(user)]
    provider = Process("oidc-provider", provider_argv, log_path=workdir / "oidc.log")
    with smtp_server(workdir, "none") as mail:
        provider.start()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("MESS_")},
            "MESS_ENVIRONMENT": "test",
            "MESS_DATABASE_URL": url,
            "MESS_SECRET_KEY": SECRET,
            "MESS_LOG_LEVEL": "WARNING",
            "MESS_NOTIFIER": "smtp",
            "MESS_SMTP_HOST": "127.0.0.1",
            "MESS_SMTP_PORT": str(mail.port),
            "MESS_SMTP_SECURITY": "none",
            "MESS_SMTP_FROM": "office@hostel.example.edu",
            "MESS_PUBLIC_URL": base,
            "MESS_OIDC_ISSUER": issuer,
            "MESS_OIDC_CLIENT_ID": "mess-e2e",
            "MESS_OIDC_CLIENT_SECRET": "e2e-client-secret",
            "MESS_OIDC_NAME": INSTITUTE,
        }
        mess_cli = shutil.which("mess", path=str(Path(sys.executable).parent)) or "mess"
        argv = [mess_cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
        server = Process("mess-serve", argv, log_path=workdir / "server.log", env=env, cwd=workdir)
        server.start()
        try:
            wait_for(
                lambda: _up(f"{issuer}/.well-known/openid-configuration"),
                timeout=60,
                what="the OIDC provider",
                process=provider,
            )
            wait_for(lambda: _up(f"{base}/healthz"), timeout=60, what="mess serve", process=server)
            yield Onboarding(base, mail, warden)
        finally:
            server.stop()
            provider.stop()


@pytest.fixture
def new_page(onboarding, browser):  # type: ignore[no-untyped-def]
    contexts = []

    def make():  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=onboarding.base, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def mail_to(server: SmtpServer, address: str, subject_part: str) -> str:
    def found() -> bool:
        return any(m["To"] == address and subject_part in m["Subject"] for m in server.messages())

    wait_for(found, timeout=30, what=f"a mail to {address}")
    message = [m for m in server.messages() if m["To"] == address and subject_part in m["Subject"]][-1]
    return message.get_payload(decode=True).decode()  # type: ignore[union-attr]


def link_in(body: str, base: str) -> str:
    match = re.search(re.escape(base) + r"(/password/set\?token=\S+)", body)
    assert match, body
    return match.group(1)


def choose_password(page, path: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(path)
    page.fill("#new_password", password)
    page.fill("#new_password_again", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")


def test_import_with_a_preview_and_a_fix_then_the_invited_resident_sets_a_password(onboarding, new_page):
    warden = new_page()
    sign_in_with_the_form(warden, onboarding.warden)
    warden.goto("/warden/residents")
    warden.click("text=Import from a spreadsheet")
    rows = "roll_no,name,email,room\nNEW-1,Neha Pillai,neha@example.edu,A-101\nNEW-2,Arjun Rao,arjun-at-example,A-102\n"
    warden.fill("#csv_text", rows)
    warden.click("button[value=preview]")
    warden.wait_for_load_state("networkidle")
    preview = warden.locator("#preview").inner_text()
    assert "1 new" in preview and "1 to fix" in preview and "'arjun-at-example' is not an email address" in preview
    assert warden.locator("#import-confirm").count() == 0
    screenshot(warden, "import-preview-with-an-error")
    warden.fill("#csv_text", rows.replace("arjun-at-example", "arjun@example.edu"))
    warden.check("input[name=invite]")
    warden.click("button[value=preview]")
    warden.wait_for_load_state("networkidle")
    assert "2 new" in warden.locator("#preview").inner_text()
    warden.click("#import-confirm")
    warden.wait_for_load_state("networkidle")
    assert warden.url.endswith("/warden/residents")
    assert "Imported: 2 new, 0 updated, 0 unchanged. 2 invitation emails are on their way." in warden.content()

    body = mail_to(onboarding.mail, "neha@example.edu", "set your password")
    assert "Hello Neha Pillai" in body and "NEW-1" in body
    neha = new_page()
    choose_password(neha, link_in(body, onboarding.base), NEW_PASSWORD)
    assert neha.url.endswith("/login") and "Your password is set. Sign in with NEW-1" in neha.content()
    sign_in_with_the_form(neha, "new-1", NEW_PASSWORD)
    assert neha.url.endswith("/week")


def test_a_forgotten_password_is_reset_by_email(onboarding, new_page):
    page = new_page()
    page.goto("/login")
    page.click("text=Forgotten your password?")
    page.fill("#login", "forgot-1")
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    assert "a link to choose a new password is on its way" in page.content()
    body = mail_to(onboarding.mail, "forgot-1@example.edu", "reset your password")
    path = link_in(body, onboarding.base)
    choose_password(page, path, NEW_PASSWORD)
    sign_in_with_the_form(page, "FORGOT-1", NEW_PASSWORD)
    assert page.url.endswith("/week")
    choose_password(page, path, "another-long-passphrase")  # the link was used: it works once
    assert "not valid any more" in page.content()


def test_single_sign_on(onboarding, new_page):
    page = new_page()
    page.goto("/login")
    button = page.locator("#sso")
    assert button.inner_text() == f"Sign in with {INSTITUTE}"
    button.click()
    page.wait_for_load_state("networkidle")
    assert "Authorize" in page.content()  # the provider's own page, on its own port
    page.click("button[name=sub][value=asha]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/week"), page.url
    assert "Resident SSO-1" in page.content()

    refused = new_page()
    refused.goto("/login")
    refused.click("#sso")
    refused.wait_for_load_state("networkidle")
    refused.click("button[name=sub][value=unverified]")
    refused.wait_for_load_state("networkidle")
    assert "did not confirm that your email address is verified" in refused.locator("#sso-error").inner_text()
    stranger = new_page()
    stranger.goto("/login")
    stranger.click("#sso")
    stranger.wait_for_load_state("networkidle")
    stranger.fill("input[name=sub]", "stranger@example.edu")
    stranger.click("button:has-text('Authorize')")
    stranger.wait_for_load_state("networkidle")
    assert "verified" in stranger.locator("#sso-error").inner_text()

"""Mail through a real SMTP server process in each MESS_SMTP_SECURITY mode (PRODUCT 7.1), links from MESS_PUBLIC_URL."""

from __future__ import annotations

import ssl

import httpx
import pytest

from mess.notifications.mail import SmtpNotifier
from tests.support.procs import wait_for
from tests.support.smtp import smtp_server
from web.main import create_app


@pytest.mark.parametrize("security", ["starttls", "ssl", "none"])
async def test_a_reset_link_arrives_by_smtp(security, tmp_path, world, settings, clock, database):
    mess = await world.mess()
    await world.resident(mess.id, roll_no="SM1")
    with smtp_server(tmp_path, security) as server:
        mailing = settings.model_copy(
            update={
                "notifier": "smtp",
                "smtp_host": "localhost" if security != "none" else "127.0.0.1",
                "smtp_port": server.port,
                "smtp_security": security,
                "smtp_ca_file": str(server.cert),
                "smtp_from": "Mess Office <office@hostel.example.edu>",
                "public_url": "https://mess.hostel.example.edu/",
            }
        )
        app = create_app(mailing, clock=clock, database=database)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            answer = await http.post("/api/v1/auth/reset-request", json={"login": "sm1"})
        assert answer.status_code == 202
        wait_for(lambda: len(server.messages()) == 1, timeout=20, what="the mail in the Maildir")
        [message] = server.messages()
        assert message["To"] == "sm1@example.edu" and "office@hostel.example.edu" in message["From"]
        body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
        assert "https://mess.hostel.example.edu/password/set?token=" in body


def test_tls_checks_the_servers_certificate(tmp_path, settings):
    with smtp_server(tmp_path, "ssl") as server:
        untrusting = settings.model_copy(
            update={"notifier": "smtp", "smtp_host": "localhost", "smtp_port": server.port, "smtp_security": "ssl"}
        )
        with pytest.raises(ssl.SSLCertVerificationError):
            SmtpNotifier(untrusting).send("x@example.edu", "subject", "body")
        assert server.messages() == []

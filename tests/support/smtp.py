"""A real SMTP server process (aiosmtpd) writing to a Maildir, with a self-signed certificate for TLS."""

from __future__ import annotations

import datetime as dt
import ipaddress
import mailbox
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.procs import Process, free_port, wait_for


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1 (its own CA), and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class SmtpServer:
    def __init__(self, port: int, maildir: Path, cert: Path) -> None:
        self.port, self.maildir, self.cert = port, maildir, cert

    def messages(self) -> list[Message]:
        return list(mailbox.Maildir(str(self.maildir), create=False))


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def smtp_server(directory: Path, security: str) -> Iterator[SmtpServer]:
    """aiosmtpd on 127.0.0.1: STARTTLS required (starttls), TLS from the first byte (ssl), or plain (none)."""
    cert, key = self_signed(directory)
    maildir = directory / f"maildir-{security}"
    mailbox.Maildir(str(maildir), create=True)
    port = free_port()
    argv = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox"]
    if security == "starttls":
        argv[3:3] = ["--tlscert", str(cert), "--tlskey", str(key)]
    elif security == "ssl":
        argv[3:3] = ["--smtpscert", str(cert), "--smtpskey", str(key)]
    argv.append(str(maildir))
    process = Process(f"aiosmtpd-{security}", argv, log_path=directory / f"aiosmtpd-{security}.log")
    process.start()
    try:
        wait_for(lambda: _listening(port), timeout=20, what="the SMTP server", process=process)
        yield SmtpServer(port, maildir, cert)
    finally:
        process.stop()

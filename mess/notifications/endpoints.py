"""Which push endpoints the server may POST to (PRODUCT 7.3). A subscription's endpoint comes from the browser, so
from whoever calls the API: without this check the delivery task would POST wherever it is told (server-side
request forgery: the metadata service, an internal admin port, the database). Only known push services pass:
https, port 443, a host on MESS_PUSH_ENDPOINT_HOSTS (`host` exactly, or `*.domain` for its subdomains); or an
origin listed with its scheme, exactly (a local push service in tests). Checked when subscribing and again before
every send, so a row stored before the rule (or before the list changed) is never sent to."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

from mess.errors import ErrorCode, InvalidInput

# RFC 3986's characters and nothing else: no backslash, space or control character on which parsers disagree
# (`https://evil\\@fcm.googleapis.com/` is fcm to urlsplit and evil to some HTTP clients).
_URL_CHARS = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+")
_DEFAULT_PORTS = {"https": 443, "http": 80}


def _port(url: SplitResult) -> int | None:
    try:
        return url.port or _DEFAULT_PORTS.get(url.scheme)
    except ValueError:  # a port that is not a number, or out of range
        return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _matches_origin(url: SplitResult, entry: str) -> bool:
    origin = urlsplit(entry)
    return (url.scheme, url.hostname, _port(url)) == (origin.scheme, origin.hostname, _port(origin))


def _matches_host(host: str, entry: str) -> bool:
    if entry.startswith("*."):
        return host.endswith(entry[1:]) and len(host) > len(entry) - 1
    return host == entry


def check_endpoint(endpoint: str, allowed: Iterable[str]) -> None:
    """Raise InvalidInput (push_endpoint_refused, saying why in words) unless the endpoint is an allowed one."""
    if not _URL_CHARS.fullmatch(endpoint):
        raise InvalidInput(
            "This push address has characters no push service uses.", ErrorCode.PUSH_ENDPOINT_REFUSED, field="endpoint"
        )
    url = urlsplit(endpoint)
    if "@" in url.netloc or not url.hostname:
        raise InvalidInput(
            "This push address does not name a push service.", ErrorCode.PUSH_ENDPOINT_REFUSED, field="endpoint"
        )
    entries = [entry.strip().lower() for entry in allowed]
    if any("://" in entry and _matches_origin(url, entry) for entry in entries):
        return
    if url.scheme != "https":
        raise InvalidInput("Push addresses must be secure (https).", ErrorCode.PUSH_ENDPOINT_REFUSED, field="endpoint")
    host = url.hostname
    if _is_ip(host):
        raise InvalidInput(
            "A push address must name a push service, not an IP address.",
            ErrorCode.PUSH_ENDPOINT_REFUSED,
            field="endpoint",
        )
    if _port(url) != 443:
        raise InvalidInput(
            "Push services are reached on the standard https port only.",
            ErrorCode.PUSH_ENDPOINT_REFUSED,
            field="endpoint",
        )
    if not any("://" not in entry and _matches_host(host, entry) for entry in entries):
        raise InvalidInput(
            f"{host} is not a push service this server sends to.", ErrorCode.PUSH_ENDPOINT_REFUSED, field="endpoint"
        )


def endpoint_allowed(endpoint: str, allowed: Iterable[str]) -> bool:
    try:
        check_endpoint(endpoint, allowed)
    except InvalidInput:
        return False
    return True

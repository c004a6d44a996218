"""Push subscriptions reach only known push services (PRODUCT 7.3; server-side request forgery): the endpoint a
browser gives is where the worker POSTs, so anything but an https address of an allowed push service is refused
with 422 `push_endpoint_refused` and a sentence, and never stored. The tests' local push service (loopback http)
passes only where a test allows its exact origin."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from mess.config import PUSH_SERVICE_HOSTS, Settings
from mess.errors import InvalidInput
from mess.models import PushSubscription
from mess.notifications.endpoints import check_endpoint, endpoint_allowed
from mess.notifications.push import b64url, generate_keys
from tests.support import contract
from tests.support.push import push_service
from tests.web.domain_helpers import expect
from web.main import create_app

KEYS = {"p256dh": generate_keys().public_key, "auth": b64url(b"0123456789abcdef")}

ALLOWED = [
    "https://fcm.googleapis.com/fcm/send/dXk3:APA91bHq-x_Y",  # Chrome, Edge, Opera
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABh",  # Firefox
    "https://eu.push.services.mozilla.com/wpush/v1/abc",  # Firefox, a regional host
    "https://web.push.apple.com/QGuQyavXutnMH?x=1",  # Safari
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB%2b",  # Windows
    "https://FCM.googleapis.com:443/fcm/send/abc",  # host case and the explicit standard port are the same place
]

# (endpoint, the sentence the person reads)
REFUSED = [
    ("http://fcm.googleapis.com/fcm/send/abc", "Push addresses must be secure (https)."),
    ("ftp://fcm.googleapis.com/x", "Push addresses must be secure (https)."),
    ("file:///etc/passwd", "This push address does not name a push service."),
    ("https://127.0.0.1/push", "A push address must name a push service, not an IP address."),
    ("https://10.0.0.7/push", "A push address must name a push service, not an IP address."),
    ("https://192.168.1.1/", "A push address must name a push service, not an IP address."),
    ("https://169.254.169.254/latest/meta-data/", "A push address must name a push service, not an IP address."),
    ("https://[::1]/push", "A push address must name a push service, not an IP address."),
    ("https://[fd00::1]:443/push", "A push address must name a push service, not an IP address."),
    ("https://2130706433/push", "2130706433 is not a push service this server sends to."),  # 127.0.0.1 as a number
    ("https://localhost/push", "localhost is not a push service this server sends to."),
    ("https://metadata.google.internal/", "metadata.google.internal is not a push service this server sends to."),
    ("https://db.mess.svc.cluster.local/", "db.mess.svc.cluster.local is not a push service this server sends to."),
    (
        "https://fcm.googleapis.com.evil.example/x",
        "fcm.googleapis.com.evil.example is not a push service this server sends to.",
    ),
    ("https://evilpush.apple.com/x", "evilpush.apple.com is not a push service this server sends to."),
    ("https://push.apple.com/x", "push.apple.com is not a push service this server sends to."),  # *. is subdomains
    ("https://fcm.googleapis.com./x", "fcm.googleapis.com. is not a push service this server sends to."),
    ("https://fcm.googleapis.com:8443/x", "Push services are reached on the standard https port only."),
    ("https://fcm.googleapis.com:99999/x", "Push services are reached on the standard https port only."),
    ("https://fcm.googleapis.com@10.0.0.7/x", "This push address does not name a push service."),
    ("https://10.0.0.7#@fcm.googleapis.com/", "A push address must name a push service, not an IP address."),
    ("https://evil.example\\@fcm.googleapis.com/", "This push address has characters no push service uses."),
    ("https://fcm.googleapis.com/x y", "This push address has characters no push service uses."),
    ("https://fcm.googleapis.com/\r\nHost: x", "This push address has characters no push service uses."),
]


@pytest.mark.parametrize("endpoint", ALLOWED)
def test_the_known_push_services_pass(endpoint: str) -> None:
    check_endpoint(endpoint, PUSH_SERVICE_HOSTS)


@pytest.mark.parametrize(("endpoint", "message"), REFUSED)
def test_anything_else_is_refused_with_a_reason(endpoint: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_endpoint(endpoint, PUSH_SERVICE_HOSTS)
    assert (refused.value.code, refused.value.message, refused.value.field) == (
        "push_endpoint_refused",
        message,
        "endpoint",
    )


def test_an_origin_is_allowed_only_exactly_as_listed() -> None:
    hosts = (*PUSH_SERVICE_HOSTS, "http://127.0.0.1:8123")
    assert endpoint_allowed("http://127.0.0.1:8123/push/phone", hosts)
    assert not endpoint_allowed("http://127.0.0.1:8124/push/phone", hosts)  # another port: another service
    assert not endpoint_allowed("https://127.0.0.1:8123/push/phone", hosts)  # another scheme
    assert not endpoint_allowed("http://localhost:8123/push/phone", hosts)  # another name for it
    assert not endpoint_allowed("http://127.0.0.1:8123/push/phone", PUSH_SERVICE_HOSTS)  # not listed: refused


def test_the_setting_reads_a_comma_separated_list_and_refuses_http_in_production(monkeypatch) -> None:
    monkeypatch.setenv("MESS_PUSH_ENDPOINT_HOSTS", " FCM.googleapis.com , *.push.apple.com,")
    assert Settings().push_endpoint_hosts == ("fcm.googleapis.com", "*.push.apple.com")
    monkeypatch.delenv("MESS_PUSH_ENDPOINT_HOSTS")
    assert Settings().push_endpoint_hosts == PUSH_SERVICE_HOSTS
    secret = "production-secret-that-is-long-enough-0123456789"
    with pytest.raises(ValueError, match="http:// push service in production"):
        Settings(environment="production", secret_key=secret, push_endpoint_hosts=("http://127.0.0.1:8123",))


async def stored(database) -> list[str]:
    async with database.read_only() as session:
        return list((await session.execute(select(PushSubscription.endpoint))).scalars().all())


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "https://10.0.0.7/push",  # a private address
        "https://[::1]:8000/push",  # loopback, IPv6
        "https://localhost/push",
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://push.example.net/send/abc",  # some host that is not a push service
    ],
)
async def test_the_api_refuses_and_stores_nothing(world, client, database, endpoint: str) -> None:
    mess = await world.mess()
    resident = await world.resident(mess.id)
    body = {"endpoint": endpoint, "keys": KEYS}
    problem = expect(
        await client.post("/api/v1/push/subscriptions", json=body, headers=resident.headers),
        422,
        "push_endpoint_refused",
    )
    assert problem["detail"].endswith(".") and endpoint not in problem["detail"]
    assert await stored(database) == []
    assert expect(await client.get("/api/v1/me/preferences", headers=resident.headers), 200)["push_subscriptions"] == 0


async def test_the_local_push_service_passes_only_where_a_test_allows_it(world, client, database, settings, clock):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    with push_service() as service:
        _, subscription = service.subscribe("phone")
        # The default list: the loopback receiver is refused like any other address that is not a push service.
        expect(
            await client.post("/api/v1/push/subscriptions", json=subscription, headers=resident.headers),
            422,
            "push_endpoint_refused",
        )
        assert await stored(database) == []
        # A server told to allow exactly its origin takes it.
        allowing = settings.model_copy(update={"push_endpoint_hosts": (*PUSH_SERVICE_HOSTS, service.origin)})
        app = create_app(allowing, clock=clock, database=database)
        hooks = {"response": [contract.checker(app)]}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", event_hooks=hooks) as other:
            saved = await other.post("/api/v1/push/subscriptions", json=subscription, headers=resident.headers)
            assert expect(saved, 201)["push_subscriptions"] == 1
    assert await stored(database) == [subscription["endpoint"]]

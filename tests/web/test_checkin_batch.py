"""The offline counter's server side (PRODUCT 7.4): Ed25519 QR codes a counter verifies with the public key alone,
and POST /checkins/batch settling queued check-ins by the rules of POST /checkins: the first admission wins, a
second is a duplicate, nothing is lost or counted twice; forged, expired, replayed and foreign entries each get a
result; more entries than twice the residents is 413. The clock stands at 2026-03-10 09:00 IST, during breakfast."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from mess.models import CheckIn, Slot
from tests.web.checkin_helpers import add_leave, cancel_for, checkin_rows
from tests.web.domain_helpers import expect
from tests.web.money.helpers import until_waiting_on_a_lock


def entry(client_id: str, at: str, **who: str) -> dict[str, str]:
    return {"client_id": client_id, "date": "2026-03-10", "slot": "breakfast", "at": at, **who}


def verify_offline(public_key: str, token: str) -> bool:
    """What a counter does without the network: the signature over 'qr1:' + 'r<id>.<expiry>'."""
    body, _, signature = token.rpartition(".")
    key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(public_key + "="))
    try:
        key.verify(base64.urlsafe_b64decode(signature + "=="), f"qr1:{body}".encode())
    except Exception:
        return False
    return True


async def test_qr_codes_verify_with_the_public_key_alone(world, client):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    resident = await world.resident(mess.id)
    key = expect(await client.get("/api/v1/checkins/key", headers=staff.headers), 200)
    assert key["algorithm"] == "Ed25519" and len(base64.urlsafe_b64decode(key["public_key"] + "=")) == 32
    expect(await client.get("/api/v1/checkins/key", headers=resident.headers), 403)
    token = expect(await client.get("/api/v1/me/qr", headers=resident.headers), 200)["token"]
    assert verify_offline(key["public_key"], token)
    other_id = int(token[1:].split(".")[0]) + 1
    assert not verify_offline(key["public_key"], token.replace(f"r{resident.resident_id}.", f"r{other_id}.", 1))
    assert not verify_offline(key["public_key"], token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))


async def test_two_counters_offline_admitting_the_same_resident(world, client):
    mess = await world.mess()
    first, second = await world.user("staff", mess.id), await world.user("staff", mess.id)
    asha, ravi = await world.resident(mess.id), await world.resident(mess.id)
    token = expect(await client.get("/api/v1/me/qr", headers=asha.headers), 200)["token"]  # at 09:00
    world.clock.advance(minutes=15)
    now = world.clock.now()
    at = lambda minutes: (now - timedelta(minutes=minutes)).isoformat()  # noqa: E731
    # Counter 1 admitted Asha (QR) and Ravi at 09:00; counter 2, also offline, admitted Asha again at 09:05.
    one = [entry("c1-1", at(15), token=token), entry("c1-2", at(15), roll_no=ravi.roll_no)]
    two = [entry("c2-1", at(10), roll_no=asha.roll_no.lower())]
    settled_two = expect(
        await client.post("/api/v1/checkins/batch", json={"entries": two}, headers=second.headers), 200
    )
    assert [(r["client_id"], r["result"]) for r in settled_two["results"]] == [("c2-1", "ok")]
    settled_one = expect(await client.post("/api/v1/checkins/batch", json={"entries": one}, headers=first.headers), 200)
    assert [(r["client_id"], r["result"], r["accepted"]) for r in settled_one["results"]] == [
        ("c1-1", "duplicate", False),
        ("c1-2", "ok", True),
    ]
    assert (settled_one["settled"], settled_one["admitted"]) == (2, 1)
    # The first counter's batch again (its answer was lost): nothing is counted twice.
    again = expect(await client.post("/api/v1/checkins/batch", json={"entries": one}, headers=first.headers), 200)
    assert [r["result"] for r in again["results"]] == ["duplicate", "duplicate"]
    rows = await checkin_rows(world)
    admitted = sorted((r.resident_id, r.created_by) for r in rows if r.admitted)
    assert admitted == sorted([(asha.resident_id, second.id), (ravi.resident_id, first.id)])
    assert len(rows) == 5  # every attempt recorded: 2 admissions, 3 duplicates
    assert {r.created_at for r in rows if r.admitted} == {now - timedelta(minutes=10), now - timedelta(minutes=15)}
    count = expect(await client.get("/api/v1/headcount", headers=first.headers), 200)
    assert count["checked_in"] == 2


async def test_bad_entries_get_their_own_result_never_a_500(world, client, settings):
    mess = await world.mess()
    other_mess = await world.mess()
    staff = await world.user("staff", mess.id)
    asha = await world.resident(mess.id)
    stranger = await world.resident(other_mess.id)
    for _ in range(3):  # a roster of 4: up to 8 entries per batch
        await world.resident(mess.id)
    now = world.clock.now()
    token = expect(await client.get("/api/v1/me/qr", headers=asha.headers), 200)["token"]
    forged = token.replace(f"r{asha.resident_id}.", f"r{stranger.resident_id}.", 1)
    late = (now + timedelta(seconds=settings.qr_token_seconds + 5)).isoformat()
    entries = [
        entry("forged", now.isoformat(), token=forged),
        entry("garbage", now.isoformat(), token="r1.2.not-a-signature"),
        entry("expired", now.isoformat(), token=token) | {"at": (now - timedelta(minutes=1)).isoformat()},
        entry("foreign", now.isoformat(), roll_no=stranger.roll_no),
        entry("nobody", now.isoformat(), roll_no="NOBODY"),
        entry("no-slot", now.isoformat(), roll_no=asha.roll_no) | {"slot": "brunch"},
        entry("lunch", now.isoformat(), roll_no=asha.roll_no) | {"slot": "lunch"},
    ]
    out = expect(await client.post("/api/v1/checkins/batch", json={"entries": entries}, headers=staff.headers), 200)
    got = {r["client_id"]: (r["result"], r["accepted"], r["code"]) for r in out["results"]}
    assert got == {
        "forged": ("unknown_resident", False, None),
        "garbage": ("unknown_resident", False, None),
        "expired": ("ok", True, None),  # a minute before it was issued: within the clock skew, and valid
        "foreign": ("wrong_mess", False, None),
        "nobody": ("unknown_resident", False, None),
        "no-slot": ("refused", False, "unknown_slot"),
        "lunch": ("outside_window", False, None),
    }
    world.clock.advance(seconds=settings.qr_token_seconds + 60)
    stale = [entry("stale", late, token=token)]
    out = expect(await client.post("/api/v1/checkins/batch", json={"entries": stale}, headers=staff.headers), 200)
    assert [(r["result"], r["code"]) for r in out["results"]] == [("refused", "invalid_token")]
    assert sum(r.admitted for r in await checkin_rows(world)) == 1

    # More than twice the residents of the mess (4): 413, nothing settled.
    nine = [entry(f"x{i}", now.isoformat(), roll_no=asha.roll_no) for i in range(9)]
    too_many = await client.post("/api/v1/checkins/batch", json={"entries": nine}, headers=staff.headers)
    expect(too_many, 413, "too_large")
    for bad in ([], [{"client_id": "x", "date": "2026-03-10", "slot": "breakfast", "at": now.isoformat()}]):
        expect(await client.post("/api/v1/checkins/batch", json={"entries": bad}, headers=staff.headers), 422)
    naive = [entry("naive", "2026-03-10T08:50:00", roll_no=asha.roll_no)]
    expect(await client.post("/api/v1/checkins/batch", json={"entries": naive}, headers=staff.headers), 422)
    expect(await client.post("/api/v1/checkins/batch", json={"entries": nine[:1]}, headers=asha.headers), 403)


async def test_a_scan_time_outside_the_outage_is_refused_not_counted(world, client, settings):
    """An entry's `at` must fall within the outage it claims: on the meal's local day, at most CLOCK_SKEW (2 min)
    ahead of the server and at most a day old, and a QR code's scan not before the code was issued: a backdated
    entry can neither admit nor revive an expired code. Such an entry is refused with its own code and message and
    not recorded; the others in the batch settle as usual."""
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    asha, ravi, mina, joe = [await world.resident(mess.id) for _ in range(4)]
    issued = world.clock.now()  # 09:00 IST, breakfast is served until 09:30
    token = expect(await client.get("/api/v1/me/qr", headers=asha.headers), 200)["token"]
    world.clock.advance(minutes=20)  # the network comes back at 09:20: the code expired at 09:02
    now = world.clock.now()
    at = lambda delta: (issued + delta).isoformat()  # noqa: E731
    entries = [
        entry("backdated-qr", at(timedelta(minutes=-10)), token=token),  # before the code existed
        entry("future", (now + timedelta(minutes=5)).isoformat(), roll_no=ravi.roll_no),
        entry("yesterday", at(timedelta(hours=-10)), roll_no=mina.roll_no),  # 23:00 the day before
        entry("old", at(timedelta(days=-1, minutes=5)), roll_no=mina.roll_no) | {"date": "2026-03-09"},
        entry("qr", at(timedelta(seconds=30)), token=token),  # scanned while valid, settled after it expired
        entry("skewed-qr", at(timedelta(seconds=-90)), token=token),  # the counter's clock 90 s behind
        entry("ahead", (now + timedelta(minutes=1)).isoformat(), roll_no=joe.roll_no),  # within the skew: now
    ]
    out = expect(await client.post("/api/v1/checkins/batch", json={"entries": entries}, headers=staff.headers), 200)
    got = {r["client_id"]: (r["result"], r["accepted"], r["code"]) for r in out["results"]}
    refused = ("refused", False, "scan_time_out_of_range")
    assert got == {
        "backdated-qr": refused,
        "future": refused,
        "yesterday": refused,
        "old": refused,
        "qr": ("ok", True, None),
        "skewed-qr": ("duplicate", False, None),
        "ahead": ("ok", True, None),
    }
    messages = {r["client_id"]: r["message"] for r in out["results"]}
    assert messages["backdated-qr"] == (
        "Scanned at 08:50 on Tue 10 Mar, before this QR code was issued (09:00): not counted."
    )
    assert "ahead of the server's" in messages["future"] and "09:25" in messages["future"]
    assert messages["yesterday"] == (
        "Scanned at 23:00 on Mon 09 Mar, not on the day of Breakfast (Tue 10 Mar): not counted."
    )
    assert "more than a day ago" in messages["old"]
    rows = await checkin_rows(world)
    assert sorted((r.resident_id, r.result, r.created_at) for r in rows) == sorted(
        [
            (asha.resident_id, "ok", issued + timedelta(seconds=30)),
            (asha.resident_id, "duplicate", issued - timedelta(seconds=90)),
            (joe.resident_id, "ok", now),
        ]
    )


async def test_the_meal_roster_a_counter_keeps(world, client):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    booked, away, skipping = [await world.resident(mess.id) for _ in range(3)]
    day = world.clock.now().date()
    await add_leave(world, away, day, day)
    await cancel_for(world, staff, skipping, day, "breakfast")
    roster = expect(await client.get("/api/v1/checkins/roster", headers=staff.headers), 200)
    assert (roster["date"], roster["slot"]) == ("2026-03-10", "breakfast")
    key = expect(await client.get("/api/v1/checkins/key", headers=staff.headers), 200)["public_key"]
    assert roster["public_key"] == key
    states = {r["roll_no"]: r["state"] for r in roster["residents"]}
    assert states == {booked.roll_no: "booked", away.roll_no: "on_leave", skipping.roll_no: "not_booked"}
    lunch = expect(await client.get("/api/v1/checkins/roster?date=2026-03-11&slot=lunch", headers=staff.headers), 200)
    assert {r["state"] for r in lunch["residents"]} == {"booked"}
    expect(await client.get("/api/v1/checkins/roster", headers=booked.headers), 403)
    expect(await client.get("/api/v1/checkins/roster?slot=brunch", headers=staff.headers), 404)


async def test_the_roster_says_who_was_admitted_already(world, client):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    came, coming = await world.resident(mess.id), await world.resident(mess.id)
    expect(await client.post("/api/v1/checkins", json={"roll_no": came.roll_no}, headers=staff.headers), 200)
    roster = expect(await client.get("/api/v1/checkins/roster", headers=staff.headers), 200)
    assert {r["roll_no"]: r["checked_in"] for r in roster["residents"]} == {came.roll_no: True, coming.roll_no: False}


async def test_an_admission_a_concurrent_counter_made_first_wins(world, client, backend):
    """Another counter admits Asha while the batch settles: the batch waits on the unique admission index, then
    records its admission of her (and its later entry) as duplicates with the other counter's time."""
    if backend != "postgres":
        pytest.skip(reason="SQLite serialises writing transactions: no other counter can commit in between")
    mess = await world.mess()
    staff, online = await world.user("staff", mess.id), await world.user("staff", mess.id)
    asha, ravi = await world.resident(mess.id), await world.resident(mess.id)
    now = world.clock.now()
    at = lambda minutes: (now - timedelta(minutes=minutes)).isoformat()  # noqa: E731
    queue = [
        entry("q1", at(10), roll_no=asha.roll_no),
        entry("q2", at(10), roll_no=ravi.roll_no),
        entry("q3", at(5), roll_no=asha.roll_no),
    ]
    async with world.database.transaction() as other:
        breakfast = (
            await other.execute(select(Slot).where(Slot.mess_id == mess.id, Slot.code == "breakfast"))
        ).scalar_one()
        other.add(
            CheckIn(
                mess_id=mess.id,
                resident_id=asha.resident_id,
                roll_no=asha.roll_no,
                meal_date=now.date(),
                slot_id=breakfast.id,
                result="ok",
                walk_in=False,
                method="roll_no",
                created_at=now - timedelta(minutes=20),
                created_by=online.id,
                admitted=True,
            )
        )
        await other.flush()
        racer = asyncio.create_task(
            client.post("/api/v1/checkins/batch", json={"entries": queue}, headers=staff.headers)
        )
        await until_waiting_on_a_lock(world.database, racer)
    settled = expect(await racer, 200)
    assert [(r["client_id"], r["result"]) for r in settled["results"]] == [
        ("q1", "duplicate"),
        ("q2", "ok"),
        ("q3", "duplicate"),
    ]
    assert all("at 08:40" in r["message"] for r in settled["results"] if r["result"] == "duplicate")
    admitted = sorted((r.resident_id, r.created_by) for r in await checkin_rows(world) if r.admitted)
    assert admitted == sorted([(asha.resident_id, online.id), (ravi.resident_id, staff.id)])

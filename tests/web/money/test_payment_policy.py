"""The mess's payment policy (PRODUCT 7.2): payment_due_days, upi_vpa and payee_name, set and cleared by PATCH."""

from __future__ import annotations

from tests.web.domain_helpers import expect


async def test_payment_policy_fields(world, client):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    h = warden.headers
    (shown,) = expect(await client.get("/api/v1/messes", headers=h), 200)
    assert (shown["payment_due_days"], shown["upi_vpa"], shown["payee_name"]) == (10, None, None)
    body = {"payment_due_days": 15, "upi_vpa": "hostel.mess-1@okaxis", "payee_name": "Hostel Mess Account"}
    changed = expect(await client.patch(f"/api/v1/messes/{mess.id}", json=body, headers=h), 200)
    assert (changed["payment_due_days"], changed["upi_vpa"], changed["payee_name"]) == (
        15,
        "hostel.mess-1@okaxis",
        "Hostel Mess Account",
    )
    for bad in ({"upi_vpa": "not a vpa"}, {"upi_vpa": "x@"}, {"payment_due_days": -1}, {"payment_due_days": 91}):
        expect(await client.patch(f"/api/v1/messes/{mess.id}", json=bad, headers=h), 422)
    cleared = expect(
        await client.patch(f"/api/v1/messes/{mess.id}", json={"upi_vpa": "", "payee_name": ""}, headers=h), 200
    )
    assert (cleared["upi_vpa"], cleared["payee_name"], cleared["payment_due_days"]) == (None, None, 15)

"""The authorization matrix: every REST route, every role, the outcome it must get.

Roles: anon (no token), resident (R_A1 of mess A), other_resident (R_A2, same mess), staff and warden of mess A,
foreign_staff and foreign_warden of mess B, admin. Objects named in paths and bodies belong to mess A and R_A1.
Outcomes: "ok" (2xx), "denied" (403 or 404: refused without revealing data), or an exact status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("anon", "resident", "other_resident", "staff", "warden", "foreign_staff", "foreign_warden", "admin")
SIGNED_IN = ROLES[1:]


@dataclass
class Ids:
    mess_a: int
    mess_b: int
    resident: int
    other_resident: int
    leave: int
    item: int
    bill: int | None = None
    run: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Request = Callable[[Ids, str, int], dict[str, Any]]


@dataclass
class Case:
    method: str
    path: str
    request: Request
    expect: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)  # fills {date}, {slot}, {weekday} in the path

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


def allow(*roles: str, **overrides: Any) -> dict[str, Any]:
    """These roles succeed, every other signed-in role is denied, anonymous callers get 401."""
    outcome: dict[str, Any] = {role: ("ok" if role in roles else "denied") for role in SIGNED_IN}
    outcome["anon"] = 401
    outcome.update(overrides)
    return outcome


EVERYONE = SIGNED_IN
MESS_MANAGERS = ("warden", "foreign_warden", "admin")  # each acting on their own mess (admin names mess A)
MESS_STAFF = ("staff", "warden", "foreign_staff", "foreign_warden", "admin")
A1_AND_MESS_A_STAFF = ("resident", "staff", "warden", "admin")
A1_AND_MESS_A_MANAGERS = ("resident", "warden", "admin")


def get(path: str, **params: Any) -> Request:
    def build(ids: Ids, role: str, n: int) -> dict[str, Any]:
        query = {k: (v(ids) if callable(v) else v) for k, v in params.items()}
        if role == "admin":
            query.setdefault("mess_id", ids.mess_a)
        return {"params": query}

    return build


def body(make: Callable[[Ids, str, int], dict[str, Any]], *, admin_mess: bool = True) -> Request:
    def build(ids: Ids, role: str, n: int) -> dict[str, Any]:
        payload = make(ids, role, n)
        if role == "admin" and admin_mess:
            payload.setdefault("mess_id", ids.mess_a)
        return {"json": payload}

    return build


def query_for_admin(ids: Ids, role: str, n: int) -> dict[str, Any]:
    return {"params": {"mess_id": ids.mess_a}} if role == "admin" else {}


def nothing(ids: Ids, role: str, n: int) -> dict[str, Any]:
    return {}


A1 = lambda ids: ids.resident  # noqa: E731
# A 1x1 PNG: what the photo upload re-encodes.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)
# A browser's public key (an uncompressed P-256 point, base64url): the subscription's p256dh.
PUSH_P256DH = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
FUTURE = "2026-03-20"
PAST = "2026-03-05"

CASES: list[Case] = [
    Case("GET", "/api/v1/me", nothing, allow(*EVERYONE)),
    Case(
        "PATCH",
        "/api/v1/me/profile",
        lambda ids, r, n: {"json": {"allergens": ["nuts"], "phone": "+91 98450 00000"}},
        allow("resident", "other_resident"),
    ),
    Case("GET", "/api/v1/messes", nothing, allow(*EVERYONE)),
    Case(
        "POST",
        "/api/v1/messes",
        body(lambda ids, role, n: {"name": f"New {n}", "code": f"NEW{n}"}, admin_mess=False),
        allow("admin"),
    ),
    Case(
        "PATCH",
        "/api/v1/messes/{mess_a}",
        body(lambda ids, r, n: {"max_guests": 4}, admin_mess=False),
        allow("warden", "admin"),
    ),
    Case(
        "POST",
        "/api/v1/users",
        body(lambda ids, role, n: {"login": f"u{n}x", "name": "U", "password": "long-enough-pw", "role": "staff"}),
        allow(*MESS_MANAGERS),
    ),
    Case("GET", "/api/v1/slots", get("/api/v1/slots"), allow(*EVERYONE)),
    Case(
        "POST",
        "/api/v1/residents",
        body(
            lambda ids, role, n: {
                "roll_no": f"MX{n}",
                "name": "New",
                "email": f"mx{n}@x.edu",
                "password": "long-enough-pw",
                "active_from": "2026-01-01",
            }
        ),
        allow(*MESS_MANAGERS),
    ),
    Case(
        "POST",
        "/api/v1/residents/import",
        lambda ids, role, n: {
            "files": {"file": ("r.csv", f"roll_no,name,email\nIMP{n},New,imp{n}@x.edu\n".encode(), "text/csv")},
            "params": {"mess_id": ids.mess_a} if role == "admin" else {},
        },
        allow(*MESS_MANAGERS),
    ),
    Case("GET", "/api/v1/residents", get("/api/v1/residents"), allow(*MESS_STAFF)),
    Case("GET", "/api/v1/residents/export", get("/api/v1/residents/export"), allow(*MESS_MANAGERS)),
    # A wrong current password: every signed-in caller is refused (403 wrong_password), nobody's password changes.
    Case(
        "POST",
        "/api/v1/auth/password",
        lambda ids, role, n: {"json": {"current_password": "not-it", "new_password": "long-enough-pw"}},
        allow(),
    ),
    Case(
        "POST",
        "/api/v1/auth/reset-request",
        lambda ids, role, n: {"json": {"login": f"nobody{n}"}},
        allow(*SIGNED_IN, anon="ok"),
    ),
    Case(
        "POST",
        "/api/v1/auth/reset",
        lambda ids, role, n: {"json": {"token": "1.reset.9999999999.forged", "new_password": "long-enough-pw"}},
        {role: 400 for role in ROLES},
    ),
    Case("POST", "/api/v1/residents/{resident}/invite", query_for_admin, allow("warden", "admin")),
    Case("POST", "/api/v1/residents/invite-all", query_for_admin, allow(*MESS_MANAGERS)),
    Case(
        "POST",
        "/api/v1/residents/rollover",
        body(lambda ids, r, n: {"action": "end", "active_to": "2026-12-31", "q": "nobody-matches", "reason": "sem"}),
        allow(*MESS_MANAGERS),
    ),
    Case("GET", "/api/v1/residents/{resident}", query_for_admin, allow(*A1_AND_MESS_A_STAFF)),
    Case(
        "PATCH",
        "/api/v1/residents/{resident}",
        body(lambda ids, r, n: {"diet": "egg"}, admin_mess=False),
        allow("warden", "admin"),
    ),
    Case(
        "GET",
        "/api/v1/bookings",
        get("", **{"from": FUTURE, "to": FUTURE, "resident_id": A1}),
        allow(*A1_AND_MESS_A_STAFF),
    ),
    Case(
        "PUT",
        "/api/v1/bookings/{date}/{slot}",
        body(lambda ids, r, n: {"guests": 1, "resident_id": ids.resident}, admin_mess=False),
        allow(*A1_AND_MESS_A_STAFF),
        {"date": FUTURE, "slot": "lunch"},
    ),
    Case(
        "DELETE",
        "/api/v1/bookings/{date}/{slot}",
        lambda ids, r, n: {"params": {"resident_id": ids.resident}},
        allow(*A1_AND_MESS_A_STAFF),
        {"date": FUTURE, "slot": "dinner"},
    ),
    Case(
        "POST",
        "/api/v1/prices",
        body(
            lambda ids, role, n: {
                "slot": "lunch",
                "price": 100,
                "guest_price": 150,
                "walk_in_price": 120,
                "effective_from": f"2027-01-{n:02d}",
            }
        ),
        allow(*MESS_MANAGERS),
    ),
    # The tariff is no secret: every member of a mess may read its prices.
    Case("GET", "/api/v1/prices", get(""), allow(*EVERYONE)),
    Case(
        "POST",
        "/api/v1/fixed-charges",
        body(lambda ids, r, n: {"amount": 1000, "effective_from": f"2027-02-{n:02d}"}),
        allow(*MESS_MANAGERS),
    ),
    Case("GET", "/api/v1/fixed-charges", get(""), allow(*EVERYONE)),
    # Corrections: each role acts on its own row of mess A (another mess's row is "not found").
    Case(
        "PATCH",
        "/api/v1/prices/{price}",
        body(lambda ids, r, n: {"price": 200 + n}, admin_mess=False),
        allow("warden", "admin"),
    ),
    Case("DELETE", "/api/v1/prices/{price}", nothing, allow("warden", "admin")),
    Case(
        "PATCH",
        "/api/v1/fixed-charges/{charge}",
        body(lambda ids, r, n: {"amount": 200 + n}, admin_mess=False),
        allow("warden", "admin"),
    ),
    Case("DELETE", "/api/v1/fixed-charges/{charge}", nothing, allow("warden", "admin")),
    Case("GET", "/api/v1/menu", get("", date=FUTURE), allow(*EVERYONE)),
    Case("GET", "/api/v1/menu/template", get(""), allow(*EVERYONE)),
    Case(
        "PUT",
        "/api/v1/menu/{date}/{slot}",
        body(lambda ids, r, n: {"dishes": [{"dish": "Dal", "diet_tag": "veg"}]}),
        allow(*MESS_MANAGERS),
        {"date": FUTURE, "slot": "lunch"},
    ),
    Case(
        "PUT",
        "/api/v1/menu/template/{weekday}/{slot}",
        body(lambda ids, r, n: {"dishes": [{"dish": "Rice", "diet_tag": "veg"}]}),
        allow(*MESS_MANAGERS),
        {"weekday": 0, "slot": "lunch"},
    ),
    Case(
        "POST",
        "/api/v1/leaves",
        body(
            lambda ids, role, n: {
                "start_date": f"2026-04-{n:02d}",
                "end_date": f"2026-04-{n:02d}",
                "reason": "trip",
                "resident_id": ids.resident,
            },
            admin_mess=False,
        ),
        allow(*A1_AND_MESS_A_MANAGERS),
    ),
    Case("GET", "/api/v1/leaves", get("", resident_id=A1), allow(*A1_AND_MESS_A_STAFF)),
    Case("POST", "/api/v1/leaves/{leave}/reject", nothing, allow("warden", "admin")),
    Case("POST", "/api/v1/leaves/{other_leave}/approve", nothing, allow("warden", "admin")),
    Case("POST", "/api/v1/leaves/{leave}/withdraw", nothing, allow("resident")),  # A1's own, still pending
    Case("POST", "/api/v1/extras", body(lambda ids, r, n: {"name": f"Item {n}", "price": 500}), allow(*MESS_MANAGERS)),
    Case("GET", "/api/v1/extras", get(""), allow(*EVERYONE)),
    Case(
        "PATCH",
        "/api/v1/extras/{item}",
        body(lambda ids, r, n: {"price": 600}, admin_mess=False),
        allow("warden", "admin"),
    ),
    Case(
        "POST",
        "/api/v1/extra-purchases",
        body(
            lambda ids, r, n: {"resident_id": ids.resident, "item_id": ids.item, "quantity": 1, "date": PAST},
            admin_mess=False,
        ),
        allow("staff", "warden", "admin"),
    ),
    Case(
        "GET",
        "/api/v1/extra-purchases",
        get("", **{"from": PAST, "to": FUTURE, "resident_id": A1}),
        allow(*A1_AND_MESS_A_STAFF),
    ),
    Case(
        "POST",
        "/api/v1/expenses",
        body(lambda ids, r, n: {"date": PAST, "category": "dairy", "amount": 1000}),
        allow(*MESS_MANAGERS),
    ),
    Case("GET", "/api/v1/expenses", get("", **{"from": PAST, "to": FUTURE}), allow(*MESS_MANAGERS)),
    Case(
        "POST",
        "/api/v1/wastage",
        body(lambda ids, r, n: {"date": PAST, "slot": "lunch", "kg": 1.5}),
        allow(*MESS_STAFF),
    ),
    Case("GET", "/api/v1/wastage", get("", **{"from": PAST, "to": FUTURE}), allow(*MESS_STAFF)),
    Case("GET", "/api/v1/checkins/key", nothing, allow(*MESS_STAFF)),
    Case("GET", "/api/v1/checkins/roster", query_for_admin, allow(*MESS_STAFF)),
    Case(
        "POST",
        "/api/v1/checkins/batch",
        body(
            lambda ids, r, n: {
                "entries": [
                    {
                        "client_id": f"m{n}",
                        "roll_no": "R-A2",
                        "date": PAST,
                        "slot": "lunch",
                        "at": "2026-03-05T07:00:00Z",
                    }
                ]
            }
        ),
        allow(*MESS_STAFF),
    ),
    Case(
        "PATCH",
        "/api/v1/wastage/{wastage}",
        body(lambda ids, r, n: {"kg": 0.5}, admin_mess=False),
        allow("staff", "warden", "admin"),
    ),
    Case(
        "POST",
        "/api/v1/extra-purchases/{purchase}/void",
        body(lambda ids, r, n: {"reason": "rang up twice"}, admin_mess=False),
        allow("staff", "warden", "admin"),
    ),
    Case(
        "PUT",
        "/api/v1/residents/{resident}/photo",
        lambda ids, r, n: {"content": TINY_PNG},
        allow("warden", "admin"),
    ),
    Case("GET", "/api/v1/residents/{resident}/photo", nothing, allow("staff", "warden", "admin")),
    Case(
        "POST",
        "/api/v1/feedback",
        body(lambda ids, r, n: {"date": PAST, "slot": "lunch", "rating": 4}, admin_mess=False),
        allow("resident", "other_resident"),
    ),
    Case(
        "GET",
        "/api/v1/feedback",
        get("", **{"from": PAST, "to": FUTURE}),
        allow("resident", "other_resident", *MESS_MANAGERS),
    ),
    Case(
        "POST",
        "/api/v1/adjustments",
        body(
            lambda ids, r, n: {"resident_id": ids.resident, "amount": -500, "date": PAST, "reason": "refund"},
            admin_mess=False,
        ),
        allow("warden", "admin"),
    ),
    Case("GET", "/api/v1/adjustments", get("", resident_id=A1), allow("resident", "warden", "admin")),
    Case("GET", "/api/v1/me/qr", nothing, allow("resident", "other_resident")),
    Case(
        "POST",
        "/api/v1/checkins",
        body(lambda ids, r, n: {"roll_no": "R-A1", "date": PAST, "slot": "lunch", "reason": "correction"}),
        allow("staff", "warden", "foreign_staff", "foreign_warden", "admin"),
    ),
    Case("GET", "/api/v1/checkins", get("", date=PAST), allow(*MESS_STAFF)),
    Case("GET", "/api/v1/headcount", get("", date=FUTURE, slot="lunch"), allow(*MESS_STAFF)),
    Case("GET", "/api/v1/kitchen/plan", get("", date=FUTURE, slot="lunch"), allow(*MESS_STAFF)),
    Case("POST", "/api/v1/billing/runs", body(lambda ids, r, n: {"month": "2026-02"}), allow(*MESS_MANAGERS)),
    Case("GET", "/api/v1/billing/runs", get("", month="2026-01"), allow(*MESS_MANAGERS)),
    Case("GET", "/api/v1/billing/runs/{run}", nothing, allow("warden", "admin")),
    # The warden issues mess A's January; then there is nothing left to issue (409) for the admin, and mess B
    # has no drafts at all.
    Case(
        "POST",
        "/api/v1/billing/{month}/issue",
        query_for_admin,
        allow("warden", "admin", "foreign_warden", admin=409, foreign_warden=409),
        {"month": "2026-01"},
    ),
    Case("GET", "/api/v1/billing/{month}/summary", query_for_admin, allow(*MESS_MANAGERS), {"month": "2026-01"}),
    Case("GET", "/api/v1/bills", get("", month="2026-01", resident_id=A1), allow(*A1_AND_MESS_A_MANAGERS)),
    Case("GET", "/api/v1/bills/export", get("", month="2026-01"), allow(*MESS_MANAGERS)),
    Case("GET", "/api/v1/bills/estimate", get("", month="2026-03", resident_id=A1), allow(*A1_AND_MESS_A_MANAGERS)),
    Case("GET", "/api/v1/bills/{bill}", nothing, allow(*A1_AND_MESS_A_MANAGERS)),
    Case("GET", "/api/v1/bills/{bill}/pdf", nothing, allow(*A1_AND_MESS_A_MANAGERS)),
    Case(
        "POST",
        "/api/v1/payments",
        body(lambda ids, r, n: {"resident_id": ids.resident, "amount": 1000, "date": PAST}, admin_mess=False),
        allow("warden", "admin"),
    ),
    Case("GET", "/api/v1/ledger", get("", resident_id=A1), allow(*A1_AND_MESS_A_MANAGERS)),
    Case("GET", "/api/v1/payments", get("", resident_id=A1), allow(*A1_AND_MESS_A_MANAGERS)),
    Case("GET", "/api/v1/dues", get(""), allow(*MESS_MANAGERS)),
    Case("GET", "/api/v1/dues/export", get(""), allow(*MESS_MANAGERS)),
    Case("POST", "/api/v1/dues/reminders", query_for_admin, allow(*MESS_MANAGERS)),
    Case(
        "POST",
        "/api/v1/payments/{payment}/reverse",
        body(lambda ids, r, n: {"reason": "entered twice"}, admin_mess=False),
        allow("warden", "admin"),
    ),
    # Notifications (PRODUCT 7.3): everyone's own; R_A1's notification is unknown to everybody else.
    Case("GET", "/api/v1/notifications", get("", unread="true"), allow(*EVERYONE)),
    Case("POST", "/api/v1/notifications/read-all", nothing, allow(*EVERYONE)),
    Case("POST", "/api/v1/notifications/{notification}/read", nothing, allow("resident")),
    Case("GET", "/api/v1/me/preferences", nothing, allow(*EVERYONE)),
    Case(
        "PUT",
        "/api/v1/me/preferences",
        lambda ids, r, n: {"json": {"email": True, "quiet_start": "22:00", "quiet_end": "07:00"}},
        allow(*EVERYONE),
    ),
    Case("GET", "/api/v1/push/key", nothing, allow(*EVERYONE)),
    Case(
        "POST",
        "/api/v1/push/subscriptions",
        lambda ids, r, n: {
            "json": {
                "endpoint": f"https://fcm.googleapis.com/fcm/send/{r}-{n}",
                "keys": {"p256dh": PUSH_P256DH, "auth": "AAAAAAAAAAAAAAAAAAAAAA"},
            }
        },
        allow(*EVERYONE),
    ),
    Case("DELETE", "/api/v1/push/subscriptions", nothing, allow(*EVERYONE)),
    *[
        Case("GET", f"/api/v1/reports/{name}", get("", **{"from": PAST, "to": FUTURE}), allow(*MESS_MANAGERS))
        for name in ("overview", "consumption", "no-shows", "costs", "waste", "ratings", "forecast")
    ],
]

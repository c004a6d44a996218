"""Booking traffic for fault tests: sequential lanes of book/cancel calls, every outcome recorded.

Each lane owns its own meals (date, slot), so the calls on one meal are strictly ordered and "the last
acknowledged call" of a meal is well defined. All loops are bounded by a request count and a deadline.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import httpx

State = tuple[str, int]  # ("booked", guests) or ("cancelled", 0)


@dataclass
class Call:
    meal: tuple[date, str]
    state: State
    started: float
    ended: float
    status: int | None  # None: no HTTP answer (connection error, timeout)
    code: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Traffic:
    calls: list[Call] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def successes_since(self, instant: float) -> int:
        return sum(1 for call in self.calls if call.ok and call.started >= instant)

    def failures(self) -> list[Call]:
        return [call for call in self.calls if not call.ok]

    def summary(self) -> Counter[str]:
        return Counter(
            "200" if call.ok else f"{call.status} {call.code}" if call.status else f"no answer ({call.error})"
            for call in self.calls
        )


async def booking_lane(
    http: httpx.AsyncClient,
    traffic: Traffic,
    meals: list[tuple[date, str]],
    headers: dict[str, str],
    *,
    max_calls: int,
    max_guests: int = 5,
    seed: int = 0,
) -> None:
    """Book (with a random number of guests) or cancel random meals of this lane until told to stop."""
    rng = random.Random(seed)
    for _ in range(max_calls):
        if traffic.stop.is_set():
            return
        meal = rng.choice(meals)
        day, slot = meal
        state: State = ("booked", rng.randint(0, max_guests)) if rng.random() < 0.6 else ("cancelled", 0)
        url = f"/api/v1/bookings/{day.isoformat()}/{slot}"
        started = time.monotonic()
        status: int | None = None
        code = error = None
        try:
            if state[0] == "booked":
                response = await http.put(url, json={"guests": state[1]}, headers=headers)
            else:
                response = await http.delete(url, headers=headers)
            status = response.status_code
            if status != 200:
                try:
                    code = response.json().get("code")
                except ValueError:
                    code = f"(not JSON: {response.text[:60]!r})"
        except httpx.HTTPError as exc:
            error = exc.__class__.__name__
        traffic.calls.append(Call(meal, state, started, time.monotonic(), status, code, error))
        if status != 200:
            await asyncio.sleep(0.05)  # do not spin while the database is away


def expected_states(calls: list[Call]) -> dict[tuple[date, str], set[State]]:
    """Per meal, the states the database may hold: the last acknowledged one, or that of a later call whose
    outcome the client could not know (failed calls are allowed to have not happened, never to undo an ack)."""
    out: dict[tuple[date, str], set[State]] = {}
    by_meal: dict[tuple[date, str], list[Call]] = {}
    for call in sorted(calls, key=lambda c: c.started):
        by_meal.setdefault(call.meal, []).append(call)
    for meal, meal_calls in by_meal.items():
        acked = [i for i, call in enumerate(meal_calls) if call.ok]
        if not acked:
            continue
        last = acked[-1]
        allowed = {meal_calls[last].state}
        allowed.update(call.state for call in meal_calls[last + 1 :] if call.status is None or call.status >= 500)
        out[meal] = allowed
    return out

"""Property: on random small scenarios the SQL engine's bills equal the plain-Python reference of section 3."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mess.config import Settings
from mess.kit.clock import FixedClock
from tests.factories import World
from tests.mess.billing.helpers import run_month
from tests.mess.billing.reference import reference_bills
from tests.mess.billing.scenario import Scenario
from tests.support.loop import ExampleLoop

MONTH = "2026-02"
FIRST = date(2026, 2, 1)
SLOTS = ["breakfast", "lunch"]


def days(low: int, high: int) -> st.SearchStrategy[date]:
    """Days around February 2026 (low/high are offsets from 1 February)."""
    return st.integers(low, high).map(lambda n: FIRST + timedelta(days=n))


money = st.integers(0, 9999)

resident_strategy = st.fixed_dictionaries(
    {
        "start": days(-40, 20),
        "length": st.one_of(st.none(), st.integers(0, 45)),
        "choices": st.lists(
            st.tuples(days(-3, 30), st.sampled_from(SLOTS), st.booleans(), st.integers(0, 3)), max_size=6
        ),
        "leaves": st.lists(
            st.tuples(
                days(-6, 30), st.integers(0, 6), st.sampled_from(["approved", "approved", "pending", "rejected"])
            ),
            max_size=2,
        ),
        "walk_ins": st.lists(st.tuples(days(-2, 30), st.sampled_from(SLOTS)), max_size=2, unique=True),
        "extras": st.lists(st.tuples(days(-2, 30), st.integers(0, 1), st.integers(1, 4), money), max_size=3),
        "adjustments": st.lists(st.tuples(days(-2, 30), st.integers(-5000, 5000).filter(lambda a: a != 0)), max_size=2),
    }
)

scenario_strategy = st.fixed_dictionaries(
    {
        "mode": st.sampled_from(["opt_in", "opt_out"]),
        "min_rebate_days": st.integers(1, 5),
        "prices": st.lists(st.tuples(days(1, 27), money, money, money), max_size=2),
        "base_prices": st.tuples(money, money, money),
        "fixed": st.lists(st.tuples(days(-30, 27), st.integers(0, 400000)), max_size=3, unique_by=lambda f: f[0]),
        "residents": st.lists(resident_strategy, min_size=1, max_size=3),
    }
)


def _without_overlaps(leaves: list[tuple[date, int, str]]) -> list[tuple[date, date, str]]:
    kept: list[tuple[date, date, str]] = []
    for start, length, status in leaves:
        end = start + timedelta(days=length)
        if all(end < s or start > e for s, e, _ in kept):
            kept.append((start, end, status))
    return kept


async def build_and_bill(world: World, spec: dict[str, Any]) -> tuple[dict[int, Any], dict[int, Any]]:
    database = world.database
    s = await Scenario(world).mess(booking_mode=spec["mode"], min_rebate_days=spec["min_rebate_days"], slots=2)
    for slot in SLOTS:
        await s.price(slot, *spec["base_prices"], date(2025, 12, 1))
    for index, (day, price, guest, walk_in) in enumerate(spec["prices"]):
        if (SLOTS[index % 2], day) not in {(SLOTS[i % 2], d) for i, (d, *_) in enumerate(spec["prices"][:index])}:
            await s.price(SLOTS[index % 2], price, guest, walk_in, day)
    for day, amount in spec["fixed"]:
        await s.fixed(amount, day)
    await s.item("Egg", 1000)
    await s.item("Milk", 2000)
    items = ["Egg", "Milk"]
    for r in spec["residents"]:
        end = None if r["length"] is None else r["start"] + timedelta(days=r["length"])
        resident = await s.resident(active_from=r["start"], active_to=end)
        for day, slot, booked, guests in r["choices"]:
            if booked:
                await s.book(resident, day, slot, guests)
            else:
                await s.cancel(resident, day, slot)
        for start, leave_end, status in _without_overlaps(r["leaves"]):
            await s.leave(resident, start, leave_end, status)
        for day, slot in r["walk_ins"]:
            await s.walk_in(resident, day, slot)
        for day, item, quantity, unit in r["extras"]:
            await s.sell_extra(resident, day, items[item], quantity, unit)
        for day, amount in r["adjustments"]:
            await s.adjust(resident, day, amount)
    report = await run_month(database, s.mess_id, MONTH)
    assert report.status == "succeeded", report
    return await s.bills(MONTH), reference_bills(s.inputs, MONTH)


def _engine_lines(lines: list[tuple[str, str, int, int, int]], slot_of: dict[str, int]) -> dict[Any, list[int]]:
    """The engine's lines keyed like the reference (fixed lines summed, adjustments by amount)."""
    out: dict[Any, list[int]] = {}
    for kind, _description, quantity, unit, amount in lines:
        key: Any = (kind, unit) if kind not in ("fixed",) else ("fixed", None)
        line = out.setdefault(key, [0, 0])
        line[0] += quantity
        line[1] += amount
    return out


def _reference_lines(bill: Any) -> dict[Any, list[int]]:
    out: dict[Any, list[int]] = {}
    for (kind, _ref, unit), (quantity, amount) in bill.lines.items():
        key = (kind, unit) if kind != "fixed" else ("fixed", None)
        line = out.setdefault(key, [0, 0])
        line[0] += quantity
        line[1] += amount
    return out


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(spec=scenario_strategy)
def test_engine_matches_reference(
    settings: Settings, clock: FixedClock, example_loop: ExampleLoop, spec: dict[str, Any]
) -> None:
    async def check() -> None:
        engine, reference = await build_and_bill(World(example_loop.database, settings, clock), spec)
        assert set(engine) == set(reference)
        for resident, (_status, total, lines) in engine.items():
            assert total == reference[resident].total, (resident, lines, reference[resident])
            assert total == sum(line[4] for line in lines)
            assert _engine_lines(lines, {}) == _reference_lines(reference[resident])

    try:
        example_loop.run(check())
    except AssertionError:
        print("FAILING SPEC", spec)
        raise

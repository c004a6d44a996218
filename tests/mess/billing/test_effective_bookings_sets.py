"""Property: effective_bookings as sets (leave days joined, what billing uses) gives exactly the rows of the
per-row leave probe (what one resident's week and one meal use), also per batch of residents (id_range) and with
overlapping leaves of any status."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mess.bookings.repository import effective_bookings
from mess.config import Settings
from mess.kit.clock import FixedClock
from tests.factories import World
from tests.mess.billing.scenario import Scenario
from tests.support.loop import ExampleLoop

FIRST, LAST = date(2026, 2, 1), date(2026, 2, 28)
SLOTS = ["breakfast", "lunch"]


def days(low: int, high: int) -> st.SearchStrategy[date]:
    return st.integers(low, high).map(lambda n: FIRST + timedelta(days=n))


resident_strategy = st.fixed_dictionaries(
    {
        "start": days(-10, 20),
        "length": st.one_of(st.none(), st.integers(0, 40)),
        "choices": st.lists(
            st.tuples(days(-2, 29), st.sampled_from(SLOTS), st.booleans(), st.integers(0, 3)),
            max_size=5,
            unique_by=lambda c: (c[0], c[1]),
        ),
        # Overlapping leaves on purpose: a day covered twice is still one leave day.
        "leaves": st.lists(
            st.tuples(
                days(-8, 29), st.integers(0, 9), st.sampled_from(["approved", "approved", "pending", "rejected"])
            ),
            max_size=4,
        ),
    }
)
scenario_strategy = st.fixed_dictionaries(
    {
        "mode": st.sampled_from(["opt_in", "opt_out"]),
        "residents": st.lists(resident_strategy, min_size=1, max_size=4),
        "span": st.tuples(st.integers(0, 27), st.integers(0, 27)).map(sorted),
        "split": st.integers(0, 4),
    }
)


def _rows(result: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in result.all())


async def _check(world: World, spec: dict[str, Any]) -> None:
    database = world.database
    s = await Scenario(world).mess(booking_mode=spec["mode"], slots=2)
    ids = []
    for r in spec["residents"]:
        end = None if r["length"] is None else r["start"] + timedelta(days=r["length"])
        resident = await s.resident(active_from=r["start"], active_to=end)
        ids.append(resident)
        for day, slot, booked, guests in r["choices"]:
            if booked:
                await s.book(resident, day, slot, guests)
            else:
                await s.cancel(resident, day, slot)
        for start, length, status in r["leaves"]:
            await s.leave(resident, start, start + timedelta(days=length), status)
    default = spec["mode"] == "opt_out"
    start, end = (FIRST + timedelta(days=n) for n in spec["span"])
    async with database.read_only() as session:
        probed = _rows(await session.execute(effective_bookings(s.mess_id, default, start, end)))
        joined = _rows(await session.execute(effective_bookings(s.mess_id, default, start, end, as_sets=True)))
        assert joined == probed
        cut = ids[min(spec["split"], len(ids) - 1)]
        batches: list[tuple[Any, ...]] = []
        for id_range in ((ids[0], cut), (cut + 1, ids[-1])):
            query = effective_bookings(s.mess_id, default, start, end, id_range=id_range, as_sets=True)
            batches += _rows(await session.execute(query))
        assert sorted(batches) == probed
        for resident in ids:
            one = {"resident_id": resident, "only_resident_days": False}
            assert _rows(
                await session.execute(effective_bookings(s.mess_id, default, start, end, as_sets=True, **one))
            ) == _rows(await session.execute(effective_bookings(s.mess_id, default, start, end, **one)))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(spec=scenario_strategy)
@example(
    spec={
        "mode": "opt_out",
        "residents": [
            {
                "start": FIRST,
                "length": None,
                "choices": [(FIRST + timedelta(days=3), "lunch", True, 2)],
                "leaves": [(FIRST + timedelta(days=1), 5, "approved"), (FIRST + timedelta(days=4), 3, "approved")],
            },
            {"start": FIRST, "length": 10, "choices": [], "leaves": [(FIRST, 2, "pending")]},
        ],
        "span": [0, 9],
        "split": 0,
    }
)
def test_sets_give_the_rows_of_the_probe(
    settings: Settings, clock: FixedClock, example_loop: ExampleLoop, spec: dict[str, Any]
) -> None:
    example_loop.run(_check(World(example_loop.database, settings, clock), spec))

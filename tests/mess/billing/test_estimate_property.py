"""Property: the month so far (mess.billing.estimate) over a month that has ended is exactly the run's bill, on
the random scenarios of test_property: one rule set, two readers."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from mess.billing.estimate import estimate_lines
from mess.config import Settings
from mess.kit.clock import FixedClock
from mess.models import Mess, Resident
from tests.factories import World
from tests.mess.billing.test_property import MONTH, build_and_bill, scenario_strategy
from tests.support.loop import ExampleLoop

LAST_DAY = date(2026, 2, 28)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(spec=scenario_strategy)
def test_estimate_of_an_ended_month_is_the_run(
    settings: Settings, clock: FixedClock, example_loop: ExampleLoop, spec: dict[str, Any]
) -> None:
    async def check() -> None:
        database = example_loop.database
        bills, _ = await build_and_bill(World(database, settings, clock), spec)
        async with database.read_only() as session:
            mess_id = (await session.execute(select(Resident.mess_id).where(Resident.id.in_(bills)))).scalar()
            if mess_id is None:
                return
            mess = await session.get(Mess, mess_id)
            assert mess is not None
            residents = (await session.execute(select(Resident.id).where(Resident.mess_id == mess_id))).scalars()
            for resident_id in residents:
                lines = await estimate_lines(session, mess, resident_id, MONTH, LAST_DAY)
                got = [(ln.kind, ln.description, ln.quantity, ln.unit_price, ln.amount) for ln in lines]
                _status, total, billed = bills.get(resident_id, ("none", 0, []))
                assert sorted(got) == sorted(billed), (resident_id, got, billed)
                assert sum(ln.amount for ln in lines) == total

    try:
        example_loop.run(check())
    except AssertionError:
        print("FAILING SPEC", spec)
        raise

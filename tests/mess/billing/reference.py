"""A plain-Python reference implementation of PRODUCT.md section 3, written from the text and nothing else:
day by day, meal by meal, the slow obvious way. The property test holds the SQL engine to it."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.mess.billing.scenario import Inputs


@dataclass
class RefBill:
    total: int = 0
    # (kind, slot or item id, unit price) -> (quantity, amount); fixed is keyed ("fixed", None, None).
    lines: dict[tuple[str, int | None, int | None], list[int]] = field(default_factory=dict)

    def add(self, key: tuple[str, int | None, int | None], quantity: int, amount: int) -> None:
        line = self.lines.setdefault(key, [0, 0])
        line[0] += quantity
        line[1] += amount
        self.total += amount


def half_up(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (1 if 2 * remainder >= denominator else 0)


def in_force(rows: list[tuple[date, object]], day: date) -> object | None:
    best = None
    for effective_from, value in sorted(rows, key=lambda r: r[0]):
        if effective_from <= day:
            best = value
    return best


def reference_bills(inputs: Inputs, month: str) -> dict[int, RefBill]:
    year, mon = (int(p) for p in month.split("-"))
    days_in_month = calendar.monthrange(year, mon)[1]
    days = [date(year, mon, d) for d in range(1, days_in_month + 1)]
    first, last = days[0], days[-1]
    approved = [(r, s, e) for r, s, e, status in inputs.leaves if status == "approved"]

    def resident_on(resident: int, day: date) -> bool:
        start, end = inputs.residents[resident]
        return start <= day and (end is None or day <= end)

    def on_leave(resident: int, day: date) -> bool:
        return any(r == resident and s <= day <= e for r, s, e in approved)

    def price(slot: int, day: date) -> tuple[int, int, int]:
        rows = [(f, (p, g, w)) for s, f, p, g, w in inputs.prices if s == slot]
        value = in_force(rows, day)  # type: ignore[arg-type]
        assert value is not None, f"no price for slot {slot} on {day}"
        return value  # type: ignore[return-value]

    bills: dict[int, RefBill] = defaultdict(RefBill)
    for resident in inputs.residents:
        lived = [d for d in days if resident_on(resident, d)]
        if lived:
            bills[resident]  # a resident of the month always gets a bill
        for day in lived:
            if on_leave(resident, day):
                continue
            for slot in inputs.slots:
                status, guests = inputs.bookings.get(
                    (resident, day, slot), ("booked" if inputs.booking_mode == "opt_out" else "cancelled", 0)
                )
                if status != "booked":
                    continue
                meal, guest_price, _ = price(slot, day)
                bills[resident].add(("meal", slot, meal), 1, meal)
                if guests:
                    bills[resident].add(("guest", slot, guest_price), guests, guests * guest_price)
        # Rule 5: charged days exclude leaves whose WHOLE length reaches min_rebate_days.
        qualifying = [
            (s, e)
            for r, s, e in approved
            if r == resident and (e - s + timedelta(days=1)).days >= inputs.min_rebate_days
        ]
        charged = [d for d in lived if not any(s <= d <= e for s, e in qualifying)]
        rates = [int(in_force(inputs.fixed, d) or 0) for d in charged]  # type: ignore[arg-type,call-overload]
        if sum(rates):
            # The line's quantity counts the charged days that have a fixed charge in force.
            quantity = sum(1 for rate in rates if rate)
            bills[resident].add(("fixed", None, None), quantity, half_up(sum(rates), days_in_month))
    for resident, day, slot in inputs.walk_ins:
        if first <= day <= last:
            walk_in = price(slot, day)[2]
            bills[resident].add(("walk_in", slot, walk_in), 1, walk_in)
    for resident, day, item, quantity, unit in inputs.extras:
        if first <= day <= last:
            bills[resident].add(("extra", item, unit), quantity, quantity * unit)
    for resident, day, amount in inputs.adjustments:
        if first <= day <= last:
            bills[resident].add(("adjustment", None, amount), 1, amount)
    return dict(bills)

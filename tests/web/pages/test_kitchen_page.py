"""The kitchen's printable plan page (PRODUCT 7.5): the figures of GET /api/v1/kitchen/plan in words a cook
reads, with the same scenario (tests/web/test_kitchen_plan.py)."""

from __future__ import annotations

import re

from tests.web.test_kitchen_plan import scenario


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_the_kitchen_reads_what_to_cook(world, visit):
    _mess, _warden, staff = await scenario(world)
    b = await visit(staff.actor.login)
    response = await b.get("/kitchen?date=2026-03-10&slot=lunch")
    assert response.status_code == 200
    page = _text(response.text)
    assert "Lunch, Tue 10 Mar" in page and "9 plates expected" in page and "12 at most (cook for this)" in page
    assert "10 booked × 73% who usually come + 0 walk-ins + 2 guests." in page
    assert "Dal vegetarian, non-vegetarian, eggetarian 8 150 g 1.2 kg 1.65 kg" in page
    assert "Roti vegetarian, non-vegetarian, eggetarian 8 3 pieces 24 pieces 33 pieces" in page
    assert "Buttermilk vegetarian, non-vegetarian, eggetarian 8 200 ml 1.6 l 2.2 l" in page
    assert "Jain sabzi jain 1 100 g 0.1 kg 0.1 kg" in page
    assert "Pickle vegetarian, non-vegetarian, eggetarian 8 not set — —" in page
    assert "Last 7 days: 50 g per plate, falling (the 7 days before: 70 g). Target: 60 g, met." in page
    assert "non_veg" not in page and "plates_expected" not in page
    assert 'href="/kitchen" aria-current="page"' in response.text
    dinner = _text((await b.get("/kitchen?date=2026-03-10&slot=dinner")).text)
    assert "(from the weekly menu)" in dinner and "Khichdi everyone 10 250 g 2.5 kg 2.5 kg" in dinner
    far = _text((await b.get("/kitchen?date=2027-06-01&slot=lunch")).text)
    assert "at most 366 days ahead" in far

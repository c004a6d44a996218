"""Residents' comments on the Ratings page: latest meal first, meals still being served left out, searchable."""

from __future__ import annotations

from datetime import date

from mess.models import Feedback
from tests.analytics.seeding import NOW, seed_history


async def test_comments_latest_first_and_searchable(world, open_page):
    seeded = await seed_history(world)
    slots = seeded.slots
    said = [
        (date(2026, 3, 2), "dinner", 2, "Too salty dal"),
        (date(2026, 3, 9), "lunch", 5, "Loved the biryani"),
        (date(2026, 3, 10), "lunch", 1, "Not served yet"),  # lunch of today has not ended at 09:00
        (date(2026, 3, 9), "snacks", 4, ""),  # a rating without words
    ]
    writer = await world.resident(seeded.mess.id, active_from=date(2025, 6, 1))
    async with world.database.transaction() as session:
        for day, slot, rating, comment in said:
            session.add(
                Feedback(
                    mess_id=seeded.mess.id,
                    resident_id=writer.resident_id,
                    meal_date=day,
                    slot_id=slots[slot],
                    rating=rating,
                    comment=comment,
                    created_at=NOW,
                )
            )
    at = open_page("ratings", seeded.warden.actor).run()
    comments = at.dataframe[-1].value
    assert list(comments["comment"]) == ["Loved the biryani", "Too salty dal"]
    assert list(comments["date"]) == [date(2026, 3, 9), date(2026, 3, 2)]
    at.text_input(key="comment_search").input("SALTY").run()
    assert list(at.dataframe[-1].value["comment"]) == ["Too salty dal"]
    at.text_input(key="comment_search").input("pizza").run()
    assert any("No comments match" in info.value for info in at.info)

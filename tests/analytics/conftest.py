"""Streamlit AppTest against the test database: settings, clock and sign-in are injected via session state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mess.auth.tokens import issue_access_token
from mess.config import Settings
from tests.analytics.seeding import NOW

ANALYTICS = Path(__file__).resolve().parents[2] / "analytics"
TIMEOUT = 120  # seconds for one script run on a busy 2-core machine (a bound, not an assertion)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The pages run against PostgreSQL only (the report queries run on both in tests/mess/reports): the SQLite
    variants of this folder's tests are deselected rather than skipped, so CI shows no skip for them."""
    here = Path(__file__).parent
    dropped = [
        item
        for item in items
        if here in Path(str(item.fspath)).parents
        and getattr(getattr(item, "callspec", None), "params", {}).get("database_url") == "sqlite"
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture
def open_page(settings: Settings) -> Callable[..., Any]:
    # Streamlit (and pandas, plotly) load only in the xdist worker that runs these tests, not at every collection.
    from streamlit.testing.v1 import AppTest

    from analytics.frame import NOW_KEY, SETTINGS_KEY, TOKEN_KEY

    def open_(page: str, actor=None) -> AppTest:  # type: ignore[no-untyped-def]
        path = ANALYTICS / "app.py" if page == "app" else ANALYTICS / "pages" / f"{page}.py"
        at = AppTest.from_file(str(path), default_timeout=TIMEOUT)
        at.session_state[SETTINGS_KEY] = settings
        at.session_state[NOW_KEY] = NOW
        if actor is not None:
            at.session_state[TOKEN_KEY] = issue_access_token(actor, settings.secret_key.get_secret_value(), NOW, 60)
        return at

    return open_

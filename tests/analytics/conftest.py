"""Streamlit AppTest against the test database: settings, clock and sign-in are injected via session state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.frame import NOW_KEY, SETTINGS_KEY, TOKEN_KEY
from mess.auth.tokens import issue_access_token
from mess.config import Settings
from tests.analytics.seeding import NOW

ANALYTICS = Path(__file__).resolve().parents[2] / "analytics"
TIMEOUT = 120  # seconds for one script run on a busy 2-core machine (a bound, not an assertion)


@pytest.fixture
def open_page(settings: Settings, backend: str) -> Callable[..., AppTest]:
    if backend == "sqlite":
        pytest.skip("the Streamlit pages are exercised against PostgreSQL (report queries run on both elsewhere)")

    def open_(page: str, actor=None) -> AppTest:  # type: ignore[no-untyped-def]
        path = ANALYTICS / "app.py" if page == "app" else ANALYTICS / "pages" / f"{page}.py"
        at = AppTest.from_file(str(path), default_timeout=TIMEOUT)
        at.session_state[SETTINGS_KEY] = settings
        at.session_state[NOW_KEY] = NOW
        if actor is not None:
            at.session_state[TOKEN_KEY] = issue_access_token(actor, settings.secret_key.get_secret_value(), NOW, 60)
        return at

    return open_

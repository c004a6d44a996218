"""Chromium keeps only the last --disable-features it is given, so the browser tests' own list
(tests/support/browser.py) replaces Playwright's: it must still name every feature the installed Playwright disables."""

from __future__ import annotations

import re
from pathlib import Path

import playwright

from tests.support.browser import CHROMIUM_ARGS

DRIVER = Path(playwright.__file__).parent / "driver" / "package" / "lib"


def playwright_disabled_features() -> set[str]:
    """The features of playwright-core's chromiumSwitches.ts (`disabledFeatures = [...]`), from its driver bundle."""
    for path in sorted(DRIVER.rglob("*.js")):
        source = path.read_text(encoding="utf-8", errors="replace")
        match = re.search(r"\bdisabledFeatures = \[(.*?)\]", source, re.DOTALL)
        if match:
            body = re.sub(r"//[^\n]*", "", match.group(1))
            return set(re.findall(r'"([^"]+)"', body))
    raise AssertionError(f"no `disabledFeatures = [...]` in Playwright's driver under {DRIVER}: where did it go?")


def test_the_browser_tests_keep_every_feature_playwright_disables() -> None:
    (switch,) = [arg for arg in CHROMIUM_ARGS if arg.startswith("--disable-features=")]
    ours = set(switch.removeprefix("--disable-features=").split(","))
    theirs = playwright_disabled_features()
    assert theirs, "Playwright's list read empty"
    assert theirs <= ours, f"add to PLAYWRIGHT_DISABLED_FEATURES: {sorted(theirs - ours)}"

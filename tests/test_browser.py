"""Accessibility in a real browser: Debian's chromium through Playwright, axe-core rules."""

import shutil

import pytest

from tests.chromium import CHROMIUM, launched, problems


@pytest.fixture(scope="module")
def browser():
    assert shutil.which("chromium") or __import__("os").path.exists(CHROMIUM), (
        "Debian chromium is missing: `make test` installs it (apt-get install chromium)"
    )
    with launched() as chromium:
        yield chromium


@pytest.mark.browser
@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "methods.html",
        "london/infants.html",
        "wales/timeliness.html",
        "london/outcomes.html",
        "wales/private-law.html",
        "london/recurrence.html",
        "wales/care-proceedings.html",
    ],
)
def test_no_axe_violations_and_no_network(browser, suite, page):
    assert problems(browser, suite.reports_dir / page) == []

"""Accessibility in a real browser: Debian's chromium through Playwright, axe-core rules."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.chromium import ARGS, CHROMIUM

RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}


@pytest.fixture(scope="module")
def browser():
    assert shutil.which("chromium") or __import__("os").path.exists(CHROMIUM), (
        "Debian chromium is missing: `make test` installs it (apt-get install chromium)"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _violations(browser, path):
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.resolve().as_uri())
    result = Axe().run(page, options=RULES)
    page.close()
    external = [u for u in requests if not u.startswith(("file:", "data:"))]
    return result.response["violations"], external


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
    violations, external = _violations(browser, suite.reports_dir / page)
    assert [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in violations] == []
    assert external == []

"""Debian's Chromium as the tests, the bench and the accessibility sweep start it: one place
for its flags and for the axe-core check of a page.

``python -m tests.chromium [reports]`` (``make accessibility``) runs axe-core over every
HTML page of a built release and prints each page's violations and any request it makes
that is not to a local file; it exits 1 if there is any.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
#: Headless, and quiet: no GPU, no first-run page, no background or update requests.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The axe-core rules we hold every page to: WCAG 2.0 and 2.1 A and AA, and best practice.
RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}


@contextlib.contextmanager
def launched():
    """A headless Chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def violations(browser, path: Path) -> tuple[list[dict], list[str]]:
    """axe-core's violations on a page, and the requests it made beyond local files."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(Path(path).resolve().as_uri())
    result = Axe().run(page, options=RULES)
    page.close()
    external = [u for u in requests if not u.startswith(("file:", "data:"))]
    return result.response["violations"], external


def problems(browser, path: Path) -> list:
    """What is wrong with a page, as (rule, targets) pairs and external requests; [] if
    nothing is."""
    found, external = violations(browser, path)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in found] + external


def main(argv: list[str]) -> int:
    reports = Path(argv[0] if argv else "reports")
    pages = sorted(reports.rglob("*.html"))
    if not pages:
        print(f"{reports}: no HTML pages to check (build them with make reports)")
        return 1
    start, failed = time.perf_counter(), 0
    with launched() as browser:
        for path in pages:
            found = problems(browser, path)
            if found:
                failed += 1
                print(f"{path}: {found}")
    seconds = time.perf_counter() - start
    print(f"axe-core: {len(pages)} pages, {failed} with violations or requests ({seconds:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

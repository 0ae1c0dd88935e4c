"""Debian's Chromium as the browser tests and the bench start it: one place for its flags."""

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

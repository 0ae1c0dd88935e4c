"""The warm builder: import the analysis and rendering stack once, fork per briefing.

A client (make's light one, :mod:`fjo_analysis.warm_client`, or ``fjo build``) asks a
server process (started on first use, gone after 30 idle seconds) to build a briefing.
The server has already imported pandas, statsmodels, papermill, Typst, XlsxWriter and
every package module the topic notebooks import, and before each request reads the
statistics store's tables (again only if they changed since it last did); for each
request it forks a child (``socketserver``'s ``ForkingMixIn``), which is a fresh copy of
that state, runs the notebook with the in-process engine and renders it. The request
carries the client's directory and environment, and the child reads its settings from
them (``settings.load(env)``), never from the server's own. The client hands the child
its own stdout and stderr and waits for the exit code; if the client goes away (make
interrupted), the child stops and removes its temporary files. A server whose code has
changed on disk since it started answers "stale" and exits, and the client starts a new
one. ``FJO_WARM=0`` builds without it (a kernel per notebook).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import importlib
import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

from fjo_analysis import build, imports, settings, warm_client
from fjo_analysis.errors import BriefingError
from fjo_analysis.settings import PACKAGE_DIR

IDLE_SECONDS = 30
START_SECONDS = 60
ENGINE = "fjo-inprocess"
#: What every briefing uses besides the modules its notebook imports.
STACK = (
    "python_calamine",  # the output check reads workbooks
    "statsmodels.api",
    "fjo_analysis.check",
    "fjo_analysis.engine",
    "papermill",
    "fjo_analysis.render.html",
    "fjo_analysis.render.pdf",
    "fjo_analysis.render.xlsx",
)


def socket_path(config: settings.Settings) -> Path:
    return Path(warm_client.socket_path(str(config.build_dir)))


def _code_mtime() -> float:
    return max(
        p.stat().st_mtime
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


# ---------------------------------------------------------------------------- server


def _warm_up(root: Path) -> None:
    """Import everything a briefing uses and fill the caches that depend only on the
    package (:func:`_rehearse`), so that forked children start warm; then freeze it all,
    so a child's garbage collector never walks (nor copies) what it inherited."""
    for module in (*STACK, *imports.notebook_modules(root)):
        importlib.import_module(module)
    from fjo_analysis.engine import shell

    shell()
    try:
        _rehearse(root)
    except Exception as err:  # only a head start: each child meets (and reports) the problem
        print(f"fjo warm: rehearsal skipped: {err!r}", file=sys.stderr, flush=True)
    gc.freeze()


def _rehearse(root: Path) -> None:
    """What every child would otherwise work out first: the geography and hex layout,
    both languages' catalogues and number formats, papermill's notebook validator, the
    chart font's widths and the colour palettes. No data are read here: the server
    outlives a change of extract (:func:`_preload` reads the store), never a change of
    code. (Not Typst: it starts threads a fork would not copy, so a child compiling
    after it would wait for them for ever.)"""
    import datetime as dt

    import nbformat

    from fjo_analysis import charts, geography, hexmap, svg
    from fjo_analysis.i18n import LANGUAGES, Language

    geography.local_areas()
    geography.briefing_areas()
    geography.code_lookup()
    geography.dfj_members("")  # every family court area's members
    hexmap.layout()
    for code in LANGUAGES:
        language = Language(code)
        language.gettext("Page")
        language.number(1234.5, 1)
        language.date(dt.date(2026, 1, 1))
    for notebook in sorted((root / "notebooks").glob("*.ipynb"))[:1]:
        nbformat.validate(nbformat.read(notebook, as_version=4))
    for bold in (False, True):
        svg.text_width("2024/25", 16, bold)
    for name, sizes in (("focus", [None]), ("sequential", [None]), ("categorical", range(2, 7))):
        for size in sizes:
            charts.palette(name, size)


def _preload(stats_dir: Path) -> None:
    """Read the statistics store's tables (again if it was rebuilt) before forking, so
    children start with them; then freeze them with the rest."""
    from fjo_analysis.figures import store

    try:
        store.preload(stats_dir)
    except (OSError, ValueError) as err:  # a store being rebuilt: children read it
        print(f"fjo warm: store not preloaded: {err!r}", file=sys.stderr, flush=True)
    gc.freeze()


class _Server(socketserver.ForkingMixIn, socketserver.UnixStreamServer):
    """Forks a child per request; ``done`` once idle for ``timeout`` seconds with no child
    running, or once asked to build with code changed since it started."""

    timeout = IDLE_SECONDS
    block_on_close = False  # children outlive a server that stops (stale code): let them

    def __init__(self, path: Path, stats_dir: Path):
        super().__init__(str(path), _Request)
        self.started = _code_mtime()
        self.stats_dir = stats_dir
        self.done = False

    def verify_request(self, request, client_address) -> bool:
        if _code_mtime() > self.started:
            request.sendall(b'{"stale": true}\n')
            self.done = True
            return False
        _preload(self.stats_dir)
        return True

    def handle_timeout(self) -> None:
        super().handle_timeout()  # reaps finished children
        self.done = not self.active_children


class _Request(socketserver.BaseRequestHandler):
    def handle(self) -> None:  # in the forked child
        _child(self.request)


def serve(path: Path, root: Path, stats_dir: Path) -> None:
    """Accept build requests until idle; fork a child for each."""
    _warm_up(root)
    try:
        with _Server(path, stats_dir) as server:
            while not server.done:
                server.handle_request()
                server.service_actions()  # reap finished children, as serve_forever does
    finally:
        path.unlink(missing_ok=True)


def _child(conn: socket.socket) -> int:
    """Run one request in this forked child; return its exit code."""
    code = 1
    try:
        message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 2)
        request = json.loads(message)
        conn.sendall(b'{"started": true}\n')  # the client now waits for this child's answer
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        os.chdir(request["cwd"])
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        threading.Thread(target=_watch_client, args=(conn,), daemon=True).start()
        code = build.run(
            request["area"],
            request["topic"],
            lambda: settings.load(request["env"]),
            engine=ENGINE,
            lang=request["lang"],
        )
    except BaseException as err:  # the client must always get an answer
        print(f"fjo: warm build failed: {err!r}", file=sys.stderr)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # done: the client leaving is no signal now
    sys.stdout.flush()
    sys.stderr.flush()
    with contextlib.suppress(OSError):  # the client may have gone
        conn.sendall(json.dumps({"exit": code}).encode() + b"\n")
    return code


def _watch_client(conn: socket.socket) -> None:
    """Stop this child (cleanly: temporary files are removed) when the client goes away."""
    try:
        while conn.recv(1):
            pass
    except OSError:
        pass
    os.kill(os.getpid(), signal.SIGTERM)


# ---------------------------------------------------------------------------- client


def _start(path: Path, config: settings.Settings) -> socket.socket:
    """Connect to the server, starting it first if none is running (one at a time)."""
    config.build_dir.mkdir(parents=True, exist_ok=True)
    with open(config.build_dir / "warm.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        conn = warm_client.connect(str(path))
        if conn is not None:
            return conn
        path.unlink(missing_ok=True)
        with open(config.build_dir / "warm.log", "a") as log:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "fjo_analysis.warm",
                    str(path),
                    str(config.root),
                    str(config.stats_dir),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                env=settings.server_environment(),
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            conn = warm_client.connect(str(path))
            if conn is not None:
                return conn
            if server.poll() is not None:  # died (or was killed) while starting: say so now
                break
            time.sleep(0.05)
    raise BriefingError(f"the warm builder did not start (see {config.build_dir / 'warm.log'})")


def build_briefing(area: str, topic: str, config: settings.Settings, lang: str = "en") -> int:
    """Ask the warm server (started if need be) to build one document; return its exit
    code. The child reads the settings from this process's environment, as ``config``
    was read."""
    path = socket_path(config)
    request = warm_client.request(area, topic, lang)
    for attempt in range(3):
        if attempt:
            time.sleep(0.2)  # the server was exiting (stale code, or idle): start a fresh one
        conn = warm_client.connect(str(path)) or _start(path, config)
        try:
            code = warm_client.send(conn, request)
        except warm_client.NoAnswer as err:
            raise BriefingError(str(err)) from None
        if code is not None:
            return code
    raise BriefingError("the warm builder could not take the request (see build/warm.log)")


if __name__ == "__main__":
    serve(*map(Path, sys.argv[1:4]))

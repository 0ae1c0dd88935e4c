"""The warm builder: import the analysis and rendering stack once; build in workers
forked from it.

A client (make's light one, :mod:`fjo_analysis.warm_client`, or ``fjo build``) asks a
server process (started on first use, gone after 30 idle seconds) to build a document.
The server has already imported pandas, papermill, Typst, XlsxWriter and
every package module the topic notebooks import, and before each request reads the
statistics store's tables (again only if they changed since it last did). It passes each
request to an idle worker, or forks a new one (a fresh copy of that state) when none is
idle. A worker builds one request at a time, up to RECYCLE_AFTER of them, and keeps what
it warmed from one to the next (Typst's fonts and layout caches; no pages copied from the
server again); before each it undoes what the last may have left (:func:`_fresh`), so a
document is the same whichever worker builds it, after whatever. The request carries the
client's directory and environment, and the worker reads its settings from them
(``settings.load(env)``), never from the server's own. The client hands the worker its
own stdout and stderr and waits for the exit code; if the client goes away (make
interrupted), the build stops and removes its temporary files, and the worker exits. A
server whose code has changed on disk since it started answers "stale" and exits, and
the client starts a new one. ``FJO_WARM=0`` builds without it (a kernel per notebook).
"""

from __future__ import annotations

import _socket  # the light client's connections (socket's C core)
import contextlib
import fcntl
import gc
import importlib
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import warnings
from pathlib import Path

from fjo_analysis import build, imports, settings, warm_client
from fjo_analysis.errors import BriefingError
from fjo_analysis.settings import PACKAGE_DIR

IDLE_SECONDS = 30
#: Requests a worker builds before it makes way for a fresh one (bounds what it holds).
RECYCLE_AFTER = 100
START_SECONDS = 60
ENGINE = "fjo-inprocess"
#: What every briefing uses besides the modules its notebook imports.
STACK = (
    "python_calamine",  # the output check reads workbooks
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
    """When the package's files last changed (a file removed as they are read is passed
    over: the server must not stop for an editor's swap file)."""
    times = [0.0]
    for path in PACKAGE_DIR.rglob("*"):
        if "__pycache__" in path.parts:
            continue
        with contextlib.suppress(FileNotFoundError):
            if path.is_file():
                times.append(path.stat().st_mtime)
    return max(times)


# ---------------------------------------------------------------------------- server


def _warm_up(root: Path) -> None:
    """Import everything a briefing uses and fill the caches that depend only on the
    package (:func:`_rehearse`), so that forked workers start warm; then freeze it all,
    so a worker's garbage collector never walks (nor copies) what it inherited."""
    for module in (*STACK, *imports.notebook_modules(root)):
        importlib.import_module(module)
    from fjo_analysis.engine import shell

    shell()
    try:
        _rehearse(root)
    except Exception as err:  # only a head start: each worker meets (and reports) the problem
        print(f"fjo warm: rehearsal skipped: {err!r}", file=sys.stderr, flush=True)
    gc.freeze()


def _rehearse(root: Path) -> None:
    """What every worker would otherwise work out first: the geography and hex layout,
    both languages' catalogues and number formats, papermill's notebook validator, the
    chart font's widths and the colour palettes. No data are read here: the server
    outlives a change of extract (:func:`_preload` reads the store), never a change of
    code. (Not Typst: it starts threads a fork would not copy, so a worker compiling
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
    """Read the statistics store's tables (again if it was rebuilt) before a request, so
    a worker forked for it starts with them; then freeze them with the rest. (A worker
    that lives on reads a rebuilt store itself, once.)"""
    from fjo_analysis.figures import store

    try:
        store.preload(stats_dir)
    except (OSError, ValueError) as err:  # a store being rebuilt: workers read it
        print(f"fjo warm: store not preloaded: {err!r}", file=sys.stderr, flush=True)
    gc.freeze()


def serve(path: Path, root: Path, stats_dir: Path) -> None:
    """Accept build requests until idle for IDLE_SECONDS with no build running, or until
    asked to build with code changed since it started (then answer "stale"; builds under
    way finish). Each request goes to an idle worker, or to a new one forked for it."""
    _warm_up(root)
    started = _code_mtime()
    workers: dict[socket.socket, int] = {}  # the server's end of each worker's channel: pid
    idle: list[socket.socket] = []
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with listener, selectors.DefaultSelector() as events:
        listener.bind(str(path))  # (taken: another server's socket, not ours to remove)
        try:
            listener.listen(64)
            events.register(listener, selectors.EVENT_READ)
            last = time.monotonic()
            while True:
                wait = None if len(idle) < len(workers) else last + IDLE_SECONDS - time.monotonic()
                if wait is not None and wait <= 0:
                    return
                for key, _ in events.select(wait):
                    last = time.monotonic()
                    if key.fileobj is not listener:  # a worker is free again, or has gone
                        _heard(key.fileobj, workers, idle, events)
                        continue
                    conn, _ = listener.accept()
                    with conn:
                        if _code_mtime() > started:
                            conn.sendall(warm_client.STALE + b"\n")
                            return
                        _preload(stats_dir)
                        _hand_over(conn, workers, idle, events, listener)
        finally:
            path.unlink(missing_ok=True)
            for channel in workers:  # idle workers stop; busy ones finish their build first
                channel.close()


def _heard(
    channel: socket.socket, workers: dict, idle: list, events: selectors.BaseSelector
) -> None:
    """A worker's word: free again ("."), or gone (end of file; reaped)."""
    try:
        free = channel.recv(1)
    except OSError:
        free = b""
    if free:
        idle.append(channel)
        return
    events.unregister(channel)
    if channel in idle:
        idle.remove(channel)
    os.waitpid(workers.pop(channel), 0)
    channel.close()


def _hand_over(
    conn: socket.socket,
    workers: dict,
    idle: list,
    events: selectors.BaseSelector,
    listener: socket.socket,
) -> None:
    """Pass ``conn`` to an idle worker, or to a worker forked for it."""
    while idle:
        channel = idle.pop()
        try:
            socket.send_fds(channel, [b"r"], [conn.fileno()])
            return
        except OSError:  # it has just gone: its end of file is heard next
            continue
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the new worker: keep only its own end of its channel
        code = 0
        try:
            for inherited in (listener, conn, ours, *workers):
                inherited.close()
            events.close()
            _work(theirs)
        except BaseException:  # a fault of the worker itself: into the server's log
            code = 1
            traceback.print_exc()
        finally:
            os._exit(code)
    theirs.close()
    workers[ours] = pid
    events.register(ours, selectors.EVENT_READ)
    socket.send_fds(ours, [b"r"], [conn.fileno()])


def _work(channel: socket.socket) -> None:
    """A worker's life: build each request the server passes it, one at a time, saying
    "." when free again; stop once the server has gone, after RECYCLE_AFTER requests or
    after a request that did not end normally (a client gone mid-build)."""
    filters = list(warnings.filters)  # as the server left them: each request starts so
    for served in range(1, RECYCLE_AFTER + 1):
        try:
            _, fds, _, _ = socket.recv_fds(channel, 1, 1)
        except OSError:
            return
        if not fds:
            return
        last = served == RECYCLE_AFTER
        with socket.socket(fileno=fds[0]) as conn:
            if not _serve(conn, filters, None if last else channel) or last:
                return


def _serve(conn: socket.socket, filters: list, channel: socket.socket | None) -> bool:
    """Run one request in this worker; False if it did not end normally (it failed in
    itself, or its client went away before the end: a build stopped half-way may have
    left anything behind). The request finds the worker as a child forked afresh from
    the server would (:func:`_fresh`), writes to the client's stdout and stderr, and is
    stopped (temporary files removed) if the client goes away. A worker that goes on
    says "." on its ``channel`` before the answer, so the server has it free for the
    client's next request."""
    code, normal = 1, True
    building, finished, gone = threading.Event(), threading.Event(), threading.Event()
    own = os.dup(1), os.dup(2)
    watcher = threading.Thread(target=_watch_client, args=(conn, finished, gone), daemon=True)

    def stop(signum, frame) -> None:  # only while building: after, the answer is due
        if building.is_set():
            sys.exit(143)

    try:
        message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 2)
        request = warm_client.read_request(message)
        conn.sendall(warm_client.STARTED + b"\n")  # the client now waits for this worker's answer
        for fd, target in zip(fds, (1, 2), strict=True):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        _fresh(filters)
        signal.signal(signal.SIGTERM, stop)
        watcher.start()
        building.set()
        code = build.run(
            request["area"],
            request["topic"],
            lambda: settings.load(request["env"]),
            engine=ENGINE,
            lang=request["lang"],
        )
        building.clear()
    except BaseException as err:  # the client must always get an answer
        building.clear()
        normal = False
        print(f"fjo: warm build failed: {err!r}", file=sys.stderr)
    normal = normal and not gone.is_set()  # (a notebook cell may have caught the stop)
    finished.set()  # before the answer: the client leaves once it has it
    sys.stdout.flush()
    sys.stderr.flush()
    for fd, target in zip(own, (1, 2), strict=True):
        os.dup2(fd, target)  # the client's output is the client's again (make waits on it)
        os.close(fd)
    if normal and channel is not None:
        with contextlib.suppress(OSError):  # the server has gone: the next wait says so
            channel.sendall(b".")
    with contextlib.suppress(OSError):  # the client may have gone
        conn.sendall(warm_client.answer(code))
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)  # ends the watcher's wait
    if watcher.is_alive():
        watcher.join()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    return normal


def _fresh(filters: list) -> None:
    """Undo what an earlier request in this worker may have left: the language of the
    document, the notebook shell's names, history and count, and the warnings' filters
    (back to ``filters``) and those already shown (so each build shows the same ones)."""
    from fjo_analysis import engine, i18n

    i18n.activate(i18n.SOURCE)
    engine.fresh_shell()
    warnings.resetwarnings()  # also forgets which warnings each module has shown
    warnings.filters[:] = filters
    warnings.onceregistry.clear()


def _watch_client(conn: socket.socket, finished: threading.Event, gone: threading.Event) -> None:
    """Stop this request (cleanly: temporary files are removed) if the client goes away
    before it has finished, and say it went."""
    try:
        while conn.recv(1):
            pass
    except OSError:
        pass
    if not finished.is_set():
        gone.set()
        os.kill(os.getpid(), signal.SIGTERM)


# ---------------------------------------------------------------------------- client


def _start(path: Path, config: settings.Settings) -> _socket.socket:
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
    code. The worker reads the settings from this process's environment, as ``config``
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

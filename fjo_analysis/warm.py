"""The warm builder: import the analysis and rendering stack once, fork per briefing.

``fjo build`` asks a server process (started on first use, gone after 30 idle seconds)
to build a briefing. The server has already imported pandas, matplotlib, statsmodels,
papermill, nbconvert, Typst and gptables (each briefing reads its data itself); for each
request it forks a child, which is a fresh copy of that state, runs the notebook with the
in-process engine and renders it. The client hands the child its own stdout and stderr
and waits for the exit code; if the client goes away (make interrupted), the child stops
and removes its temporary files. A server whose code has changed on disk since it started
answers "stale" and exits, and the client starts a new one. ``FJO_WARM=0`` builds without
it (a kernel per notebook).
"""

from __future__ import annotations

import array
import contextlib
import fcntl
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from fjo_analysis import settings
from fjo_analysis.errors import BriefingError
from fjo_analysis.settings import PACKAGE_DIR

IDLE_SECONDS = 30
START_SECONDS = 60


def enabled() -> bool:
    return os.environ.get("FJO_WARM", "1") != "0"


def socket_path(config: settings.Settings) -> Path:
    """A short path (sockets allow ~100 bytes) unique to the project's build directory."""
    key = hashlib.sha1(str(config.build_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"fjo-warm-{os.getuid()}-{key}.sock"


def _code_mtime() -> float:
    return max(
        p.stat().st_mtime
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


# ---------------------------------------------------------------------------- server


def _warm_up() -> None:
    """Import everything a briefing uses, so that forked children start warm."""
    import matplotlib.pyplot  # noqa: F401
    import openpyxl  # noqa: F401  (the output check reads workbooks)
    import pypdf  # noqa: F401  (and PDF text)
    import statsmodels.api  # noqa: F401

    import fjo_analysis.build  # noqa: F401
    import fjo_analysis.charts  # noqa: F401
    import fjo_analysis.check  # noqa: F401
    import fjo_analysis.engine
    import fjo_analysis.language  # noqa: F401
    import fjo_analysis.measures.outcomes  # noqa: F401  (notebooks read its constants)
    import fjo_analysis.measures.timeliness  # noqa: F401
    import fjo_analysis.render.html  # noqa: F401
    import fjo_analysis.render.pdf  # noqa: F401
    import fjo_analysis.render.xlsx  # noqa: F401
    import fjo_analysis.report  # noqa: F401

    fjo_analysis.engine.shell()


def serve(path: Path) -> None:
    """Accept build requests until idle; fork a child for each."""
    _warm_up()
    started = _code_mtime()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(16)
    listener.settimeout(IDLE_SECONDS)
    children: set[int] = set()
    try:
        while True:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                children = {pid for pid in children if os.waitpid(pid, os.WNOHANG)[0] == 0}
                if not children:
                    return
                continue
            if _code_mtime() > started:
                conn.sendall(b'{"stale": true}\n')
                conn.close()
                return
            pid = os.fork()
            if pid == 0:  # the child never returns into this loop or its cleanup
                code = 1
                try:
                    listener.close()
                    code = _child(conn)
                finally:
                    os._exit(code)
            conn.close()
            children.add(pid)
            children = {p for p in children if os.waitpid(p, os.WNOHANG)[0] == 0}
    finally:
        listener.close()
        path.unlink(missing_ok=True)


def _child(conn: socket.socket) -> int:
    """Run one request in this forked child; return its exit code."""
    code = 1
    try:
        message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 2)
        request = json.loads(message)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        threading.Thread(target=_watch_client, args=(conn,), daemon=True).start()
        from fjo_analysis import cli

        code = cli.main(
            [
                "build",
                "--area",
                request["area"],
                "--topic",
                request["topic"],
                "--engine",
                "fjo-inprocess",
            ]
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


def _connect(path: Path) -> socket.socket | None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
        return conn
    except OSError:
        conn.close()
        return None


def _start(path: Path, config: settings.Settings) -> socket.socket:
    """Connect to the server, starting it first if none is running (one at a time)."""
    config.build_dir.mkdir(parents=True, exist_ok=True)
    with open(config.build_dir / "warm.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        conn = _connect(path)
        if conn is not None:
            return conn
        path.unlink(missing_ok=True)
        with open(config.build_dir / "warm.log", "a") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "fjo_analysis.warm", str(path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            conn = _connect(path)
            if conn is not None:
                return conn
            if server.poll() is not None:  # died (or was killed) while starting: say so now
                break
            time.sleep(0.05)
    raise BriefingError(f"the warm builder did not start (see {config.build_dir / 'warm.log'})")


def build(area: str, topic: str) -> int:
    """Ask the warm server to build one briefing; return its exit code."""
    config = settings.load()
    path = socket_path(config)
    for _ in range(3):
        conn = _connect(path) or _start(path, config)
        request = {"area": area, "topic": topic, "cwd": os.getcwd(), "env": dict(os.environ)}
        fds = array.array("i", [sys.stdout.fileno(), sys.stderr.fileno()])
        sys.stdout.flush()
        sys.stderr.flush()
        socket.send_fds(conn, [json.dumps(request).encode()], fds)
        reply = conn.makefile("rb").readline()
        conn.close()
        answer = json.loads(reply) if reply else {"exit": 1}
        if not answer.get("stale"):
            return int(answer["exit"])
        time.sleep(0.2)  # the stale server is exiting: start a fresh one
    raise BriefingError("the warm builder kept reporting stale code")


if __name__ == "__main__":
    # Two briefings build at once on two cores: one BLAS thread each, not two apiece.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    serve(Path(sys.argv[1]))

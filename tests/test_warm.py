"""The warm builder's server (on a Unix socket, passing requests to its workers): it exits
when idle with no build running, and answers "stale" (and exits) once its code has
changed; its workers build each request as a fresh fork would."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from fjo_analysis import warm
from fjo_analysis.errors import BriefingError


def _serving(monkeypatch, tmp_path: Path, idle: float) -> tuple[threading.Thread, Path]:
    monkeypatch.setattr(warm, "IDLE_SECONDS", idle)
    monkeypatch.setattr(warm, "_warm_up", lambda root: None)
    path = tmp_path / "warm.sock"
    server = threading.Thread(
        target=warm.serve, args=(path, tmp_path, tmp_path / "stats"), daemon=True
    )
    server.start()
    deadline = time.monotonic() + 10
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert path.exists()
    return server, path


def test_the_server_exits_when_idle_and_removes_its_socket(monkeypatch, tmp_path):
    server, path = _serving(monkeypatch, tmp_path, idle=0.5)
    server.join(10)
    assert not server.is_alive() and not path.exists()


def test_a_file_removed_while_the_code_is_dated_is_passed_over(monkeypatch, tmp_path):
    """The server dates the package's files at each request; one removed between being
    listed and being read (an editor's swap file) must not stop it."""
    (tmp_path / "kept.py").write_text("")
    gone = tmp_path / "gone.py.swp"
    gone.write_text("")
    os.utime(tmp_path / "kept.py", (1000, 1000))
    os.utime(gone, (2000, 2000))
    monkeypatch.setattr(warm, "PACKAGE_DIR", tmp_path)
    listing = list(tmp_path.rglob("*"))
    monkeypatch.setattr(Path, "rglob", lambda self, pattern: iter(listing))
    is_file = Path.is_file
    monkeypatch.setattr(Path, "is_file", lambda p: p == gone or is_file(p))
    gone.unlink()  # listed, and seen as a file, then removed before its time is read
    assert warm._code_mtime() == 1000


def test_a_server_that_cannot_bind_leaves_the_live_servers_socket(monkeypatch, tmp_path):
    monkeypatch.setattr(warm, "_warm_up", lambda root: None)
    path = tmp_path / "warm.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as live:
        live.bind(str(path))
        live.listen()
        with pytest.raises(OSError):
            warm.serve(path, tmp_path, tmp_path / "stats")
        assert path.exists()


def test_a_server_whose_code_changed_answers_stale_and_exits(monkeypatch, tmp_path):
    server, path = _serving(monkeypatch, tmp_path, idle=30)
    monkeypatch.setattr(warm, "_code_mtime", lambda: float("inf"))  # edited since it started
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        # the socket's file exists from bind(); connections are taken from listen(), a
        # moment later (a loaded machine once refused the first attempt in between)
        deadline = time.monotonic() + 10
        while True:
            try:
                conn.connect(str(path))
                break
            except ConnectionRefusedError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        assert conn.makefile("rb").readline() == b"stale\n"
    server.join(10)
    assert not server.is_alive() and not path.exists()


def _fake_server(path: Path, answers: list[list[bytes]]) -> threading.Thread:
    """A server that, for its n-th connection, reads the request and sends answers[n]
    (an empty list: close at once, as a server exiting when idle or stale does)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen()

    def serve():
        with listener:
            for lines in answers:
                conn, _ = listener.accept()
                with conn:
                    if lines:
                        socket.recv_fds(conn, 1 << 20, 2)
                        for line in lines:
                            conn.sendall(line)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def _config(tmp_path: Path):
    from fjo_analysis.settings import Settings

    return Settings(root=tmp_path, extract=None)


def test_a_request_to_a_closing_server_is_retried(monkeypatch, tmp_path):
    """A connection the server closes before a worker starts it (idle exit or stale code, as
    the client connected) is not a failed briefing: the client asks again."""
    path = tmp_path / "warm.sock"
    monkeypatch.setattr(warm, "socket_path", lambda config: path)
    thread = _fake_server(path, [[], [b"started\n", b"exit 0\n"]])
    assert warm.build_briefing("london", "infants", _config(tmp_path)) == 0
    thread.join(10)


def test_a_worker_that_dies_mid_build_is_an_error_not_a_retry(monkeypatch, tmp_path):
    path = tmp_path / "warm.sock"
    monkeypatch.setattr(warm, "socket_path", lambda config: path)
    thread = _fake_server(path, [[b"started\n"]])
    with pytest.raises(BriefingError, match="worker stopped without an answer"):
        warm.build_briefing("london", "infants", _config(tmp_path))
    thread.join(10)


def test_a_failed_rehearsal_is_only_a_cold_start(monkeypatch, tmp_path, capsys):
    """The warm-up's rehearsal (caches, fonts) is a head start: if it fails, the server
    still starts, says so in its log, and each worker meets the problem itself."""
    import gc

    def broken(root):
        raise ValueError("the notebook validator could not be built")

    monkeypatch.setattr(warm, "_rehearse", broken)
    monkeypatch.setattr(warm, "STACK", ())
    monkeypatch.setattr(gc, "freeze", lambda: None)  # keep this test process's heap as it is
    (tmp_path / "notebooks").mkdir()
    warm._warm_up(tmp_path)
    assert "rehearsal skipped" in capsys.readouterr().err


def test_the_store_read_before_forking_is_read_again_once_rebuilt(monkeypatch, project, tmp_path):
    """The server reads the store's tables before each request; a worker reads them from
    that copy, unless the store was rebuilt since (then from the new files)."""
    import gc
    import json
    import shutil

    from fjo_analysis.figures import store

    monkeypatch.setattr(gc, "freeze", lambda: None)  # keep this test process's heap as it is
    stats = tmp_path / "stats"
    shutil.copytree(project.stats_dir, stats)
    warm._preload(stats)
    before = store._read_version.cache_info()
    first = store.Store(stats).table("care_children")
    assert store._read_version.cache_info().hits == before.hits + 1
    assert store._read_version.cache_info().misses == before.misses
    monkeypatch.chdir(tmp_path)  # as a notebook's parameters name it, relative to the root
    assert store.Store(Path("stats")).table("care_children") is first
    assert store._read_version.cache_info().misses == before.misses

    path = stats / "tables" / "care_children.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    records[0]["children"] = "rebuilt"
    staged = path.with_suffix(".new")
    staged.write_text(json.dumps(records), encoding="utf-8")
    staged.replace(path)  # as the store is written: a new file in the old one's place
    again = store.Store(stats).table("care_children")
    assert again["children"].iloc[0] == "rebuilt" != first["children"].iloc[0]


def test_a_store_half_written_is_not_preloaded(monkeypatch, tmp_path, capsys):
    import gc

    monkeypatch.setattr(gc, "freeze", lambda: None)
    stats = tmp_path / "stats"
    (stats / "tables").mkdir(parents=True)
    (stats / "manifest.json").write_text("{}")
    warm._preload(stats)  # no tables yet: the workers will read them
    assert "store not preloaded" in capsys.readouterr().err


def test_the_light_client_finds_the_server_the_settings_name(monkeypatch, tmp_path):
    """make's client (standard library only) reads FJO_ROOT itself: it must find the
    socket the settings (and so the server) use, with FJO_ROOT relative or unset."""
    from fjo_analysis import settings, warm_client

    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path)
    for root in ("project", str(tmp_path / "project"), None):
        if root is None:
            monkeypatch.delenv("FJO_ROOT", raising=False)
        else:
            monkeypatch.setenv("FJO_ROOT", root)
        built = os.path.join(os.path.realpath(os.environ.get("FJO_ROOT", ".")), "build")
        assert warm_client.socket_path(built) == str(warm.socket_path(settings.load()))


def test_the_light_client_starts_light(monkeypatch):
    """make starts the client once a document: it imports only the standard library's
    light modules (hashlib loads OpenSSL and tempfile a dozen modules, a third of its
    start; json and socket's Python layer another 12 ms), and ``$TMPDIR`` moves its
    socket as it moves the server's."""
    import subprocess
    import sys

    client = Path(warm.__file__).with_name("warm_client.py")
    probe = (
        f"import runpy, sys; runpy.run_path({str(client)!r}); "
        "print(' '.join(m for m in ('hashlib', '_hashlib', 'tempfile', 'json', 'socket', "
        "'fjo_analysis') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
    from fjo_analysis import warm_client

    monkeypatch.delenv("TMPDIR", raising=False)
    assert warm_client.socket_path("/x/build").startswith("/tmp/fjo-warm-")
    monkeypatch.setenv("TMPDIR", "/var/tmp")
    assert warm_client.socket_path("/x/build").startswith("/var/tmp/fjo-warm-")
    assert warm_client.socket_path("/x/build") != warm_client.socket_path("/y/build")


def test_a_request_carries_the_clients_directory_and_environment_exactly(monkeypatch, tmp_path):
    """The worker reads the settings from the client's environment: every variable comes
    through as the client has it, an '=' or a newline in a value, or bytes that are not
    UTF-8, included."""
    from fjo_analysis import warm_client

    monkeypatch.setenv("FJO_ODD", "a=b\nc é")
    monkeypatch.setenv("FJO_BYTES", "x\udcffy")  # the byte 0xFF, as Python holds it
    monkeypatch.chdir(tmp_path)
    message = warm_client.request("profiles", "E06000059", "cy")
    assert warm_client.read_request(message) == {
        "area": "profiles",
        "topic": "E06000059",
        "lang": "cy",
        "cwd": str(tmp_path),
        "env": dict(os.environ),
    }
    assert b"FJO_BYTES=x\xffy" in message.split(b"\0")


def test_the_light_client_hands_over_to_fjo_build_when_no_server_listens(tmp_path):
    """No server: the client runs `fjo build`, which reports a bad area in one line."""
    import subprocess
    import sys

    client = Path(warm.__file__).with_name("warm_client.py")
    env = {**os.environ, "FJO_ROOT": str(tmp_path), "FJO_WARM": "0"}
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(client), "--area", "atlantis", "--topic", "infants"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("fjo: ") and "atlantis" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_worker_finds_each_request_as_a_fresh_fork_would(monkeypatch):
    """What one build may leave in a worker (the language, the shell's names and count,
    warnings' filters and those shown) is undone before the next."""
    import warnings

    from fjo_analysis import engine, i18n

    filters = list(warnings.filters)
    ip = engine.shell()  # (earlier tests may have run notebooks in it: names as it was made)
    i18n.activate("cy")
    ip.run_cell("from __future__ import annotations\nleft_behind = 1", store_history=True)
    warnings.simplefilter("ignore")
    warnings.onceregistry[("shown", UserWarning)] = 1
    assert ip.execution_count > 1 and "left_behind" in ip.user_ns
    warm._fresh(filters)
    assert i18n.current().code == i18n.SOURCE
    assert "left_behind" not in ip.user_ns and "get_ipython" in ip.user_ns
    assert set(ip.user_ns) == set(engine._FIRST_NAMES) and ip.execution_count == 1
    assert ip.user_ns["In"] == [""] and ip.user_ns["Out"] == {}
    assert set(ip.user_ns_hidden) == set(engine._FIRST_HIDDEN)
    ip.run_cell("def f(x: int): pass", store_history=True)
    ip.run_cell("def g(): pass", store_history=True)
    assert ip.user_ns["f"].__annotations__ == {"x": int}  # no __future__ from before
    assert ip.user_ns["_i"] == "def f(x: int): pass" and ip.user_ns["_ii"] == ""
    engine.fresh_shell()
    assert warnings.filters == filters and not warnings.onceregistry
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("default")
        warnings.warn("shown again", UserWarning, stacklevel=1)
    assert len(shown) == 1


@pytest.mark.parametrize(
    "outcomes,recycle,channels",
    [
        ([True, True, True], 2, [True, False]),  # recycled after two: the last says nothing
        ([True, False, True], 5, [True, True]),  # the second ended abnormally: it stops
        ([True, True], 5, [True, True]),  # then the server went: it stops
    ],
)
def test_a_worker_serves_until_recycled(monkeypatch, outcomes, recycle, channels):
    """A worker takes requests one at a time, each with its channel to say it is free
    (but its last), and stops after RECYCLE_AFTER requests, after one that did not end
    normally, or once the server has gone."""
    seen = []
    monkeypatch.setattr(warm, "RECYCLE_AFTER", recycle)
    monkeypatch.setattr(
        warm,
        "_serve",
        lambda conn, filters, channel: seen.append(channel is not None) or outcomes[len(seen) - 1],
    )
    ours, theirs = socket.socketpair()
    clients = []
    for _ in outcomes:
        client, server_end = socket.socketpair()
        socket.send_fds(ours, [b"r"], [server_end.fileno()])
        server_end.close()
        clients.append(client)
    ours.shutdown(socket.SHUT_WR)  # no more requests: as when the server has gone
    warm._work(theirs)
    theirs.close()
    assert seen == channels
    for client in (*clients, ours):
        client.close()


def _request(monkeypatch, tmp_path, run) -> tuple[bool, bytes, list]:
    """One request served by ``_serve`` in this process, with ``run`` as the build: what
    it returned, what the server heard on the worker's channel, and the client's answer."""
    read, write = os.pipe()
    client, conn = socket.socketpair()
    channel, server_end = socket.socketpair()
    monkeypatch.setattr(warm.build, "run", lambda *args, **kwargs: run(client))
    monkeypatch.setattr(warm, "_fresh", lambda filters: None)
    monkeypatch.chdir(tmp_path)
    socket.send_fds(client, [warm.warm_client.request("a", "t", "en")], [write, write])
    os.close(write)
    try:
        normal = warm._serve(conn, [], channel)
    finally:
        monkeypatch.chdir(tmp_path)
    channel.close()
    heard = server_end.recv(16)
    answer = client.makefile("rb").read().splitlines() if client.fileno() >= 0 else []
    for end in (client, conn, server_end):
        end.close()
    os.close(read)
    return normal, heard, answer


def test_a_worker_says_it_is_free_before_it_answers(monkeypatch, tmp_path):
    normal, heard, answer = _request(monkeypatch, tmp_path, lambda client: 0)
    assert normal and heard == b"."
    assert answer == [b"started", b"exit 0"]


def test_a_build_whose_client_left_ends_the_worker_even_if_a_cell_caught_the_stop(
    monkeypatch, tmp_path
):
    """The client leaving stops the build (SystemExit); a notebook cell may catch that (as
    IPython does) and the build fail quietly, but the request is still not a normal one:
    the worker stops after it and says nothing on its channel."""

    def caught(client):
        client.close()  # the client goes: the watcher stops the build
        try:
            time.sleep(30)
        except SystemExit:
            return 1  # as when a cell catches it and the build reports it
        return 0

    normal, heard, _ = _request(monkeypatch, tmp_path, caught)
    assert not normal and heard == b""


def test_the_warm_up_imports_only_what_builds_use(project, tmp_path):
    """Every module the server imports before it forks (``STACK``) is one a document's
    build imports anyway: a module no build needs would only slow every cold start (as
    statsmodels did, 0.8 s, once trends came from the store)."""
    import shutil
    import subprocess
    import sys

    from tests.conftest import project_copy

    root = project_copy(tmp_path / "root")
    shutil.copytree(project.stats_dir, root / "build" / "stats")
    script = (
        "import json, sys\n"
        "from fjo_analysis import build, settings\n"
        "from fjo_analysis.params import topics\n"
        "config = settings.load()\n"
        "for topic in topics(config.root):\n"
        "    assert build.run('wales', topic, lambda: config, engine='fjo-inprocess') == 0\n"
        "assert build.run('wales', 'outcomes', lambda: config, 'fjo-inprocess', 'cy') == 0\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "FJO_ROOT": str(root), "FJO_EXTRACT": str(project.extract)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    imported = set(json.loads(done.stdout.splitlines()[-1]))
    assert "fjo_analysis.report" in imported
    assert [m for m in warm.STACK if m not in imported] == []

"""The warm builder's server (socketserver's ForkingMixIn on a Unix socket): it exits when
idle with no child running, and answers "stale" (and exits) once its code has changed."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

from fjo_analysis import warm


def _serving(monkeypatch, tmp_path: Path, idle: float) -> tuple[threading.Thread, Path]:
    monkeypatch.setattr(warm._Server, "timeout", idle)
    monkeypatch.setattr(warm, "_warm_up", lambda root: None)
    path = tmp_path / "warm.sock"
    server = threading.Thread(target=warm.serve, args=(path, tmp_path), daemon=True)
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


def test_a_server_whose_code_changed_answers_stale_and_exits(monkeypatch, tmp_path):
    server, path = _serving(monkeypatch, tmp_path, idle=30)
    monkeypatch.setattr(warm, "_code_mtime", lambda: float("inf"))  # edited since it started
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(str(path))
        assert json.loads(conn.makefile("rb").readline()) == {"stale": True}
    server.join(10)
    assert not server.is_alive() and not path.exists()

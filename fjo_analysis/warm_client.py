"""The warm builder's client: ask the running server to build one document.

Standard library only, so that make's hundreds of requests start in a third of the time
``fjo build`` takes to import the package: make runs this file as a script
(``python -I -S fjo_analysis/warm_client.py --area A --topic T [--lang L]``). Where no
server is taking requests (none is running, or its code changed), or the arguments are
not the ones make gives, or ``FJO_WARM`` is not 1, it hands over to ``fjo build``, which
starts a server (:mod:`fjo_analysis.warm`) and reports every problem in full.
"""

from __future__ import annotations

# socket's C core, and no json: the socket module's Python layer (its enums) and json (re)
# took 12 ms of each request's 27 here, with make starting one request per document
import _socket
import array
import os
import sys
import zlib


def socket_path(build_dir: str) -> str:
    """A short path (sockets allow ~100 bytes) unique to the project's build directory, in
    ``$TMPDIR`` or ``/tmp``. (Not hashlib nor tempfile: loading OpenSSL and tempfile's
    imports took 12-18 ms of each request's 40-58 here, a third of the client's start.)"""
    key = f"{zlib.crc32(str(build_dir).encode()):08x}"
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", f"fjo-warm-{os.getuid()}-{key}.sock")


def connect(path: str) -> _socket.socket | None:
    """A connection to the server at ``path``, or None where none is listening."""
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        conn.connect(path)
        return conn
    except OSError:
        conn.close()
        return None


#: The server's replies, one line each: it took the request; it would not (its code changed).
STARTED, STALE = b"started", b"stale"


def answer(code: int) -> bytes:
    """The worker's last line: the build's exit code."""
    return b"exit %d\n" % code


def send(conn: _socket.socket, message: bytes) -> int | None:
    """Send a request (:func:`request`) with this process's stdout and stderr over
    ``conn`` (closed after); return the build's exit code, or None where the server did
    not take it (it was closing: idle, or its code changed)."""
    fds = array.array("i", [sys.stdout.fileno(), sys.stderr.fileno()])
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        replies = _lines(conn)
        try:
            conn.sendmsg([message], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])
            first = next(replies, b"")
        except OSError:
            return None
        if first != STARTED:
            return None
        try:
            last = next(replies, b"")
        except OSError:
            last = b""
        if not last.startswith(b"exit "):
            raise NoAnswer("the warm builder's worker stopped without an answer")
        return int(last.removeprefix(b"exit "))
    finally:
        conn.close()


def _lines(conn: _socket.socket):
    """The lines the server sends (without their newlines), until it closes."""
    buffer = b""
    while chunk := conn.recv(4096):
        *lines, buffer = (buffer + chunk).split(b"\n")
        yield from lines


class NoAnswer(RuntimeError):
    """The server's worker stopped before it answered (killed, or out of memory): an
    error, not a request to retry."""


def request(area: str, topic: str, lang: str) -> bytes:
    """A build request: the document, and this process's directory and environment, from
    which the worker reads the settings (as ``fjo build`` would here). Fields are
    separated by NUL, which no argument, path or environment variable can hold."""
    fields = [os.fsencode(area), os.fsencode(topic), os.fsencode(lang), os.getcwdb()]
    fields += [name + b"=" + value for name, value in os.environb.items()]
    return b"\0".join(fields)


def read_request(message: bytes) -> dict:
    """A request as :func:`request` wrote it: area, topic, lang, cwd and env."""
    area, topic, lang, cwd, *env = (os.fsdecode(field) for field in message.split(b"\0"))
    variables = dict(entry.split("=", 1) for entry in env)
    return {"area": area, "topic": topic, "lang": lang, "cwd": cwd, "env": variables}


def _arguments(argv: list[str]) -> dict | None:
    """``--area A --topic T [--lang L]`` as a dict, or None for anything else."""
    if len(argv) % 2 or not argv:
        return None
    given = dict(zip(argv[::2], argv[1::2], strict=True))
    if not {"--area", "--topic"} <= set(given) <= {"--area", "--topic", "--lang"}:
        return None
    return {"area": given["--area"], "topic": given["--topic"], "lang": given.get("--lang", "en")}


def main(argv: list[str]) -> int:
    asked = _arguments(argv)
    if asked is not None and os.environ.get("FJO_WARM", "1").strip() == "1":
        root = os.path.realpath(os.environ.get("FJO_ROOT", "."))
        conn = connect(socket_path(os.path.join(root, "build")))
        try:
            code = None if conn is None else send(conn, request(**asked))
        except NoAnswer as err:
            print(f"fjo: {err}", file=sys.stderr)
            return 1
        if code is not None:
            return code
    fjo = os.path.join(os.path.dirname(sys.executable), "fjo")
    os.execv(fjo, [fjo, "build", *argv])  # starts a server, or builds without one


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

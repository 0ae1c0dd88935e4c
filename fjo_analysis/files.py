"""Writing files safely: atomically (a temporary file renamed over the target), with
unique hidden temporary names, and OSErrors that name the file a reader asked for."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path


def relative(path: Path, root: Path) -> str:
    """A path as written in the notebook's parameters: relative to the project when inside it."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


TEMPORARY = ".tmp"


def staged(path: Path) -> Path:
    """A unique temporary name beside ``path``: hidden, with the pid and a random part.

    Unique so two builders never write or remove each other's files; hidden (a leading
    dot), which ``fjo check`` and the index never read as published, so a file left by a
    killed builder is not mistaken for an output. The format's suffix stays last so the
    output check can read the file before it is published.
    """
    return path.with_name(
        f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}{TEMPORARY}{path.suffix}"
    )


def publish_text(path: Path, text: str) -> None:
    """Write ``path`` atomically (a temporary file renamed over it)."""
    tmp = staged(path)
    try:
        with writing(path):
            tmp.write_text(text, encoding="utf-8")
        with writing(path):
            tmp.replace(path)
    finally:
        remove_quietly(tmp)


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``path`` only when its content would change (so make sees a change only then)."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    publish_text(path, text)
    return True


def remove_quietly(tmp: Path) -> None:
    """Remove a temporary file if it is there (quietly: the error that matters is raised)."""
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Name ``path`` in an OSError raised while writing it or its temporary file (a disk
    full mid-write has no file name; a temporary's name means nothing to a reader)."""
    try:
        yield
    except OSError as err:
        if err.filename is None or Path(err.filename).parent == path.parent:
            raise OSError(err.errno, err.strerror or str(err), str(path)) from None
        raise


def sweep_temporaries(folder: Path) -> None:
    """Remove temporary files in ``folder`` left by builders that are no longer running."""
    if not folder.is_dir():
        return
    for tmp in folder.glob(f".*{TEMPORARY}*"):
        parts = tmp.name.split(".")
        pid = int(parts[-4]) if len(parts) >= 5 and parts[-4].isdigit() else None
        if pid is None or not _running(pid):
            tmp.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    """Whether a process with this id is alive (signal 0 checks without sending)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

"""Running the Makefile in a project copy with this venv's ``fjo``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

VENV = Path(sys.prefix)
REAL_FJO = VENV / "bin" / "fjo"


def _environment(root: Path, env: dict | None) -> dict:
    """This process's environment for a fresh make in ``root``: without the variables of
    any make we run under (``make test`` passes its ``FJO_LOCKED=1`` down in MAKEFLAGS,
    which would let the project's make skip its lock)."""
    full_env = {**os.environ, "FJO_ROOT": str(root), **(env or {})}
    for name in ("FJO_LOCKED", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        full_env.pop(name, None)
    return full_env


def make(
    root: Path, *args: str, env: dict | None = None, timeout: float = 600, extract=None
) -> subprocess.CompletedProcess:
    """``make -C root ARGS`` with this venv's fjo and FJO_ROOT set."""
    full_env = _environment(root, env)
    if extract is not None:
        full_env["FJO_EXTRACT"] = str(extract)
    return subprocess.run(
        ["make", "-C", str(root), f"VENV={VENV}", "STAMP=", f"FJO={REAL_FJO}", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def make_popen(root: Path, *args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    """As ``make``, started in the background in its own session."""
    full_env = _environment(root, env)
    return subprocess.Popen(
        ["make", "-C", str(root), f"VENV={VENV}", "STAMP=", f"FJO={REAL_FJO}", *args],
        env=full_env,
        start_new_session=True,
        **kwargs,
    )


def mini_project(root: Path, areas=("wales",), topics=("outcomes",)) -> Path:
    """A project with this repository's Makefile and code but only a few briefings."""
    from tests.conftest import ROOT

    root.mkdir(parents=True, exist_ok=True)
    (root / "params").mkdir()
    (root / "notebooks").mkdir()
    for area in areas:
        (root / "params" / f"{area}.yaml").write_bytes(
            (ROOT / "params" / f"{area}.yaml").read_bytes()
        )
    for topic in topics:
        (root / "notebooks" / f"{topic}.ipynb").write_bytes(
            (ROOT / "notebooks" / f"{topic}.ipynb").read_bytes()
        )
    (root / "Makefile").write_bytes((ROOT / "Makefile").read_bytes())
    (root / "fjo_analysis").symlink_to(ROOT / "fjo_analysis")
    return root

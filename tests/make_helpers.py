"""Running the Makefile in a project copy, with stand-ins for stages not yet on this branch.

``fjo stats`` and ``fjo audit`` are written in parallel by another developer; until they
arrive, ``stand_in_fjo`` puts a tiny script in front of the real ``fjo`` that answers those
two subcommands (stats writes an empty, valid ``build/stats/manifest.json``; audit passes
unless ``FJO_TEST_AUDIT_REFUSE`` is set) and hands everything else to the real command.
Tests only: nothing here is part of the package.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

VENV = Path(sys.prefix)
REAL_FJO = VENV / "bin" / "fjo"

STAND_IN = """#!/bin/sh
case "$1" in
  stats)
    [ -n "$FJO_TEST_STATS_LOG" ] && echo stats >> "$FJO_TEST_STATS_LOG"
    mkdir -p build/stats && printf '{"files": {}}\\n' > build/stats/manifest.json ;;
  audit)
    if [ -n "$FJO_TEST_AUDIT_REFUSE" ]; then echo "fjo audit: release refused" >&2; exit 1; fi ;;
  *) exec "{real}" "$@" ;;
esac
"""


def stand_in_fjo(folder: Path) -> Path:
    """An ``fjo`` that stands in for ``stats`` and ``audit`` (see the module docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fjo"
    if not path.exists():
        path.write_text(STAND_IN.replace("{real}", str(REAL_FJO)))
        path.chmod(0o755)
    return path


def make(
    root: Path, *args: str, env: dict | None = None, timeout: float = 600, extract=None
) -> subprocess.CompletedProcess:
    """``make -C root ARGS`` with this venv, the stand-in fjo and FJO_ROOT set."""
    full_env = {**os.environ, "FJO_ROOT": str(root), **(env or {})}
    full_env.pop("FJO_LOCKED", None)
    if extract is not None:
        full_env["FJO_EXTRACT"] = str(extract)
    fjo = stand_in_fjo(root.parent / "stand-in")
    return subprocess.run(
        ["make", "-C", str(root), f"VENV={VENV}", "STAMP=", f"FJO={fjo}", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def make_popen(root: Path, *args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    """As ``make``, started in the background in its own session."""
    full_env = {**os.environ, "FJO_ROOT": str(root), **(env or {})}
    full_env.pop("FJO_LOCKED", None)
    fjo = stand_in_fjo(root.parent / "stand-in")
    return subprocess.Popen(
        ["make", "-C", str(root), f"VENV={VENV}", "STAMP=", f"FJO={fjo}", *args],
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

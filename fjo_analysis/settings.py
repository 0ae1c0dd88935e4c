"""Paths, disclosure thresholds and the data source: the one place for settings.

Every value can be overridden by an environment variable of the same name with an
``FJO_`` prefix (e.g. ``FJO_EXTRACT=/secure/extract.parquet``), which is how the
Makefile and the secure research environment configure a build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"

#: Financial years (by starting calendar year) the synthetic extract covers by default.
DEFAULT_START_YEAR = 2010
DEFAULT_END_YEAR = 2024
DEFAULT_SEED = 20240401


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one build."""

    root: Path
    extract: Path | None  # a real extract; None means the built-in synthetic data
    suppress_below: int
    round_to: int

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def synthetic_extract(self) -> Path:
        return self.data_dir / "raw" / "synthetic_extract.parquet"

    @property
    def source_extract(self) -> Path:
        return self.extract or self.synthetic_extract

    @property
    def processed_dir(self) -> Path:
        return self.data_dir / "processed"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def stats_dir(self) -> Path:
        return self.build_dir / "stats"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"


#: Disclosure defaults, and the lowest threshold a build may use.
DEFAULT_SUPPRESS_BELOW = 10
MIN_SUPPRESS_BELOW = 5
DEFAULT_ROUND_TO = 0


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the environment variable."""


def _whole_number(name: str, default: int, minimum: int, rule: str) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r}: expected a whole number ({rule})") from None
    if value < minimum:
        raise SettingsError(f"{name}={value}: refused, {rule}")
    return value


def load() -> Settings:
    """Settings from the environment, with the defaults above, checked at the boundary."""
    root = Path(os.environ.get("FJO_ROOT", ".")).resolve()
    extract = os.environ.get("FJO_EXTRACT") or None
    if extract is not None:
        path = Path(extract)
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if not path.exists():
            raise SettingsError(f"FJO_EXTRACT={extract!r}: no such file ({path})")
        if not (path.is_file() or path.is_dir()):
            raise SettingsError(f"FJO_EXTRACT={extract!r}: not a file ({path})")
    return Settings(
        root=root,
        extract=path if extract else None,
        suppress_below=_whole_number(
            "FJO_SUPPRESS_BELOW",
            DEFAULT_SUPPRESS_BELOW,
            MIN_SUPPRESS_BELOW,
            f"the threshold must be at least {MIN_SUPPRESS_BELOW}",
        ),
        round_to=_whole_number(
            "FJO_ROUND_TO", DEFAULT_ROUND_TO, 0, "0 (no rounding) or a positive base"
        ),
    )

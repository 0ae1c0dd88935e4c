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


def load() -> Settings:
    """Settings from the environment, with the defaults above."""
    extract = os.environ.get("FJO_EXTRACT") or None
    return Settings(
        root=Path(os.environ.get("FJO_ROOT", ".")).resolve(),
        extract=Path(extract).resolve() if extract else None,
        suppress_below=int(os.environ.get("FJO_SUPPRESS_BELOW", "10")),
        round_to=int(os.environ.get("FJO_ROUND_TO", "0")),
    )

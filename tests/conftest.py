"""Shared fixtures: small synthetic extracts, written and prepared once per session."""

from __future__ import annotations

import pandas as pd
import pytest

from fjo_analysis.data.prepare import derive
from fjo_analysis.data.synth import synthesise, write

SMALL = {"seed": 7, "start_year": 2016, "end_year": 2019, "scale": 0.05}


@pytest.fixture(scope="session")
def small_extract() -> pd.DataFrame:
    """About 20,000 rows over four years: fast, with real structure and small counts."""
    return synthesise(**SMALL)


@pytest.fixture(scope="session")
def small_extract_csv(small_extract, tmp_path_factory):
    path = tmp_path_factory.mktemp("extract") / "extract.csv"
    write(small_extract, path)
    return path


@pytest.fixture(scope="session")
def national_extract() -> pd.DataFrame:
    """The default synthetic extract at national scale (about 1.5 million rows)."""
    return synthesise(seed=1, start_year=2010, end_year=2024)


@pytest.fixture(scope="session")
def national_cases(national_extract) -> pd.DataFrame:
    return derive(national_extract)[0]


@pytest.fixture(scope="session")
def small_cases(small_extract) -> pd.DataFrame:
    return derive(small_extract)[0]

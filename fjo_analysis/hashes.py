"""A reference build's outputs by SHA-256: the byte-identical check of a restructuring.

``fjo hashes`` builds the default synthetic data, its statistics store and every topic for
two areas (a region and a country) in a temporary project, reproducibly (a fixed
SOURCE_DATE_EPOCH and code version), and prints the SHA-256 of each output;
``fjo hashes --write tests/reference_hashes.json`` (``make reference-hashes``) stores
them, and the test suite rebuilds and compares. A change meant to change outputs
regenerates the list in the same commit.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from fjo_analysis import settings

AREAS = ("london", "wales")
EPOCH = 1767225600  # 2026-01-01 00:00 UTC
VERSION = "fjo_analysis (reference build)"
OUTPUTS = ("html", "pdf", "xlsx", "disclosure.json")


def reference_build(project: Path, work: Path) -> dict[str, str]:
    """Build the reference set under ``work`` from ``project``'s notebooks and params;
    return {output path relative to work: SHA-256}."""
    from fjo_analysis.build import build
    from fjo_analysis.data.prepare import prepare
    from fjo_analysis.data.synth import synthesise, write
    from fjo_analysis.disclosure import Rules
    from fjo_analysis.figures.builder import build as build_store
    from fjo_analysis.params import topics

    for folder in ("notebooks", "params"):
        (work / folder).symlink_to(project / folder)
    config = settings.Settings(
        root=work, extract=None, source_date_epoch=EPOCH, code_version=VERSION
    )
    write(
        synthesise(settings.DEFAULT_SEED, settings.DEFAULT_START_YEAR, settings.DEFAULT_END_YEAR),
        config.synthetic_extract,
    )
    prepare(config.synthetic_extract, config.processed_dir, synthetic=True)
    build_store(config.processed_dir, config.stats_dir, Rules(config.suppress_below))
    for area in AREAS:
        for topic in topics(work):
            build(area, topic, config, engine="fjo-inprocess")
    files = [config.stats_dir / "figures.csv"] + [
        config.reports_dir / area / f"{topic}.{suffix}"
        for area in AREAS
        for topic in topics(work)
        for suffix in OUTPUTS
    ]
    return {str(f.relative_to(work)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def hashes(project: Path) -> dict[str, str]:
    """The reference set's hashes, built in a temporary directory (progress on stderr)."""
    with (
        tempfile.TemporaryDirectory(prefix="fjo-reference-") as work,
        contextlib.redirect_stdout(sys.stderr),
    ):
        return reference_build(project, Path(work))


def as_text(found: dict[str, str]) -> str:
    return json.dumps(found, indent=1, sort_keys=True) + "\n"

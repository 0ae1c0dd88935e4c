"""Read the parts a briefing recorded in its executed notebook, and format their values."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat

from fjo_analysis import __version__
from fjo_analysis.data.prepare import financial_year_label
from fjo_analysis.disclosure import MARK, NOT_AVAILABLE
from fjo_analysis.release import Release

SYNTHETIC_BANNER = (
    "These figures come from made-up data that show how the briefing works. "
    "They are not real statistics."
)
#: Parameters that are wording, not inputs: left out of the provenance block.
WORDING_PARAMETERS = {"area_notes"}


@dataclass
class BriefingDoc:
    """Everything a renderer needs, in reading order."""

    title: str
    summary: str
    findings: list[str]
    body: list[dict]  # figures, tables, sections and narrative, in notebook order
    disclosure: list[dict]
    manifest: dict
    parameters: dict
    area: str
    topic: str
    code_version: str
    build_date: str
    release: Release | None = None  # release information, set by the build

    @property
    def synthetic(self) -> bool:
        return bool(self.manifest.get("synthetic"))

    def tables(self) -> list[dict]:
        """Every table of the briefing, including the data behind each figure."""
        return [
            p["table"] if p["kind"] == "figure" else p
            for p in self.body
            if p["kind"] in ("figure", "table")
        ]

    def provenance(self) -> list[tuple[str, str]]:
        m = self.manifest
        params = ", ".join(
            f"{k}={v}" for k, v in sorted(self.parameters.items()) if k not in WORDING_PARAMETERS
        )
        return [
            ("Data source", m["source_name"] + (" (illustrative only)" if self.synthetic else "")),
            ("Data file SHA-256", m["source_sha256"]),
            (
                "Data covers",
                f"financial years {financial_year_label(m['first_year'])}"
                f" to {financial_year_label(m['last_year'])}; extract "
                f"date {m['extract_date']}",
            ),
            *self._code_mapping(),
            ("Code version", self.code_version),
            ("Parameters", params),
            ("Built", self.build_date),
        ]

    def _code_mapping(self) -> list[tuple[str, str]]:
        """How the extract's local-authority codes were mapped to April-2024 geography."""
        by_kind = self.manifest.get("code_mapping", {}).get("rows_by_mapping", {})
        if not by_kind:
            return []
        words = {
            "current": "current codes",
            "retired→successor": "retired codes mapped to their successor",
            "combined unit": "codes of authorities that later split, under a combined unit",
            "newer code→2024 unit": "newer codes mapped to the 2024 authority",
            "unknown": "unknown codes",
        }
        text = "; ".join(f"{rows:,} rows: {words.get(k, k)}" for k, rows in by_kind.items())
        return [("Local-authority codes (April 2024 geography)", text)]


def code_version() -> str:
    """``git describe`` of the working tree, else the package version."""
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        )
        return f"fjo_analysis {__version__} ({out.stdout.strip()})"
    except (OSError, subprocess.CalledProcessError):
        return f"fjo_analysis {__version__}"


def build_date() -> str:
    """From SOURCE_DATE_EPOCH when set (reproducible builds), else now; UTC, ISO 8601."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        if epoch
        else dt.datetime.now(dt.UTC).replace(microsecond=0)
    )
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def read(executed: Path, version: str | None = None) -> BriefingDoc:
    """Collect the parts from an executed notebook (markdown cells tagged 'internal' stay out)."""
    nb = nbformat.read(executed, as_version=4)
    headline, findings, body, disclosure, manifest = None, [], [], [], {}
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "internal" not in cell.metadata.get("tags", []):
            body.append({"kind": "markdown", "markdown": cell.source})
        for output in cell.get("outputs", []):
            part = output.get("metadata", {}).get("fjo")
            if part is None:
                continue
            kind = part["kind"]
            if kind == "headline":
                headline = part
            elif kind == "finding":
                findings.append(part["text"])
            elif kind == "disclosure":
                disclosure.append(part)
            elif kind == "provenance":
                manifest = part["manifest"]
            else:
                body.append(part)
    if headline is None:
        raise ValueError(f"{executed}: the notebook recorded no headline (Briefing.headline)")
    params = dict(nb.metadata.get("papermill", {}).get("parameters", {}))
    return BriefingDoc(
        title=headline["title"],
        summary=headline["summary"],
        findings=findings,
        body=body,
        disclosure=disclosure,
        manifest=manifest,
        parameters=params,
        area=executed.parent.name,
        topic=executed.stem,
        code_version=version or code_version(),
        build_date=build_date(),
    )


def format_cell(value, kind: str) -> str:
    """A published value as text: counts with separators, rates and shares to 1 dp."""
    if value is None:
        return NOT_AVAILABLE
    if value in (MARK, NOT_AVAILABLE) or kind == "text":
        return str(value)
    if kind == "count":
        return f"{int(value):,}"
    if kind == "p":
        return "<0.001" if float(value) < 0.001 else f"{float(value):.3f}"
    return f"{float(value):,.1f}"

"""Build one briefing: execute its notebook, render HTML, PDF and XLSX, check, publish.

Outputs are written to temporary files and renamed into ``reports/`` only when all three
are rendered and have passed the disclosure check, so an interrupted or failing build
never leaves a half-written briefing. The executed notebook is kept under ``build/`` as
the audit trail (and for debugging when a cell fails).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from fjo_analysis import settings
from fjo_analysis.disclosure import Rules
from fjo_analysis.errors import BriefingError
from fjo_analysis.geography import area

FORMATS = ("html", "pdf", "xlsx")


@dataclass(frozen=True)
class AreaParams:
    """What params/<slug>.yaml says about an area."""

    slug: str
    code: str
    name: str
    notes: str = ""


def area_params(slug: str, root: Path) -> AreaParams:
    path = root / "params" / f"{slug}.yaml"
    if not path.exists():
        raise BriefingError(f"no such area {slug!r}: expected {path}")
    values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = {"code", "name"} - set(values)
    if missing:
        raise BriefingError(f"{path}: missing key(s) {sorted(missing)}")
    try:
        area(values["code"])
    except ValueError as err:
        raise BriefingError(f"{path}: {err}") from None
    return AreaParams(
        slug=slug, code=values["code"], name=values["name"], notes=values.get("notes", "")
    )


def topics(root: Path) -> list[str]:
    """The topics: one notebook each in notebooks/."""
    return sorted(p.stem for p in (root / "notebooks").glob("*.ipynb"))


def areas(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "params").glob("*.yaml"))


def execute(
    area_slug: str, topic: str, config: settings.Settings, engine: str | None = None
) -> Path:
    """Run the topic notebook for the area with papermill; return the executed notebook.

    ``engine`` is a papermill engine name: None for a Jupyter kernel per notebook, or the
    warm builder's in-process engine (``fjo_analysis.engine``).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if engine is not None:
        import fjo_analysis.engine  # noqa: F401  (registers the in-process engine)

    params = area_params(area_slug, config.root)
    notebook = config.root / "notebooks" / f"{topic}.ipynb"
    if not notebook.exists():
        raise BriefingError(f"no such topic {topic!r}: expected {notebook}")
    executed = config.build_dir / "executed" / area_slug / f"{topic}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    parameters = {
        "area": params.code,
        "area_notes": params.notes,
        "stats_dir": _relative(config.stats_dir, config.root),
        "suppress_below": config.suppress_below,
        "round_to": config.round_to,
    }
    try:
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(config.root),
            shutdown_kernel="immediate",
            engine_name=engine,
        )
    except PapermillExecutionError as err:
        raise BriefingError(
            f"{area_slug}/{topic}: cell {err.exec_count or err.cell_index} raised "
            f"{err.ename}: {err.evalue} (executed notebook kept at {executed})"
        ) from None
    return executed


def _relative(path: Path, root: Path) -> str:
    """A path as written in the notebook's parameters: relative to the project when inside it."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _staged(path: Path) -> Path:
    """The temporary name an output is written to before it is published."""
    return path.with_name(f".{path.stem}.tmp{path.suffix}")


def render(executed: Path, area_slug: str, topic: str, config: settings.Settings) -> list[Path]:
    """Render, check and publish the three outputs and the disclosure log."""
    from fjo_analysis.check import check_file
    from fjo_analysis.render import html, parts, pdf, xlsx

    rules = Rules(config.suppress_below, config.round_to)
    doc = parts.read(executed)
    out_dir = config.reports_dir / area_slug
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = {fmt: out_dir / f"{topic}.{fmt}" for fmt in FORMATS}
    log_path = out_dir / f"{topic}.disclosure.json"
    log = public_log(doc, rules, area_slug, topic)
    staged = {final: _staged(final) for final in [*targets.values(), log_path]}
    try:
        nb = nbformat.read(executed, as_version=4)
        staged[targets["html"]].write_text(html.render(doc, nb, rules), encoding="utf-8")
        staged[targets["pdf"]].write_bytes(pdf.render(doc, rules))
        xlsx.render(doc, rules, staged[targets["xlsx"]])
        staged[log_path].write_text(
            json.dumps(log, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        leaks = [
            leak
            for fmt in FORMATS
            for leak in check_file(staged[targets[fmt]], rules.threshold, log)
        ]
        if leaks:
            raise BriefingError(
                f"{area_slug}/{topic}: refused to publish, disclosure check "
                "failed:\n" + "\n".join(str(leak) for leak in leaks)
            )
        private = config.build_dir / "disclosure" / area_slug / f"{topic}.json"
        private.parent.mkdir(parents=True, exist_ok=True)
        private.write_text(json.dumps(doc.disclosure, indent=1, sort_keys=True), encoding="utf-8")
        for final, tmp in staged.items():
            tmp.replace(final)
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
    return list(targets.values())


def public_log(doc, rules: Rules, area_slug: str, topic: str) -> dict:
    """The disclosure log published beside a briefing: which cells are suppressed, never
    why (primary or secondary) and never their values."""
    return {
        "briefing": f"{area_slug}/{topic}",
        "rules": {"threshold": rules.threshold, "round_to": rules.round_to},
        "suppressed": [
            {"table": part["table"], "row": e["row"], "column": e["column"]}
            for part in doc.disclosure
            for e in part["entries"]
        ],
    }


def build(
    area_slug: str, topic: str, config: settings.Settings | None = None, engine: str | None = None
) -> float:
    """Execute and render one briefing; print a progress line; return seconds taken."""
    config = config or settings.load()
    start = time.perf_counter()
    executed = execute(area_slug, topic, config, engine)
    render(executed, area_slug, topic, config)
    seconds = time.perf_counter() - start
    print(f"{progress(config)} {area_slug}/{topic} {seconds:.1f} s", flush=True)
    return seconds


def progress(config: settings.Settings) -> str:
    """'[n/N]': briefings finished in this make run (FJO_RUN_ID) of FJO_BRIEFING_COUNT."""
    run = os.environ.get("FJO_RUN_ID")
    total = os.environ.get("FJO_BRIEFING_COUNT", "?")
    if not run:
        return "[1/1]"
    marks = config.build_dir / "progress" / run
    marks.mkdir(parents=True, exist_ok=True)
    (marks / f"{os.getpid()}").touch()
    return f"[{len(list(marks.iterdir()))}/{total}]"

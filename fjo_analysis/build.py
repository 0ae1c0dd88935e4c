"""Build one briefing: execute its notebook, render HTML, PDF and XLSX, check, publish.

Outputs are written to temporary files and renamed into ``reports/`` only when all three
are rendered and have passed the disclosure check, so an interrupted or failing build
never leaves a half-written briefing and never removes the last good one. Temporary names
are unique (pid and a random part) and end in ``.tmp``, so nothing a killed builder
leaves behind looks published. The executed notebook is kept under ``build/`` as the
audit trail (and for debugging when a cell fails).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from fjo_analysis import settings
from fjo_analysis.errors import BriefingError, reported
from fjo_analysis.files import (
    publish_text,
    relative,
    remove_quietly,
    staged,
    sweep_temporaries,
    writing,
)
from fjo_analysis.params import area_params, topic_metadata, topics

if TYPE_CHECKING:  # imported where used: ``fjo stamp`` runs before every make and stays light
    from collections.abc import Callable

    import nbformat

    from fjo_analysis.disclosure import Rules

FORMATS = ("html", "pdf", "xlsx", "csv")


def execute(
    area_slug: str,
    topic: str,
    config: settings.Settings,
    engine: str | None = None,
    lang: str = "en",
) -> nbformat.NotebookNode:
    """Run the topic notebook for the area with papermill; return the executed notebook
    (also kept under ``build/executed/`` as the audit trail).

    ``engine`` is a papermill engine name: None for a Jupyter kernel per notebook, or the
    warm builder's in-process engine (``fjo-inprocess``, registered by this package's
    ``papermill.engine`` entry point). ``lang`` is the briefing's language: a Welsh
    briefing runs the same notebook with ``lang="cy"`` (English is the notebook's default,
    so an English run passes no such parameter).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from fjo_analysis import profiles

    if area_slug == profiles.PROFILES:  # a local profile: its topic is the authority's code
        params = profiles.profile_params(topic, config)
        notebook = config.root / "notebooks" / f"{profiles.NOTEBOOK}.ipynb"
    else:
        params = area_params(area_slug, config.root)
        notebook = config.root / "notebooks" / f"{topic}.ipynb"
    if not notebook.exists():
        raise BriefingError(f"no such topic {topic!r}: expected {notebook}")
    suffix = document_suffix(area_slug, topic, lang)
    executed = config.build_dir / "executed" / area_slug / f"{topic}{suffix}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    parameters = {
        "area": params.code,
        "area_notes": params.notes,
        "stats_dir": relative(config.stats_dir, config.root),
        "suppress_below": config.suppress_below,
        "round_to": config.round_to,
    }
    if lang != "en":
        parameters["lang"] = lang
    try:
        return papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(config.root),
            shutdown_kernel="immediate",
            engine_name=engine,
            # The executed notebook is written once, when it finishes (or fails), not
            # after every cell: about 45 ms a save, 15 saves a briefing.
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as err:
        raise BriefingError(
            f"{area_slug}/{topic}{suffix}: cell {err.exec_count or err.cell_index} raised "
            f"{err.ename}: {err.evalue} (executed notebook kept at {executed})"
        ) from None


def _related(area_slug: str, code: str, config: settings.Settings, lang: str = "en"):
    """The links between a briefing and its area's profiles (:mod:`fjo_analysis.related`),
    in the document's language (none to a topic this extract has no figures for)."""
    from fjo_analysis import profiles, related

    if area_slug == profiles.PROFILES:
        return related.for_profile(code, config.root, lang, unpublished_topics(config))
    return related.for_briefing(code, config.root, lang)


def document_suffix(area_slug: str, topic: str, lang: str) -> str:
    """'' for English, '.cy' for Welsh (``care-proceedings.cy.html``); refuses a Welsh
    document about anywhere but Wales and its authorities, which are published in English."""
    from fjo_analysis.i18n import Language, about_wales

    language = Language(lang)
    if language.suffix and not about_wales(area_slug, topic):
        raise BriefingError(f"{area_slug}/{topic}: lang={lang!r} is for documents about Wales only")
    return language.suffix


def render(
    nb: nbformat.NotebookNode,
    area_slug: str,
    topic: str,
    config: settings.Settings,
    lang: str = "en",
) -> list[Path]:
    """Render, check and publish the outputs (HTML, PDF, XLSX, CSV) and the disclosure log."""
    from fjo_analysis.check import check_file
    from fjo_analysis.disclosure import Rules
    from fjo_analysis.release import Release
    from fjo_analysis.render import csv as tidy
    from fjo_analysis.render import html, parts, pdf, xlsx

    rules = Rules(config.suppress_below, config.round_to)
    suffix = document_suffix(area_slug, topic, lang)
    doc = dataclasses.replace(
        parts.read(nb, area_slug, topic, config, lang), release=Release.of(config)
    )
    targets, log_path, private = _paths(area_slug, f"{topic}{suffix}", config)
    out_dir = log_path.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    log = public_log(doc, rules, area_slug, topic)
    sweep_temporaries(out_dir)
    # The HTML is published last: make keys a briefing on all three files, so a build
    # stopped part-way through publishing leaves a target older than its inputs (rebuilt).
    order = [log_path, targets["pdf"], targets["xlsx"], targets["csv"], targets["html"]]
    temporary = {final: staged(final) for final in order}
    try:
        with writing(targets["html"]):
            links = _related(area_slug, str(doc.parameters["area"]), config, lang)
            temporary[targets["html"]].write_text(html.render(doc, rules, links), encoding="utf-8")
        with writing(targets["pdf"]):
            temporary[targets["pdf"]].write_bytes(pdf.render(doc, rules))
        with writing(targets["xlsx"]):
            xlsx.render(doc, rules, temporary[targets["xlsx"]])
        with writing(targets["csv"]):
            temporary[targets["csv"]].write_text(tidy.to_text(tidy.briefing_rows(doc)), "utf-8")
        with writing(log_path):
            temporary[log_path].write_text(
                json.dumps(log, indent=1, sort_keys=True) + "\n", encoding="utf-8"
            )
        leaks = [
            leak
            for fmt in FORMATS
            for leak in check_file(temporary[targets[fmt]], rules.threshold, log)
        ]
        if leaks:
            raise BriefingError(
                f"{area_slug}/{topic}{suffix}: refused to publish, disclosure check "
                "failed:\n" + "\n".join(str(leak) for leak in leaks)
            )
        private.parent.mkdir(parents=True, exist_ok=True)
        publish_text(private, json.dumps(doc.disclosure, indent=1, sort_keys=True))
        for final, tmp in temporary.items():
            with writing(final):
                tmp.replace(final)
    finally:
        for tmp in temporary.values():
            remove_quietly(tmp)
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
    area_slug: str,
    topic: str,
    config: settings.Settings,
    engine: str | None = None,
    lang: str = "en",
) -> float:
    """Execute and render one briefing in one language; print a progress line; return
    seconds taken. A topic with nothing to publish for this extract is skipped with a
    message, and its outputs from an earlier extract are withdrawn."""
    start = time.perf_counter()
    suffix = document_suffix(area_slug, topic, lang)
    name = f"{area_slug}/{topic}{suffix}"
    record = skip_record(area_slug, f"{topic}{suffix}", config)
    reason = nothing_to_publish(topic, config)
    if reason:
        withdraw(area_slug, f"{topic}{suffix}", config)
        record.parent.mkdir(parents=True, exist_ok=True)
        publish_text(record, reason + "\n")  # written afresh: make compares its date
        print(f"{progress(config)} {name} skipped: {reason}", flush=True)
        return 0.0
    nb = execute(area_slug, topic, config, engine, lang)
    render(nb, area_slug, topic, config, lang)
    remove_quietly(record)  # published: make plans it by its outputs again
    seconds = time.perf_counter() - start
    print(f"{progress(config)} {name} {seconds:.1f} s", flush=True)
    return seconds


def run(
    area_slug: str,
    topic: str,
    config: Callable[[], settings.Settings],
    engine: str | None = None,
    lang: str = "en",
) -> int:
    """Build one briefing as ``fjo build`` does, with the settings ``config`` reads (the
    warm builder's workers call this): an error, in the settings too, is reported in one
    line on stderr; returns the exit code."""
    return reported(lambda: build(area_slug, topic, config(), engine, lang))


def _paths(
    area_slug: str, document: str, config: settings.Settings
) -> tuple[dict[str, Path], Path, Path]:
    """A document's ("infants.cy") published outputs by format, its published disclosure
    log and its private one (which cells, and why)."""
    folder = config.reports_dir / area_slug
    return (
        {fmt: folder / f"{document}.{fmt}" for fmt in FORMATS},
        folder / f"{document}.disclosure.json",
        config.build_dir / "disclosure" / area_slug / f"{document}.json",
    )


def withdraw(area_slug: str, document: str, config: settings.Settings) -> None:
    """Remove a document's published outputs and disclosure logs (built from an earlier
    extract), so a release never mixes extracts."""
    outputs, log, private = _paths(area_slug, document, config)
    for path in [*outputs.values(), log, private]:
        remove_quietly(path)


def skip_record(area_slug: str, document: str, config: settings.Settings) -> Path:
    """Where a briefing with nothing to publish for this extract says why: make plans
    such a briefing by this file instead of its outputs (see the Makefile's SKIPPED)."""
    return config.build_dir / "skipped" / area_slug / document


def unpublished_topics(config: settings.Settings) -> dict[str, str]:
    """Every topic with nothing to publish for this extract, and why."""
    return {t: why for t in topics(config.root) if (why := nothing_to_publish(t, config))}


def nothing_to_publish(topic: str, config: settings.Settings) -> str | None:
    """Why a topic has nothing to publish (the extract has no cases of its law type, e.g. a
    private-law-only extract and the public-law topics), or None."""
    notebook = config.root / "notebooks" / f"{topic}.ipynb"
    stats = config.stats_dir / "manifest.json"
    if not notebook.exists() or not stats.exists():
        return None
    law_type = topic_metadata(config.root, topic).get("law_type")
    present = json.loads(stats.read_text(encoding="utf-8")).get("law_types", [])
    if law_type and law_type not in present:
        return f"the extract has no {law_type}-law cases, so this topic has no figures"
    return None


def progress(config: settings.Settings) -> str:
    """'[n/N]': briefings finished in this make run (``run_id``) of ``briefing_count``.

    One line per finished briefing in ``build/progress/<run>.log``; the logs of earlier
    runs are removed (make holds ``build/make.lock``, so no other run is counting), so
    the folder holds one small file however many runs there have been.
    """
    if not config.run_id:
        return "[1/1]"
    folder = config.build_dir / "progress"
    folder.mkdir(parents=True, exist_ok=True)
    marks = folder / f"{config.run_id}.log"
    with open(marks, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        with open(marks, encoding="utf-8") as counted:
            done = sum(1 for _ in counted)
    for old in folder.iterdir():
        if old != marks:
            with contextlib.suppress(OSError):
                if old.is_dir():
                    shutil.rmtree(old)
                else:
                    old.unlink()
    return f"[{done}/{config.briefing_count or '?'}]"

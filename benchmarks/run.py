"""`make bench`: time the build on this machine and print a table.

Each figure is the median of several runs (the release and the large-data figures, which
take minutes, run once). Results go to ``benchmarks/results.json`` too, so versions can be
compared. The naive pipeline's release figure is its per-document medians, one for a topic
briefing and one for a local profile (a longer document), scaled to the release's
documents of each kind on 2 cores (x documents / 2); the floor's is its per-notebook median
scaled the same way; ours is the whole release measured with ``make -j2``.

Usage: python benchmarks/run.py [--quick]   (--quick: fewer repeats, no 10M-row data)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
from fjo_analysis.imports import notebook_modules  # noqa: E402
from tests.chromium import ARGS as CHROMIUM_ARGS  # noqa: E402  (the tests' flags)

#: The imports of every topic notebook (an empty notebook doing only these is the floor).
FLOOR_IMPORTS = "".join(f"import {m}\n" for m in notebook_modules(ROOT))
CORES = 2
AREA, AREA_CODE, TOPIC = "london", "E12000007", "infants"
#: The naive path's local profile: an authority's (most profiles are), of middling size;
#: a family court area's profile is longer, so the naive figure is on the low side.
PROFILE_CODE = "E06000059"  # Dorset
ROWS_PER_SCALE = 1_550_000  # rows of the default synthetic extract at scale 1.0


def timed(command: list[str], env: dict | None = None, cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        check=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def median_of(runs: int, command: list[str], env: dict | None = None) -> float:
    return statistics.median(timed(command, env) for _ in range(runs))


def peak(command: list[str], env: dict) -> tuple[float, float]:
    """Seconds and peak resident memory (GB) of a command, measured in a fresh process."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(time.perf_counter() - t, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *command],
        check=True,
        text=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **env},
    ).stdout
    seconds, kb = out.split()
    return float(seconds), int(kb) / 1024**2


def floor_per_notebook(work: Path, runs: int) -> float:
    """An empty notebook doing only the topic notebooks' imports, run as ours are."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(FLOOR_IMPORTS)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = work / "floor.ipynb"
    nbformat.write(nb, path)
    code = (
        "import papermill, sys; papermill.execute_notebook(sys.argv[1], sys.argv[2], "
        "kernel_name='python3', progress_bar=False, shutdown_kernel='immediate')"
    )
    return median_of(runs, [sys.executable, "-c", code, str(path), str(work / "floor.out.ipynb")])


def naive_per_document(work: Path, runs: int, notebook: str, code: str) -> float:
    """One document the naive way (``notebooks/<notebook>.ipynb`` for the area ``code``):
    papermill CLI, then nbconvert to HTML, then Chromium's print-to-PDF."""
    out = work / "naive.ipynb"
    html = work / "naive.html"

    def once() -> float:
        start = time.perf_counter()
        for command in (
            [
                str(BIN / "papermill"),
                str(ROOT / "notebooks" / f"{notebook}.ipynb"),
                str(out),
                "-p",
                "area",
                code,
                "-p",
                "stats_dir",
                "build/stats",
                "--no-progress-bar",
                "--cwd",
                str(ROOT),
            ],
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--to",
                "html",
                "--no-input",
                str(out),
                "--output",
                str(html),
            ],
            ["chromium", *CHROMIUM_ARGS, f"--print-to-pdf={work / 'naive.pdf'}", html.as_uri()],
        ):
            subprocess.run(
                command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        return time.perf_counter() - start

    return statistics.median(once() for _ in range(runs))


def make(*args: str, env: dict | None = None) -> float:
    return timed(["make", "-s", *args], env)


#: A document's progress line from make: "[12/315] profiles/E08000025 2.4 s".
PROGRESS = re.compile(r"^\[\d+/\d+\] (\S+) (\d+\.\d) s$", re.M)


def release() -> tuple[float, list[tuple[str, float]]]:
    """Seconds for ``make -j2 reports`` and the five slowest documents it built."""
    start = time.perf_counter()
    out = subprocess.run(
        ["make", "-s", "-j2", "reports"], check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout
    seconds = time.perf_counter() - start
    built = sorted(((name, float(s)) for name, s in PROGRESS.findall(out)), key=lambda d: -d[1])
    return seconds, built[:5]


def data_figures(rows: int, work: Path) -> dict:
    scale = rows / ROWS_PER_SCALE
    extract = work / f"extract_{rows}.parquet"
    env = {"FJO_ROOT": str(work)}
    synth_s, synth_gb = peak(
        [str(BIN / "fjo"), "data", "synth", "--scale", f"{scale:.4f}", "--out", str(extract)], env
    )
    prep_s, prep_gb = peak([str(BIN / "fjo"), "data", "prepare", "--source", str(extract)], env)
    stats_s, stats_gb = peak([str(BIN / "fjo"), "stats"], env)
    actual = json.loads((work / "data" / "processed" / "manifest.json").read_text())["rows"]
    return {
        "rows": actual,
        "synth_s": synth_s,
        "synth_peak_gb": synth_gb,
        "prepare_s": prep_s,
        "prepare_peak_gb": prep_gb,
        "stats_s": stats_s,
        "stats_peak_gb": stats_gb,
    }


def saving_each_cell(work: Path, runs: int) -> dict:
    """One briefing's notebook run by the in-process engine, saving the executed notebook
    after every cell (papermill's default) and once at the end (ours): saves and seconds."""
    from unittest import mock

    import papermill
    from papermill.iorw import write_ipynb

    from fjo_analysis import settings

    config = settings.load()
    parameters = {
        "area": AREA_CODE,
        "area_notes": "",
        "stats_dir": "build/stats",
        "suppress_below": config.suppress_below,
        "round_to": config.round_to,
    }
    found = {}
    for label, each_cell in (("each_cell", True), ("once", False)):
        seconds = []
        for _ in range(runs):
            with mock.patch("papermill.engines.write_ipynb", wraps=write_ipynb) as saves:
                start = time.perf_counter()
                papermill.execute_notebook(
                    str(ROOT / "notebooks" / f"{TOPIC}.ipynb"),
                    str(work / "executed.ipynb"),
                    parameters=parameters,
                    engine_name="fjo-inprocess",
                    kernel_name="python3",
                    progress_bar=False,
                    cwd=str(ROOT),
                    request_save_on_cell_execute=each_cell,
                )
                seconds.append(time.perf_counter() - start)
        found[f"saves_{label}"] = saves.call_count + 1  # and papermill's last write
        found[f"execute_saving_{label}_s"] = statistics.median(seconds)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 2 if args.quick else 5
    os.chdir(ROOT)
    subprocess.run(["make", "-s", "data"], check=True)
    fjo = str(BIN / "fjo")
    results: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results["floor_per_notebook_s"] = floor_per_notebook(work, runs)
        naive_runs = max(2, runs - 2)
        results["naive_per_briefing_s"] = naive_per_document(work, naive_runs, TOPIC, AREA_CODE)
        results["naive_per_profile_s"] = naive_per_document(
            work, naive_runs, "profile", PROFILE_CODE
        )
        build = [str(BIN / "fjo"), "build", "--area", AREA, "--topic", TOPIC]
        results["kernel_per_briefing_s"] = median_of(max(2, runs - 2), build, {"FJO_WARM": "0"})
        timed(build)  # start the warm builder
        results["ours_per_briefing_s"] = median_of(runs, build)

        shutil.rmtree(ROOT / "reports", ignore_errors=True)
        (ROOT / "reports").mkdir()
        subprocess.run(["git", "checkout", "--", "reports/README.md"], cwd=ROOT, check=False)
        results["stats_s"], results["stats_peak_gb"] = peak([fjo, "stats"], {})
        results |= saving_each_cell(work, runs)
        # the whole release (briefings and local profiles in both languages, the methods
        # page, audit and index) from one make; documents are the pages in folders
        results["release_s"], slowest = release()
        documents = len(list((ROOT / "reports").glob("*/*.html")))
        profiles = len(list((ROOT / "reports" / "profiles").glob("*.html")))
        results["documents"] = documents
        results["profiles"] = profiles
        results["per_document_s"] = results["release_s"] / documents
        results["slowest"] = ", ".join(f"{name} {s:.1f} s" for name, s in slowest)
        results["audit_s"] = timed([fjo, "audit", "reports"])
        results["noop_rebuild_s"] = statistics.median(make("reports") for _ in range(runs))
        (ROOT / "params" / f"{AREA}.yaml").touch()
        results["touch_params_rebuild_s"] = make("-j2", "reports")
        if not args.quick:
            (ROOT / "notebooks" / f"{TOPIC}.ipynb").touch()
            results["touch_notebook_rebuild_s"] = make("-j2", "reports")
            shutil.rmtree(ROOT / "reports")
            (ROOT / "reports").mkdir()
            subprocess.run(["git", "checkout", "--", "reports/README.md"], cwd=ROOT, check=False)
            results["kernel_release_s"] = make("-j2", "reports", env={"FJO_WARM": "0"})

        results["naive_release_s"] = (
            results["naive_per_briefing_s"] * (documents - profiles)
            + results["naive_per_profile_s"] * profiles
        ) / CORES
        results["floor_release_s"] = results["floor_per_notebook_s"] * documents / CORES
        results["ratio_vs_naive"] = results["naive_release_s"] / results["release_s"]
        results["ratio_vs_floor"] = results["release_s"] / results["floor_release_s"]

        for label, rows in (("1m", 1_000_000), ("10m", 10_000_000)):
            if args.quick and label == "10m":
                continue
            figures = data_figures(rows, work / label)
            results[f"rows_{label}"] = figures["rows"]
            for step in ("synth", "prepare", "stats"):
                results[f"{step}_{label}_s"] = figures[f"{step}_s"]
                results[f"{step}_{label}_peak_gb"] = figures[f"{step}_peak_gb"]
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    width = max(map(len, results))
    for key, value in results.items():
        shown = (
            f"{value:,.2f}"
            if isinstance(value, float)
            else f"{value:,}"
            if isinstance(value, int)
            else value
        )
        print(f"{key:<{width}}  {shown}")


if __name__ == "__main__":
    main()

"""Robustness: broken extracts, interrupted builds, reproducible and warm builds."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pikepdf
import pytest

from tests.conftest import EPOCH, VERSION, project_copy
from tests.make_helpers import make, make_popen

VENV = Path(sys.prefix)


def _make(root, *args, extract=None, timeout=600):
    return make(root, *args, extract=extract, timeout=timeout)


def _snapshot(folder: Path) -> dict:
    return {
        p.relative_to(folder): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory, suite):
    """A project whose reports/ already holds published briefings."""
    root = project_copy(tmp_path_factory.mktemp("published") / "root")
    shutil.copytree(suite.reports_dir, root / "reports")
    shutil.copytree(suite.processed_dir, root / "data" / "processed")
    return root


def _broken_extracts(rows: pd.DataFrame, folder: Path) -> dict[str, tuple[Path, str]]:
    """Twelve kinds of malformed extract and a phrase each error must contain."""

    def write(name, frame):
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False)
        return path

    closed = int((rows["close_date"] != "").to_numpy().nonzero()[0][0])
    cases = {}
    cases["missing column"] = (
        write("missing", rows.drop(columns="sex")),
        "column sex: expected this column to be present",
    )
    cases["placeholder ID"] = (  # (an extra column is dropped with a warning, not refused)
        write("placeholder", rows.assign(mother_id="NULL")),
        "column mother_id: expected a pseudonymised ID",
    )
    bad = rows.copy()
    bad.loc[2, "issue_date"] = "2019-02-30"
    cases["unparseable date"] = (write("date", bad), "row 3, column issue_date")
    bad = rows.copy()
    bad.loc[2, "child_birth_date"] = "2091-01-01"
    cases["future date"] = (write("future", bad), "row 3, column child_birth_date")
    bad = rows.copy()
    bad.loc[closed, "close_date"] = "2001-01-01"
    cases["closed before issued"] = (write("order", bad), "close_date on or after issue_date")
    bad = rows.copy()
    bad.loc[4, "local_authority_code"] = "E99999999"
    cases["unknown local authority"] = (write("la", bad), "a known local-authority GSS code")
    bad = rows.copy()
    bad.loc[4, "final_order"] = "adoption"
    cases["unknown category"] = (write("category", bad), "row 5, column final_order")
    cases["duplicate child"] = (
        write("duplicate", pd.concat([rows, rows.iloc[[0]]])),
        "a (case_id, child_id) pair not seen before",
    )
    bad = rows.copy()
    bad.loc[1, "first_hearing_notice_days"] = "soon"
    cases["wrong type"] = (write("type", bad), "expected a whole number of days")
    empty = folder / "empty.csv"
    empty.write_bytes(b"")
    cases["empty file"] = (empty, "expected a non-empty file")
    cases["header only"] = (write("header", rows.head(0)), "expected at least one data row")
    latin = folder / "latin.csv"
    bad = rows.copy()
    bad.loc[1, "case_id"] = "Zoë"
    bad.to_csv(latin, index=False, encoding="latin-1")
    cases["wrong encoding"] = (latin, "expected UTF-8 text")
    parquet = folder / "broken.parquet"
    parquet.write_bytes(b"PAR1 not really")
    cases["corrupt parquet"] = (parquet, "expected a readable Parquet file")
    return cases


def test_broken_extracts_stop_the_build_and_leave_reports_untouched(
    published, tmp_path, small_extract_csv
):
    rows = pd.read_csv(small_extract_csv, dtype=str, keep_default_na=False).head(200)
    before = _snapshot(published / "reports")
    processed = _snapshot(published / "data" / "processed")
    cases = _broken_extracts(rows, tmp_path)
    assert len(cases) >= 12
    for kind, (path, phrase) in cases.items():
        result = _make(published, "reports", extract=path)
        assert result.returncode != 0, kind
        assert phrase in result.stderr, (kind, result.stderr[-2000:])
        assert str(path) in result.stderr, kind  # the error names the file
    assert _snapshot(published / "reports") == before
    assert _snapshot(published / "data" / "processed") == processed


def test_interrupted_build_leaves_no_partial_file(tmp_path, project, small_extract_csv):
    root = project_copy(tmp_path / "root")
    shutil.copytree(project.processed_dir, root / "data" / "processed")
    make = make_popen(
        root,
        "-j2",
        "reports",
        env={"FJO_EXTRACT": str(small_extract_csv)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(root.glob("reports/*/*.html"))) < 2:
        time.sleep(0.2)
    os.killpg(make.pid, signal.SIGTERM)  # as when a build is cancelled
    make.wait(timeout=60)
    time.sleep(3)  # let any child being stopped remove its files
    reports = root / "reports"
    assert not [p for p in reports.rglob("*") if ".tmp" in p.name or p.name.startswith(".")]
    for page in reports.glob("*/*.html"):
        assert page.read_text().rstrip().endswith("</html>")
        pdf, xlsx = page.with_suffix(".pdf"), page.with_suffix(".xlsx")
        assert pdf.exists() and xlsx.exists(), page
        with pikepdf.open(pdf) as doc:
            assert len(doc.pages) >= 2


def _copy_with_statistics(tmp_path: Path, built) -> Path:
    """A project copy with ``built``'s processed data and statistics store."""
    root = project_copy(tmp_path / "root")
    shutil.copytree(built.processed_dir, root / "data" / "processed")
    shutil.copytree(built.stats_dir, root / "build" / "stats")
    return root


def test_warm_and_kernel_builds_are_byte_identical(tmp_path, suite):
    """The warm builder (in-process, in a worker) gives exactly the kernel path's
    outputs, whatever the same worker built before (a Welsh briefing, then English
    ones)."""
    root = _copy_with_statistics(tmp_path, suite)
    env = {
        **os.environ,
        "FJO_ROOT": str(root),
        "SOURCE_DATE_EPOCH": EPOCH,
        "FJO_CODE_VERSION": VERSION,  # as the suite was built
        "FJO_WARM": "1",
    }
    built = (("wales", "infants", "cy"), ("london", "recurrence", "en"), ("wales", "infants", "en"))
    for area, topic, lang in built:
        result = subprocess.run(
            [str(VENV / "bin" / "fjo"), "build", "--area", area, "--topic", topic, "--lang", lang],
            capture_output=True,
            text=True,
            env=env,
            cwd=root,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        assert f"{area}/{topic}" in result.stdout
        for suffix in ("html", "pdf", "xlsx"):
            name = f"{topic}.{suffix}" if lang == "en" else f"{topic}.{lang}.{suffix}"
            warm = (root / "reports" / area / name).read_bytes()
            cold = (suite.reports_dir / area / name).read_bytes()
            assert warm == cold, (area, name)


def test_a_warm_worker_lets_go_of_the_clients_output(tmp_path, project):
    """After a build, the worker (which lives on) holds none of the client's output: a
    pipe from the client ends when the client does (make, or `make | tee`, waits for
    that end)."""
    root = _copy_with_statistics(tmp_path, project)
    env = {**os.environ, "FJO_ROOT": str(root), "FJO_WARM": "1"}
    for _ in range(2):  # the first starts the server; the second finds its worker idle
        read, write = os.pipe()
        client = subprocess.Popen(
            [str(VENV / "bin" / "fjo"), "build", "--area", "wales", "--topic", "infants"],
            stdout=write,
            stderr=write,
            env=env,
            cwd=root,
        )
        os.close(write)
        assert client.wait(timeout=300) == 0
        os.set_blocking(read, False)
        said = b""
        while chunk := os.read(read, 1 << 16):  # BlockingIOError: someone still holds it
            said += chunk
        os.close(read)
        assert b"wales/infants" in said


def test_warm_build_reports_a_failing_notebook(tmp_path, project):
    root = _copy_with_statistics(tmp_path, project)
    notebook = root / "notebooks" / "outcomes.ipynb"
    notebook.write_text(notebook.read_text().replace("b.figures(", "b.figurez(", 1))
    env = {**os.environ, "FJO_ROOT": str(root), "FJO_WARM": "1"}
    result = subprocess.run(
        [str(VENV / "bin" / "fjo"), "build", "--area", "wales", "--topic", "outcomes"],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=300,
    )
    assert result.returncode == 1
    assert "wales/outcomes: cell" in result.stderr and "AttributeError" in result.stderr
    assert not (root / "reports" / "wales").exists() or not list(
        (root / "reports" / "wales").iterdir()
    )

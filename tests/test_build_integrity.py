"""Build integrity: which extract and settings make uses, checked processed data, and
never losing or mixing a published output (issue 10, section 4).

The real builds here use a one-area, one-topic project and a small extract whose path
contains spaces, so each make takes a few seconds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pikepdf
import pytest

from fjo_analysis import build, check, files, settings, stamps
from fjo_analysis.data.synth import synthesise, write
from fjo_analysis.warm import socket_path
from tests.make_helpers import REAL_FJO, make, make_popen, mini_project

AREA, TOPIC = "wales", "outcomes"
OUTPUTS = ("html", "pdf", "xlsx", "disclosure.json")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _published(root: Path) -> dict[str, str]:
    """Every file under reports/ (hidden ones too) by its SHA-256."""
    return {
        str(p.relative_to(root / "reports")): _sha(p)
        for p in sorted((root / "reports").rglob("*"))
        if p.is_file()
    }


def _outputs(root: Path) -> dict[str, Path]:
    return {fmt: root / "reports" / AREA / f"{TOPIC}.{fmt}" for fmt in OUTPUTS}


def _hidden(root: Path) -> list[Path]:
    return [p for p in (root / "reports").rglob(".*") if p.is_file()]


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> dict[str, Path]:
    """Two different valid extracts, in a folder whose name contains spaces."""
    folder = tmp_path_factory.mktemp("extracts") / "secure share" / "court data"
    folder.mkdir(parents=True)
    paths = {}
    for name, seed in (("a", 11), ("b", 12)):
        paths[name] = folder / f"extract {name}.csv"
        write(synthesise(seed=seed, start_year=2016, end_year=2019, scale=0.01), paths[name])
    return paths


@pytest.fixture(scope="module")
def built(tmp_path_factory, extracts) -> Path:
    """A mini project built by make from extract a (both paths with spaces)."""
    root = mini_project(tmp_path_factory.mktemp("built") / "court briefings")
    result = make(root, "reports", extract=extracts["a"])
    assert result.returncode == 0, result.stderr
    assert all(p.exists() for p in _outputs(root).values())
    return root


@pytest.fixture
def copy(built, tmp_path) -> Path:
    """A copy of the built project (same dates), to change freely."""
    root = tmp_path / "court briefings"
    shutil.copytree(built, root, symlinks=True)
    return root


# ------------------------------------------------------------------ which extract


def test_paths_with_spaces_build_and_a_second_make_does_nothing(built, extracts):
    manifest = json.loads((built / "data" / "processed" / "manifest.json").read_text())
    assert manifest["source_sha256"] == _sha(extracts["a"])
    assert make(built, "-q", "reports", extract=extracts["a"]).returncode == 0


def test_a_different_extract_with_an_older_date_rebuilds(copy, extracts, tmp_path):
    path = tmp_path / "new share" / "extract a.csv"  # same name, different folder and data
    path.parent.mkdir()
    shutil.copy(extracts["b"], path)
    os.utime(path, (946684800, 946684800))  # 1 January 2000: older than everything built
    before = _sha(_outputs(copy)["html"])
    assert make(copy, "-q", "reports", extract=path).returncode != 0
    result = make(copy, "reports", extract=path)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((copy / "data" / "processed" / "manifest.json").read_text())
    assert manifest["source_sha256"] == _sha(extracts["b"])
    assert _sha(_outputs(copy)["html"]) != before
    assert make(copy, "-q", "reports", extract=path).returncode == 0
    # The same path, now holding other content with an older date: rebuilt again.
    shutil.copy(extracts["a"], path)
    os.utime(path, (946684800, 946684800))
    assert make(copy, "-q", "reports", extract=path).returncode != 0


def test_a_missing_extract_is_an_error_naming_the_variable_and_path(copy, tmp_path):
    before = _published(copy)
    missing = tmp_path / "no such dir" / "extract.csv"
    result = make(copy, "reports", extract=missing)
    assert result.returncode != 0
    assert "FJO_EXTRACT" in result.stderr and str(missing) in result.stderr
    assert "Traceback" not in result.stderr
    assert _published(copy) == before


# ------------------------------------------------------------------------ settings


@pytest.mark.parametrize(
    "name,value,phrase",
    [
        ("FJO_SUPPRESS_BELOW", "4", "FJO_SUPPRESS_BELOW=4: refused, the threshold must be"),
        ("FJO_SUPPRESS_BELOW", "ten", "FJO_SUPPRESS_BELOW='ten': expected a whole number"),
        ("FJO_SUPPRESS_BELOW", "7.5", "FJO_SUPPRESS_BELOW='7.5': expected a whole number"),
        ("FJO_ROUND_TO", "-5", "FJO_ROUND_TO=-5: refused"),
        ("FJO_ROUND_TO", "five", "FJO_ROUND_TO='five': expected a whole number"),
        ("SOURCE_DATE_EPOCH", "yesterday", "SOURCE_DATE_EPOCH='yesterday': expected a whole"),
        ("SOURCE_DATE_EPOCH", "-5", "SOURCE_DATE_EPOCH=-5: refused"),
        ("FJO_WARM", "yes", "FJO_WARM='yes': expected 1"),
        ("FJO_BRIEFING_COUNT", "many", "FJO_BRIEFING_COUNT='many': expected a whole number"),
    ],
)
def test_bad_settings_are_refused_naming_the_variable(monkeypatch, name, value, phrase):
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.SettingsError) as err:
        settings.load()
    assert phrase in str(err.value)


def test_good_settings_are_read(monkeypatch):
    monkeypatch.setenv("FJO_SUPPRESS_BELOW", " 5 ")
    monkeypatch.setenv("FJO_ROUND_TO", "5")
    config = settings.load()
    assert (config.suppress_below, config.round_to) == (5, 5)


def test_make_refuses_a_bad_setting_before_building(copy, extracts):
    before = _published(copy)
    result = make(copy, "reports", extract=extracts["a"], env={"FJO_SUPPRESS_BELOW": "3"})
    assert result.returncode != 0
    assert "FJO_SUPPRESS_BELOW=3" in result.stderr
    assert not re.search(r"^\[\d+/\d+\] ", result.stdout, re.M)  # no document was built
    assert _published(copy) == before


def test_changing_the_threshold_rebuilds_and_the_outputs_say_so(copy, extracts):
    env = {"FJO_SUPPRESS_BELOW": "11"}
    result = make(copy, "reports", extract=extracts["a"], env=env)
    assert result.returncode == 0, result.stderr
    log = json.loads(_outputs(copy)["disclosure.json"].read_text())
    assert log["rules"]["threshold"] == 11
    assert make(copy, "-q", "reports", extract=extracts["a"], env=env).returncode == 0
    # Back to the default: the settings stamp changes again, so everything is rebuilt.
    assert make(copy, "-q", "reports", extract=extracts["a"]).returncode != 0


# ------------------------------------------------------------------ processed data


@pytest.mark.parametrize("fault", ["deleted", "corrupted", "half-replaced"])
def test_a_damaged_processed_file_is_detected_and_rebuilt(copy, extracts, fault, tmp_path):
    processed = copy / "data" / "processed"
    cases = processed / "cases.parquet"
    good = _sha(cases)
    if fault == "deleted":
        cases.unlink()
    elif fault == "corrupted":
        with open(cases, "r+b") as handle:
            handle.seek(100)
            handle.write(b"\0" * 64)
    else:  # new cases renamed in, but the manifest never followed (a killed prepare)
        other = tmp_path / "other"
        from fjo_analysis.data.prepare import prepare

        prepare(extracts["b"], other, synthetic=False)
        os.replace(other / "cases.parquet", cases)
    assert stamps.manifest_problem(processed / "manifest.json") is not None
    planned = make(copy, "-n", "reports", extract=extracts["a"])  # removes the manifest
    assert "fjo data prepare" in planned.stdout and "fjo stats" in planned.stdout
    result = make(copy, "data", extract=extracts["a"])
    assert result.returncode == 0, result.stderr
    assert "cases.parquet" in planned.stderr and "will be rebuilt" in planned.stderr
    assert "fjo data prepare" in result.stdout
    assert stamps.manifest_problem(processed / "manifest.json") is None
    assert _sha(cases) == good  # rebuilt from the same extract: the same file


def test_processed_manifest_records_the_sha256_of_its_files(built):
    manifest = json.loads((built / "data" / "processed" / "manifest.json").read_text())
    cases = built / "data" / "processed" / "cases.parquet"
    assert manifest["files"] == {"cases.parquet": _sha(cases)}


# -------------------------------------------------------- never lose a good output


def test_a_failing_briefing_keeps_the_last_good_outputs(copy, extracts):
    before = {fmt: _sha(p) for fmt, p in _outputs(copy).items()}
    index = _sha(copy / "reports" / "index.html")
    notebook = copy / "notebooks" / f"{TOPIC}.ipynb"
    broken = nbformat.read(notebook, as_version=4)
    broken.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('planted failure')"))
    nbformat.write(broken, notebook)
    result = make(copy, "reports", extract=extracts["a"])
    assert result.returncode != 0
    assert "planted failure" in result.stderr
    assert {fmt: _sha(p) for fmt, p in _outputs(copy).items()} == before  # all four kept
    assert _sha(copy / "reports" / "index.html") == index
    assert not _hidden(copy)
    # Still out of date, so the next make tries again.
    assert make(copy, "-q", "reports", extract=extracts["a"]).returncode != 0


def test_a_refused_audit_writes_no_index(copy, extracts):
    index = copy / "reports" / "index.html"
    before = _sha(index)
    os.utime(index, (946684800, 946684800))  # older than the briefings: to be rewritten
    # a workbook whose count is not a count of the statistics store: the audit refuses it
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Children (number)"])
    book.active.append([123457])
    book.save(copy / "reports" / "wales" / "planted.xlsx")
    result = make(copy, "reports", extract=extracts["a"])
    assert result.returncode != 0
    assert "the release is refused" in result.stderr and "123457" in result.stderr
    assert "fjo index" not in result.stdout and _sha(index) == before


def test_two_makes_at_once_wait_for_each_other(copy, extracts, tmp_path):
    for path in _outputs(copy).values():  # one briefing to rebuild
        os.utime(path, (946684800, 946684800))
    env = {"FJO_EXTRACT": str(extracts["a"])}
    logs = [tmp_path / f"make{i}.err" for i in range(2)]
    runs = []
    for log in logs:
        with open(log, "w") as err:
            runs.append(
                make_popen(copy, "-j2", "reports", env=env, stdout=subprocess.PIPE, stderr=err)
            )
        time.sleep(0.3)
    outs = [run.communicate(timeout=300)[0].decode() for run in runs]
    errs = [log.read_text() for log in logs]
    assert [run.returncode for run in runs] == [0, 0], errs
    # one of them (normally the second) found the lock held and waited for the other
    assert sum("waiting for it" in err for err in errs) == 1, errs
    assert sum(f"{AREA}/{TOPIC}" in out for out in outs) == 1  # built once, not twice
    assert not _hidden(copy)
    assert not check.check([copy / "reports"], 10)
    assert _outputs(copy)["html"].read_text().rstrip().endswith("</html>")


def _warm_server_pids(root: Path) -> list[int]:
    """The warm builder serving this project (found by its socket path)."""
    sock = str(socket_path(settings.Settings(root, None, 10, 0)))
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if sock.encode() in cmdline:
                pids.append(int(proc.name))
    return pids


def test_a_killed_warm_builder_leaves_nothing_read_as_published(copy, extracts):
    env = {
        **os.environ,
        "FJO_ROOT": str(copy),
        "FJO_EXTRACT": str(extracts["a"]),
        "FJO_WARM": "1",
    }
    command = [str(REAL_FJO), "build", "--area", AREA, "--topic", TOPIC]
    sock = socket_path(settings.Settings(copy, None, 10, 0))
    for delay in (0.3, 1.2, 2.0, 2.4):  # into the build: executing, rendering, publishing
        client = subprocess.Popen(command, env=env, cwd=copy, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(delay)
        for pid in _warm_server_pids(copy):  # the server and its forked workers
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        client.wait(timeout=60)
        sock.unlink(missing_ok=True)  # left by the killed server: wait for the next one
        published = check.outputs([copy / "reports"])
        assert not [p for p in published if p.name.startswith(".")]
        # What is published is a whole briefing: old or new, never half of one.
        assert _outputs(copy)["html"].read_text().rstrip().endswith("</html>")
        with pikepdf.open(_outputs(copy)["pdf"]) as pdf:
            assert len(pdf.pages) >= 1
    # A temporary left mid-write by a killed builder (a pid that no longer runs) ...
    planted = copy / "reports" / AREA / f".{TOPIC}.999999999.deadbeef.tmp.html"
    planted.write_text("<html><body><table><tr><th>Children (number)</th></tr><tr><td>3")
    assert planted not in check.outputs([copy / "reports"])
    result = subprocess.run(
        [str(REAL_FJO), "check", "reports"], env=env, cwd=copy, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # ... is swept by the next build, which publishes the same briefing as before.
    result = subprocess.run(command, env=env, cwd=copy, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not _hidden(copy)
    assert not check.check([copy / "reports"], 10)


def _mount_tmpfs(path: Path, options: str) -> None:
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a test file system here: {result.stderr.decode().strip()}")


@pytest.mark.parametrize(
    "options,reason", [("ro", "read-only file system"), ("size=16k", "no space left")]
)
def test_a_read_only_or_full_disk_gives_one_line_naming_the_path(copy, extracts, options, reason):
    folder = copy / "reports" / AREA
    _mount_tmpfs(folder, options)
    try:
        env = {
            **os.environ,
            "FJO_ROOT": str(copy),
            "FJO_EXTRACT": str(extracts["a"]),
            "FJO_WARM": "1",
        }
        result = subprocess.run(
            [str(REAL_FJO), "build", "--area", AREA, "--topic", TOPIC],
            env=env,
            cwd=copy,
            capture_output=True,
            text=True,
            timeout=300,
        )
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1
        assert len(lines) == 1, result.stderr
        assert str(folder / TOPIC) in lines[0] and reason in lines[0], lines[0]
        assert "Traceback" not in result.stderr
        assert not _hidden(copy)
    finally:
        subprocess.run(["umount", str(folder)], check=True)
    assert all(p.exists() for p in _outputs(copy).values())  # the last good ones, untouched


def test_index_write_on_a_read_only_disk_is_one_line(copy, extracts):
    folder = copy / "reports"
    _mount_tmpfs(folder, "ro")
    try:
        env = {**os.environ, "FJO_ROOT": str(copy), "FJO_EXTRACT": str(extracts["a"])}
        result = subprocess.run(
            [str(REAL_FJO), "index"], env=env, cwd=copy, capture_output=True, text=True
        )
        assert result.returncode == 1
        assert result.stderr.strip() == (
            f"fjo: cannot write {folder / 'index.html'}: read-only file system"
        )
    finally:
        subprocess.run(["umount", str(folder)], check=True)


# -------------------------------------------------------------------------- progress


def test_progress_keeps_only_the_current_run(tmp_path):
    (tmp_path / "build" / "progress" / "an-old-run").mkdir(parents=True)
    for run in ("1", "2"):
        config = settings.Settings(tmp_path, None, run_id=run, briefing_count=3)
        assert build.progress(config) == "[1/3]"
        assert build.progress(config) == "[2/3]"
    assert sorted(p.name for p in (tmp_path / "build" / "progress").iterdir()) == ["2.log"]


def test_temporary_names_are_unique_hidden_and_keep_the_format(tmp_path):
    final = tmp_path / "infants.pdf"
    names = {files.staged(final).name for _ in range(100)}
    assert len(names) == 100
    assert all(n.startswith(".infants.") and n.endswith(".tmp.pdf") for n in names)
    assert str(os.getpid()) in next(iter(names))


def test_the_statistics_manifest_is_checked_when_it_lists_its_files(copy, extracts):
    stats = copy / "build" / "stats"
    table = stats / "figures.parquet"
    table.write_bytes(b"protected figures")
    dated = (stats / "manifest.json").stat().st_mtime
    (stats / "manifest.json").write_text(json.dumps({"files": {"figures.parquet": _sha(table)}}))
    os.utime(stats / "manifest.json", (dated, dated))
    assert make(copy, "-q", "reports", extract=extracts["a"]).returncode == 0
    table.write_bytes(b"changed figures")
    result = make(copy, "-n", "reports", extract=extracts["a"])
    assert "figures.parquet does not match" in result.stderr
    planned = [line.split()[1:2] for line in result.stdout.splitlines() if "/fjo " in line]
    assert ["stats"] in planned, result.stdout
    # A statistics manifest that lists no files has nothing to check.
    (stats / "manifest.json").write_text("{}\n")
    assert "does not" not in make(copy, "-n", "reports", extract=extracts["a"]).stderr


def test_sweeping_keeps_a_running_builders_temporaries_and_removes_a_dead_ones(tmp_path):
    """Builders share a folder (make -j2): one's sweep must never remove another's file."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        alive = tmp_path / f".outcomes.{child.pid}.0123abcd.tmp.html"
        dead = tmp_path / ".infants.999999999.0123abcd.tmp.pdf"
        mine = files.staged(tmp_path / "timeliness.csv")
        for path in (alive, dead, mine):
            path.write_text("x")
        files.sweep_temporaries(tmp_path)
        assert alive.exists() and mine.exists() and not dead.exists()
    finally:
        child.kill()
        child.wait()
    files.sweep_temporaries(tmp_path)
    assert not alive.exists() and mine.exists()

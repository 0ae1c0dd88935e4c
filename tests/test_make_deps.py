"""Make rebuilds a briefing for what it uses. The generator is not code a briefing runs,
and the synthetic extract is known by content: touching or commenting synth.py rebuilds
nothing; a change in what it generates rebuilds everything after it, in the same make."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.make_helpers import REAL_FJO, make, mini_project

TARGET = "reports/wales/infants.html"
SMALL = ["--scale", "0.02", "--start-year", "2016", "--end-year", "2019"]


def _steps(result) -> list[str]:
    return [
        line.split()[1] + (" " + line.split()[2] if line.split()[1] == "data" else "")
        for line in result.stdout.splitlines()
        if line.split() and line.split()[0].endswith("/fjo")
    ]


@pytest.mark.slow
def test_the_synthetic_extract_is_known_by_content(tmp_path):
    root = mini_project(tmp_path / "root", areas=("wales",), topics=("infants",))
    env = {"FJO_ROOT": str(root)}
    out = "data/raw/synthetic_extract.parquet"
    subprocess.run([str(REAL_FJO), "data", "synth", *SMALL, "--out", out], cwd=root, check=True)
    first = make(root, TARGET, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert make(root, "-q", TARGET).returncode == 0
    # Touched: nothing to do, and make -n plans nothing.
    assert make(root, "-q", "-W", "fjo_analysis/data/synth.py", TARGET).returncode == 0
    # Its code changed but not what it generates: made again, left as it was, no rebuild.
    record_path = root / "build" / "stamps" / "synthetic.json"
    record = json.loads(record_path.read_text())
    assert record["args"]["scale"] == 0.02
    record_path.write_text(json.dumps({**record, "generator": "an older generator"}))
    dated = (root / out).stat().st_mtime_ns
    planned = make(root, "-n", TARGET)
    assert "extract made again, unchanged" in planned.stderr, planned.stderr
    assert _steps(planned) == [] and " --area " not in planned.stdout  # no document
    assert (root / out).stat().st_mtime_ns == dated
    assert make(root, "-q", TARGET).returncode == 0
    # What it generates changed (here: as if made with another seed): the extract is
    # replaced and everything after it is rebuilt in the same make.
    record = json.loads(record_path.read_text())
    record_path.write_text(
        json.dumps({"generator": "older", "args": {**record["args"], "seed": 8}})
    )
    rebuilt = make(root, TARGET)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "its content changed" in rebuilt.stderr
    assert _steps(rebuilt) == ["data prepare", "stats"], rebuilt.stdout
    assert "] wales/infants " in rebuilt.stdout  # the briefing's progress line: rebuilt
    assert make(root, "-q", TARGET).returncode == 0


def test_a_module_no_briefing_imports_rebuilds_no_briefing(tmp_path):
    root = mini_project(tmp_path / "root", areas=("wales",), topics=("infants",))
    listed = make(root, "-n", "-p", TARGET)
    rule = next(line for line in listed.stdout.splitlines() if line.startswith(TARGET))
    assert "fjo_analysis/charts.py" in rule and "fjo_analysis/report.py" in rule
    assert "fjo_analysis/data/synth.py" not in rule and "fjo_analysis/cli.py" not in rule

"""The in-process papermill engine, tested without a kernel (as papermill's own
tests/test_engines.py tests its engines): found through its entry point, records outputs
as a kernel would, stops at the first error, runs where papermill says, saves once."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from unittest import mock

import nbformat
import papermill
import pytest
from papermill.engines import papermill_engines
from papermill.exceptions import PapermillExecutionError

from fjo_analysis import engine

ENGINE = "fjo-inprocess"


def notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_markdown_cell("# A notebook")]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nb.cells[1].metadata["tags"] = ["parameters"]
    return nb


def test_papermill_finds_the_engine_by_its_entry_point_in_a_fresh_process():
    (point,) = [e for e in entry_points(group="papermill.engine") if e.name == ENGINE]
    assert point.value == "fjo_analysis.engine:InProcessEngine"
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "from papermill.engines import papermill_engines as e; "
            f"print(e.get_engine({ENGINE!r}).__module__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "fjo_analysis.engine"
    assert papermill_engines.get_engine(ENGINE) is engine.InProcessEngine


def test_cells_run_in_order_through_the_manager():
    nb = notebook("x = 1", "y = x + 1", "y * 10")
    nb_man = mock.MagicMock(nb=nb)
    engine.InProcessEngine.execute_managed_notebook(nb_man, "python3")
    calls = [(c[0], c.args[1]) for c in nb_man.method_calls]
    assert calls == [
        ("cell_start", 1),
        ("cell_complete", 1),
        ("cell_start", 2),
        ("cell_complete", 2),
        ("cell_start", 3),
        ("cell_complete", 3),
    ]
    (result,) = nb.cells[3].outputs
    assert result.output_type == "execute_result" and result.data["text/plain"] == "20"


def test_an_error_is_recorded_and_stops_the_notebook():
    nb = notebook("a = 1", "raise KeyError('missing column')", "never = True")
    nb_man = mock.MagicMock(nb=nb)
    engine.InProcessEngine.execute_managed_notebook(nb_man, "python3")
    names = [c[0] for c in nb_man.method_calls]
    assert names == ["cell_start", "cell_complete", "cell_start", "cell_exception", "cell_complete"]
    (error,) = nb.cells[2].outputs
    assert (error.output_type, error.ename) == ("error", "KeyError")
    assert "missing column" in error.evalue
    assert nb.cells[3].outputs == [] and nb.cells[3].execution_count is None


def test_outputs_are_recorded_as_a_kernel_records_them(tmp_path):
    source = tmp_path / "in.ipynb"
    nbformat.write(
        notebook(
            "greeting = 'hello'",
            "import sys\nprint(greeting)\nprint('careful', file=sys.stderr)",
            "from IPython.display import publish_display_data\n"
            "publish_display_data({'text/plain': 'part'}, metadata={'fjo': {'kind': 'x'}})",
            "import os\nos.getcwd()",
        ),
        source,
    )
    out = papermill.execute_notebook(
        str(source),
        str(tmp_path / "out.ipynb"),
        parameters={"greeting": "bonjour"},
        engine_name=ENGINE,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
        request_save_on_cell_execute=False,
    )
    cells = [c for c in out.cells if c.cell_type == "code"]
    assert "injected-parameters" in cells[1].metadata["tags"]
    streams = {o.name: o.text for o in cells[2].outputs}
    assert streams == {"stdout": "bonjour\n", "stderr": "careful\n"}
    (shown,) = cells[3].outputs
    assert shown.output_type == "display_data" and shown.metadata == {"fjo": {"kind": "x"}}
    (cwd,) = cells[4].outputs
    assert cwd.data["text/plain"] == repr(str(tmp_path))  # papermill changes directory
    assert nbformat.read(tmp_path / "out.ipynb", 4).cells == out.cells  # the one save


def run(folder, nb):
    """Run ``nb`` as fjo build does: with this engine, saved once."""
    nbformat.write(nb, folder / "in.ipynb")
    return papermill.execute_notebook(
        str(folder / "in.ipynb"),
        str(folder / "out.ipynb"),
        engine_name=ENGINE,
        kernel_name="python3",
        progress_bar=False,
        request_save_on_cell_execute=False,
    )


def test_the_notebook_is_saved_once_not_after_every_cell(tmp_path):
    with mock.patch("papermill.engines.write_ipynb") as per_cell:
        run(tmp_path, notebook("a = 1", *[f"b{i} = {i}" for i in range(10)]))
    assert per_cell.call_count == 0
    assert (tmp_path / "out.ipynb").exists()  # written once, by papermill, at the end


def test_papermill_reports_the_failing_cell(tmp_path):
    with pytest.raises(PapermillExecutionError) as err:
        run(tmp_path, notebook("a = 1", "1 / 0"))
    assert err.value.ename == "ZeroDivisionError"
    saved = nbformat.read(tmp_path / "out.ipynb", 4)  # kept for debugging
    assert any(
        o.get("ename") == "ZeroDivisionError" for c in saved.cells for o in c.get("outputs", [])
    )

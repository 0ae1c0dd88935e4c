"""A papermill engine that runs a notebook's cells in this Python process.

Used by the warm builder (``fjo_analysis.warm``): a worker forked from a process that has
already imported the analysis stack runs notebooks here instead of starting a kernel.
Papermill finds it by name, ``fjo-inprocess``, through this package's ``papermill.engine``
entry point (pyproject.toml); papermill itself runs it in the notebook's ``cwd``.
Outputs are recorded as a kernel would record them (streams, display data with their
metadata, results and errors), so the executed notebook and everything rendered from it
are the same as with the standard kernel engine.
"""

from __future__ import annotations

import functools
import traceback

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config


class _RecordingDisplayHook(DisplayHook):
    """Keeps a cell's result (its last bare expression) instead of printing ``Out[n]``."""

    def __init__(self, shell):
        super().__init__(shell=shell)
        self.results: list[tuple[dict, dict]] = []

    def __call__(self, result=None):
        if result is not None:
            self.results.append(self.shell.display_formatter.format(result))


#: The shell's names, and those it hides, as it was made (:func:`fresh_shell` restores
#: them).
_FIRST_NAMES: dict = {}
_FIRST_HIDDEN: dict = {}


def shell() -> InteractiveShell:
    """The process's IPython shell, recording results for notebook outputs.

    History is off: forked workers would otherwise share one history database.
    Tracebacks are not printed: the error is recorded as the cell's error output.
    """
    config = Config()
    config.HistoryManager.enabled = False
    ip = InteractiveShell.instance(config=config)
    if not isinstance(ip.displayhook, _RecordingDisplayHook):
        ip.displayhook = _RecordingDisplayHook(ip)
        ip.display_trap.hook = ip.displayhook
        # A kernel sends an error as an "error" output only (ipykernel overrides this too);
        # the terminal shell would also print the traceback into the cell's stdout.
        ip._showtraceback = lambda etype, evalue, stb: None
        _FIRST_NAMES.update(ip.user_ns)
        _FIRST_HIDDEN.update(ip.user_ns_hidden)
    return ip


def fresh_shell() -> None:
    """Return the shell to the state it was made in: its first names (and hidden names)
    only, no history (``In``, ``_i``...), no ``__future__`` flags from earlier cells, the
    count at 1. A warm builder's worker runs many notebooks in it, and each must find it
    as the first did."""
    ip = shell()
    history = ip.history_manager
    history.input_hist_parsed[:] = [""]
    history.input_hist_raw[:] = [""]
    history.output_hist.clear()
    history._i = history._ii = history._iii = history._i00 = ""
    ip.compile.reset_compiler_flags()
    ip.user_ns.clear()
    ip.user_ns.update(_FIRST_NAMES)
    ip.user_ns_hidden.clear()
    ip.user_ns_hidden.update(_FIRST_HIDDEN)
    ip.execution_count = 1


def run_cell(ip: InteractiveShell, cell) -> bool:
    """Execute one code cell, filling its outputs; True if it raised."""
    ip.displayhook.results.clear()
    with capture_output() as captured:
        result = ip.run_cell(cell.source, store_history=True)
    outputs = [
        _output("stream", name=name, text=text)
        for name, text in (("stdout", captured.stdout), ("stderr", captured.stderr))
        if text
    ]
    outputs += [
        _output("display_data", data=rich.data, metadata=rich.metadata or {})
        for rich in captured.outputs
    ]
    outputs += [
        _output(
            "execute_result",
            data=data,
            metadata=metadata,
            execution_count=result.execution_count,
        )
        for data, metadata in ip.displayhook.results
    ]
    error = result.error_before_exec or result.error_in_exec
    if error is not None:
        outputs.append(
            _output(
                "error",
                ename=type(error).__name__,
                evalue=str(error),
                traceback=traceback.format_exception(error),
            )
        )
    cell.outputs = outputs
    cell.execution_count = result.execution_count
    return error is not None


def _output(output_type: str, **fields) -> nbformat.NotebookNode:
    """A cell output as ``nbformat.v4.new_output`` makes it, without validating each one
    (about 10 ms a briefing): the whole notebook is validated once, when it is saved."""
    return nbformat.from_dict({"output_type": output_type, **fields})


def run_cells(nb_man) -> None:
    """Execute a notebook's code cells in order, recording each with papermill's manager;
    stop at the first error, as nbclient does."""
    ip = shell()
    for index, cell in enumerate(nb_man.nb.cells):
        if cell.cell_type != "code":
            continue
        nb_man.cell_start(cell, index)
        failed = run_cell(ip, cell)
        if failed:
            nb_man.cell_exception(cell, index)
        nb_man.cell_complete(cell, index)
        if failed:
            break


@functools.cache
def _engine_class() -> type:
    from papermill.engines import Engine

    class InProcessEngine(Engine):
        """Execute cells with IPython in this process."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            run_cells(nb_man)

    InProcessEngine.__qualname__ = "InProcessEngine"
    return InProcessEngine


def __getattr__(name: str):
    # The entry point names ``InProcessEngine``. Papermill loads it while papermill itself
    # initialises, which may be because this module imported papermill: so the class
    # (a subclass of papermill's Engine) is made on first use, never at import.
    if name == "InProcessEngine":
        return _engine_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The package's shape: no import cycle, settings read in one place, topics from one
registry (the notebooks), one definition of what is defined once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fjo_analysis import imports, profiles, settings
from fjo_analysis.params import topics

PACKAGE = Path(settings.PACKAGE_DIR)
ROOT = PACKAGE.parent


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle found by depth-first search (each reported once, from where it closed)."""
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_sees_imports_inside_functions():
    graph = imports.graph()
    assert "fjo_analysis.warm" in graph["fjo_analysis.cli"]  # imported inside _build
    assert "fjo_analysis.settings" in graph["fjo_analysis.warm"]


def test_no_import_cycle_in_the_package():
    assert cycles(imports.graph()) == []


ENVIRONMENT = re.compile(r"\bos\.environ\b|\bgetenv\b|\benviron\b")


def test_only_settings_reads_the_environment():
    readers = {
        str(path.relative_to(ROOT)): [
            n for n, line in enumerate(path.read_text().splitlines(), 1) if ENVIRONMENT.search(line)
        ]
        for path in imports.modules().values()
    }
    readers = {path: lines for path, lines in readers.items() if lines}
    # and the warm builder's light client (standard library only), for the two settings
    # that find the server; its child reads them all through settings (test_warm checks
    # that both find the same server)
    assert list(readers) == ["fjo_analysis/settings.py", "fjo_analysis/warm_client.py"], readers


def test_every_variable_is_named_in_settings_only():
    """No module but settings names a variable (FJO_..., SOURCE_DATE_EPOCH) in its code."""
    variable = re.compile(r"^(FJO_[A-Z_]+|SOURCE_DATE_EPOCH)$")
    named = {}
    for name, path in imports.modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and variable.match(str(node.value)):
                named.setdefault(name, set()).add(node.value)
    assert set(named) == {"fjo_analysis.settings", "fjo_analysis.warm_client"}, named
    assert named["fjo_analysis.warm_client"] == {"FJO_ROOT", "FJO_WARM"}
    assert named["fjo_analysis.settings"] >= {
        "FJO_ROOT",
        "FJO_EXTRACT",
        "FJO_SUPPRESS_BELOW",
        "FJO_ROUND_TO",
        "SOURCE_DATE_EPOCH",
        "FJO_WARM",
        "FJO_RUN_ID",
        "FJO_BRIEFING_COUNT",
    }


def test_the_build_date_is_read_once_and_the_same_everywhere(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    config = settings.load()
    assert config.built_at().isoformat() == "2026-01-01T00:00:00+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # a later change is not seen: read once
    assert config.built_at().year == 2026


def test_a_child_reads_the_settings_from_its_clients_environment(tmp_path, monkeypatch):
    """How the warm builder's worker gets its client's settings: read from the client's
    environment (sent with the request), never from the server's own."""
    extract = tmp_path / "extract.csv"
    extract.write_text("x\n")
    client = {
        "FJO_ROOT": str(tmp_path),
        "FJO_EXTRACT": str(extract),
        "FJO_SUPPRESS_BELOW": "20",
        "SOURCE_DATE_EPOCH": "1767225600",
        "FJO_RUN_ID": "run",
        "FJO_BRIEFING_COUNT": "66",
        "FJO_CONTACT": "fjo@example.org",
    }
    monkeypatch.setenv("FJO_SUPPRESS_BELOW", "30")  # the server's: not the client's
    config = settings.load(client)
    assert (config.root, config.extract, config.suppress_below) == (tmp_path, extract, 20)
    assert (config.run_id, config.briefing_count, config.contact) == (
        "run",
        66,
        client["FJO_CONTACT"],
    )
    for name, value in client.items():
        monkeypatch.setenv(name, value)
    assert settings.load() == config


def test_topics_are_the_notebooks_and_the_warm_up_imports_what_they_import():
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert topics(ROOT) == sorted(notebooks - {profiles.NOTEBOOK})
    modules = imports.notebook_modules(ROOT)
    assert "fjo_analysis.report" in modules and "fjo_analysis.charts" in modules
    assert "fjo_analysis.report.Briefing" not in modules  # a name, not a module


def test_one_definition_of_the_age_bands():
    defined = [
        path.relative_to(ROOT)
        for path in imports.modules().values()
        if re.search(r"^AGE_BAND\w* = ", path.read_text(), re.MULTILINE)
    ]
    assert [str(p) for p in defined] == ["fjo_analysis/reference/__init__.py"], defined


def test_a_briefings_code_is_what_it_imports():
    """What make rebuilds briefings for: their modules, not the generator or the command."""
    files = {str(p.relative_to(ROOT)) for p in imports.briefing_files(ROOT)}
    assert {"fjo_analysis/report.py", "fjo_analysis/render/pdf.py"} <= files
    assert "fjo_analysis/render/templates/fjo/briefing.html.j2" in files
    assert "fjo_analysis/figures/store.py" in files
    # The store's builder and its measures are the statistics' code: a change to them
    # rebuilds the store, and briefings follow the store.
    for unused in (
        "figures/builder.py",
        "measures/infants.py",
        "data/synth.py",
        "cli.py",
        "index.py",
        "render/templates/index.html.j2",
    ):
        assert f"fjo_analysis/{unused}" not in files

"""The package's import graph, read from the source (nothing is imported).

What a briefing's code is: the modules the topic notebooks import, the modules that build,
check and render a briefing, everything those import in turn, and the data files they
read (templates, reference tables). The Makefile makes briefings depend on exactly these
files (``python fjo_analysis/imports.py briefing``; standard library only, so it runs
before the package is installed), the warm builder imports the notebooks' modules before
it forks, and a test checks the graph has no cycle.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE = PACKAGE_DIR.name
#: The modules that build, check and render a briefing, besides what its notebook imports.
BUILDERS = (
    "fjo_analysis.build",
    "fjo_analysis.warm",
    "fjo_analysis.engine",
    "fjo_analysis.check",
    "fjo_analysis.render.html",
    "fjo_analysis.render.pdf",
    "fjo_analysis.render.xlsx",
)
#: The package's data files a briefing reads (the index's template is the index's).
BRIEFING_DATA = ("reference/*.csv", "render/templates/briefing.css", "render/templates/fjo/*")


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    found = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(tree: ast.AST, package: str) -> set[str]:
    """Dotted names an AST imports anywhere (inside functions too), each module and each
    ``module.name`` of a ``from module import name``; ``package`` resolves relative ones."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base]).strip(".")
            names |= {base} | {f"{base}.{a.name}" for a in node.names}
    return names


def graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports."""
    known = modules()
    edges = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges[name] = {m for m in imported(tree, package) if m in known and m != name}
    return edges


def notebook_modules(root: Path) -> list[str]:
    """The package modules the topic notebooks (``root/notebooks``) import."""
    known = modules()
    found = set()
    for notebook in sorted((root / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                found |= imported(ast.parse("".join(cell["source"])), "")
    return sorted(m for m in found if m in known)


def closure(start: list[str]) -> set[str]:
    """The modules ``start`` imports, directly or not, with their parent packages."""
    edges, seen, todo = graph(), set(), list(start)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += edges[name]
        todo += [name.rsplit(".", i)[0] for i in range(1, name.count("."))]
    return seen


def briefing_files(root: Path) -> list[Path]:
    """The files a briefing's code is: its modules and the data files it reads."""
    known = modules()
    files = {known[n] for n in closure([*notebook_modules(root), *BUILDERS])}
    files |= {p for pattern in BRIEFING_DATA for p in PACKAGE_DIR.glob(pattern)}
    return sorted(files)


if __name__ == "__main__":  # python fjo_analysis/imports.py briefing [ROOT]: for make
    if sys.argv[1:2] != ["briefing"]:
        sys.exit("usage: python fjo_analysis/imports.py briefing [ROOT]")
    root = Path(sys.argv[2] if len(sys.argv) > 2 else ".").resolve()
    # As make names them: below the project's fjo_analysis/ (which may be a link).
    print(" ".join(f"{PACKAGE}/{p.relative_to(PACKAGE_DIR)}" for p in briefing_files(root)))

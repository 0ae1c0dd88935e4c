"""Errors the ``fjo`` command reports plainly (kept free of heavy imports)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One way an extract breaks the schema."""

    file: str
    row: int | None
    column: str | None
    expected: str
    found: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        found = f" (found {self.found!r})" if self.found != "" else ""
        return f"{', '.join(where)}: expected {self.expected}{found}"


class ExtractError(ValueError):
    """An extract that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(summary(problems))


def summary(problems: list[Problem], limit: int = 200) -> str:
    """Problems one per line, the first ``limit`` in full, then counts per column."""
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        rest = Counter(p.column or "(file)" for p in problems[limit:])
        lines.append(f"... and {len(problems) - limit} more problems:")
        lines += [f"  column {column}: {count}" for column, count in rest.most_common()]
    lines.append(f"{len(problems)} problem(s) in total")
    return "\n".join(lines)


class BriefingError(RuntimeError):
    """A briefing that could not be built; the message names area, topic, cell and error."""

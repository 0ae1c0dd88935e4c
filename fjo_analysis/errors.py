"""Errors the ``fjo`` command reports plainly (kept free of heavy imports)."""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from dataclasses import dataclass

ROWS_SHOWN = 5  # the first rows a grouped message names
VALUES_SHOWN = 5  # the distinct values a grouped message shows


def _rows_text(count: int, rows: tuple[int, ...]) -> str:
    shown = ", ".join(str(r) for r in rows[:ROWS_SHOWN])
    more = count - min(len(rows), ROWS_SHOWN)
    return f"{count:,} rows ({shown}{f' and {more:,} more' if more > 0 else ''})"


def _values_text(values: tuple[str, ...]) -> str:
    shown = ", ".join(repr(v) for v in values[:VALUES_SHOWN])
    return shown + (", ..." if len(values) > VALUES_SHOWN else "")


@dataclass(frozen=True)
class Problem:
    """One kind of way an extract breaks the schema, in one column, over ``count`` rows.

    ``row`` is the first offending row (1-based data row; in a CSV, line = row + 1),
    ``rows`` the first few, ``values`` the distinct offending values (the first few) and
    ``hint`` a likely cause ("values look like dd/mm/yyyy").
    """

    file: str
    row: int | None
    column: str | None
    expected: str
    found: str = ""
    count: int = 1
    rows: tuple[int, ...] = ()
    values: tuple[str, ...] = ()
    hint: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.count > 1 and self.rows:
            where.append(_rows_text(self.count, self.rows))
        elif self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        found = self.found if self.found != "" or not self.values else None
        if found is None:
            found_text = f" (found {_values_text(self.values)})"
        else:
            found_text = f" (found {found!r})" if found != "" else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{', '.join(where)}: expected {self.expected}{found_text}{hint}"


@dataclass(frozen=True)
class Repair:
    """A change made to an extract whose meaning was certain, over ``count`` rows."""

    file: str
    column: str | None
    action: str
    count: int
    rows: tuple[int, ...] = ()
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = self.file if self.column is None else f"{self.file}, column {self.column}"
        if not self.count:
            return f"{where}: {self.action}"
        shown = ", ".join(str(r) for r in self.rows[:ROWS_SHOWN])
        more = self.count - min(len(self.rows), ROWS_SHOWN)
        shown += f" and {more:,} more" if more > 0 else ""
        values = f"; e.g. {_values_text(self.values)}" if self.values else ""
        rows = "row" if self.count == 1 else "rows"
        return f"{where}: {self.action} in {self.count:,} {rows} ({shown}{values})"


class ExtractError(ValueError):
    """An extract that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(summary(problems))


def summary(problems: list[Problem], limit: int = 200) -> str:
    """Problems one per line (each already one kind of problem in one column), the first
    ``limit``, then how many more."""
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more kinds of problem")
    total = sum(p.count for p in problems)
    lines.append(
        f"{len(problems)} problem(s) in total"
        + (f", in {total:,} rows or values" if total != len(problems) else "")
    )
    return "\n".join(lines)


class BriefingError(RuntimeError):
    """A briefing that could not be built; the message names area, topic, cell and error."""


def disk_error(err: OSError) -> str:
    """One line for a file-system error: the path and what went wrong."""
    reason = {
        errno.EROFS: "read-only file system",
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
    }.get(err.errno or 0, err.strerror or str(err))
    where = err.filename if err.filename is not None else "(unknown path)"
    return f"cannot write {where}: {reason}"


def reported(action: Callable[[], object]) -> int:
    """Run ``action``; report a failure the reader can act on in plain words on stderr
    (no traceback) and return 1, else return 0."""
    try:
        action()
    except ExtractError as err:
        print(f"fjo: the extract cannot be used:\n{err}", file=sys.stderr)
        return 1
    except (BriefingError, ValueError, FileNotFoundError) as err:
        print(f"fjo: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # a read-only or full disk: one line naming the path
        print(f"fjo: {disk_error(err)}", file=sys.stderr)
        return 1
    return 0

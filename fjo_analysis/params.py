"""What a project builds: its topics (``notebooks/``), its briefing areas
(``params/<slug>.yaml``) and each area's parameters (a profile's come from the reference
geography, :mod:`fjo_analysis.profiles`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fjo_analysis.errors import BriefingError

#: The local profile's notebook (``notebooks/profile.ipynb``): not a topic.
PROFILE_NOTEBOOK = "profile"


def topics(root: Path) -> list[str]:
    """The topics: one notebook each in notebooks/ (the local profile's is not a topic)."""
    return sorted(
        p.stem for p in (root / "notebooks").glob("*.ipynb") if p.stem != PROFILE_NOTEBOOK
    )


def topic_metadata(root: Path, topic: str) -> dict:
    """A topic notebook's ``fjo`` metadata (its title, law type...): read as JSON, the
    notebook neither parsed as a notebook nor validated (a briefing reads several)."""
    path = root / "notebooks" / f"{topic}.ipynb"
    return json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("fjo", {})


def areas(root: Path) -> list[str]:
    """The briefing areas: one params/<slug>.yaml each."""
    return sorted(p.stem for p in (root / "params").glob("*.yaml"))


@dataclass(frozen=True)
class AreaParams:
    """What params/<slug>.yaml says about an area."""

    slug: str
    code: str
    name: str
    notes: str = ""


def area_params(slug: str, root: Path) -> AreaParams:
    import yaml

    from fjo_analysis.geography import area

    path = root / "params" / f"{slug}.yaml"
    if not path.exists():
        raise BriefingError(f"no such area {slug!r}: expected {path}")
    values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = {"code", "name"} - set(values)
    if missing:
        raise BriefingError(f"{path}: missing key(s) {sorted(missing)}")
    try:
        area(values["code"])
    except ValueError as err:
        raise BriefingError(f"{path}: {err}") from None
    return AreaParams(
        slug=slug, code=values["code"], name=values["name"], notes=values.get("notes", "")
    )

"""Links between a briefing and the local profiles of its area, both ways.

A regional (or Welsh) briefing links to the profiles of the region's authorities and
family court areas; England's briefings link to the index's area finder (153 authorities
are too many for one list). A profile links to the briefings of its authority's region
(or of Wales). Links are relative, between folders of ``reports/``, and only drawn where
the project builds profiles (``notebooks/profile.ipynb``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from fjo_analysis.geography import ENGLAND, area, dfj_members, local_areas
from fjo_analysis.params import PROFILE_NOTEBOOK, area_params, areas, topics


@dataclass(frozen=True)
class Links:
    """A titled list of links: (text, href)."""

    heading: str
    items: list[tuple[str, str]]


def has_profiles(root: Path) -> bool:
    return (root / "notebooks" / f"{PROFILE_NOTEBOOK}.ipynb").exists()


def _slugs(root: Path) -> dict[str, str]:
    """Briefing area code -> its folder (params/<slug>.yaml)."""
    return {area_params(slug, root).code: slug for slug in areas(root)}


def _titles(root: Path) -> dict[str, str]:
    return {
        t: nbformat.read(root / "notebooks" / f"{t}.ipynb", as_version=4)
        .metadata.get("fjo", {})
        .get("title", t)
        for t in topics(root)
    }


def _region_of(code: str) -> str:
    """The briefing area a local area is in: its region (Wales for Welsh authorities); a
    family court area's, from its authorities (none crosses a region's boundary)."""
    the_area = local_areas()[code]
    if the_area.level != "dfj":
        return the_area.parent
    (region,) = {local_areas()[m].parent for m in dfj_members(code)}
    return region


def for_profile(code: str, root: Path) -> Links | None:
    """The briefings of a profile's region (or Wales), one link per topic."""
    region = _region_of(code)
    slug = _slugs(root).get(region)
    if slug is None:
        return None
    name = area(region).name
    items = [(title, f"../{slug}/{topic}.html") for topic, title in _titles(root).items()]
    return Links(f"Briefings for {name}", items)


def for_briefing(code: str, root: Path) -> Links | None:
    """The profiles of a briefing area's authorities and family court areas (England's:
    the index's area finder)."""
    if not has_profiles(root):
        return None
    if code == ENGLAND:
        return Links(
            "Local profiles",
            [("Find a local authority or family court area", "../index.html#profiles")],
        )
    members = [
        a
        for c, a in local_areas().items()
        if (a.level == "la" and a.parent == code) or (a.level == "dfj" and _region_of(c) == code)
    ]
    if not members:
        return None
    ordered = sorted(members, key=lambda a: (a.level != "la", a.name))
    items = [(a.name, f"../profiles/{a.code}.html") for a in ordered]
    return Links(f"Local profiles in {area(code).name}", items)

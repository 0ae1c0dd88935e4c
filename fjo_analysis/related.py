"""Links between a briefing and the local profiles of its area, both ways.

A regional (or Welsh) briefing links to the profiles of the region's authorities and
family court areas; England's briefings link to the index's area finder (153 authorities
are too many for one list). A profile links to the briefings of its authority's region
(or of Wales). Links are relative, between folders of ``reports/``, and only drawn where
the project builds profiles (``notebooks/profile.ipynb``). A Welsh document's links go to
the Welsh versions of the documents about Wales (every one linked from it is), named in
Welsh.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from fjo_analysis.geography import ENGLAND, area, dfj_members, local_areas
from fjo_analysis.i18n import N_, PROFILES, SOURCE, Language, about_wales, forms
from fjo_analysis.params import PROFILE_NOTEBOOK, area_params, areas, topic_metadata, topics


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
    return {t: topic_metadata(root, t).get("title", t) for t in topics(root)}


def _region_of(code: str) -> str:
    """The briefing area a local area is in: its region (Wales for Welsh authorities); a
    family court area's, from its authorities (none crosses a region's boundary)."""
    the_area = local_areas()[code]
    if the_area.level != "dfj":
        return the_area.parent
    (region,) = {local_areas()[m].parent for m in dfj_members(code)}
    return region


def _suffix(lang: Language, slug: str, topic: str) -> str:
    """The file name's language suffix of a linked document: this language's where the
    document is published in it, else English's ('')."""
    return lang.suffix if about_wales(slug, topic) else ""


def for_profile(
    code: str, root: Path, lang: str = SOURCE, unpublished: Collection[str] = ()
) -> Links | None:
    """The briefings of a profile's region (or Wales), one link per topic (but the
    ``unpublished`` ones)."""
    language = Language(lang)
    region = _region_of(code)
    slug = _slugs(root).get(region)
    if slug is None:
        return None
    name = language.area_name(area(region).name)
    items = [
        (language.gettext(title), f"../{slug}/{topic}{_suffix(language, slug, topic)}.html")
        for topic, title in _titles(root).items()
        if topic not in unpublished
    ]
    return Links(language.gettext(N_("Briefings for {area}")).format(**forms("area", name)), items)


def for_briefing(code: str, root: Path, lang: str = SOURCE) -> Links | None:
    """The profiles of a briefing area's authorities and family court areas (England's:
    the index's area finder)."""
    language = Language(lang)
    if not has_profiles(root):
        return None
    if code == ENGLAND:
        return Links(
            language.gettext(N_("Local profiles")),
            [
                (
                    language.gettext(N_("Find a local authority or family court area")),
                    "../index.html#profiles",
                )
            ],
        )
    members = [
        a
        for c, a in local_areas().items()
        if (a.level == "la" and a.parent == code) or (a.level == "dfj" and _region_of(c) == code)
    ]
    if not members:
        return None
    named = [(a, language.area_name(a.name)) for a in members]
    ordered = sorted(named, key=lambda pair: (pair[0].level != "la", pair[1]))
    items = [
        (name, f"../profiles/{a.code}{_suffix(language, PROFILES, a.code)}.html")
        for a, name in ordered
    ]
    heading = language.gettext(N_("Local profiles in {area}"))
    return Links(heading.format(**forms("area", language.area_name(area(code).name))), items)

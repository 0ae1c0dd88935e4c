"""Local profiles: one document per 2024 local authority and per family court (DFJ) area,
built like a briefing.

The parameters of each profile are generated from the reference geography
(:func:`write_params`), one small JSON file per authority written only when it changes,
so make rebuilds only the profiles whose parameters changed. ``fjo build --area profiles
--topic <code>`` runs ``notebooks/profile.ipynb`` for one area and publishes
``reports/profiles/<code>.{html,pdf,xlsx}``.
"""

from __future__ import annotations

import json
from pathlib import Path

from fjo_analysis import settings
from fjo_analysis.errors import BriefingError
from fjo_analysis.geography import local_areas
from fjo_analysis.params import PROFILE_NOTEBOOK

#: The area slug of profiles (their topic is the area's code).
PROFILES = "profiles"
NOTEBOOK = PROFILE_NOTEBOOK
#: The levels of area that get a profile: 2024 authorities and family court areas.
LEVELS = ("la", "dfj")


def profile_codes() -> list[str]:
    """The areas that get a profile: every 2024 authority and family court area, by code."""
    return sorted(code for code, a in local_areas().items() if a.level in LEVELS)


def params_path(code: str, config: settings.Settings) -> Path:
    return config.build_dir / PROFILES / "params" / f"{code}.json"


def params_of(code: str) -> dict:
    """A profile's parameters, from the reference geography (code history is told by the
    profile itself, from the store: :func:`fjo_analysis.profile_text.split_note`)."""
    return {"code": code, "name": local_areas()[code].name, "notes": ""}


def write_params(config: settings.Settings) -> int:
    """Write each profile's parameters where they changed; return how many were written."""
    from fjo_analysis.files import write_if_changed

    written = 0
    for code in profile_codes():
        text = json.dumps(params_of(code), indent=1, sort_keys=True) + "\n"
        path = params_path(code, config)
        path.parent.mkdir(parents=True, exist_ok=True)
        written += write_if_changed(path, text)
    return written


def profile_params(code: str, config: settings.Settings):
    """The parameters make built this profile from (see :func:`write_params`)."""
    from fjo_analysis.params import AreaParams

    path = params_path(code, config)
    if code not in local_areas() or local_areas()[code].level not in LEVELS:
        raise BriefingError(
            f"no profile for {code!r}: not a 2024 local authority or family court area code"
        )
    if not path.exists():
        raise BriefingError(f"no parameters for profile {code}: run `fjo profiles params`")
    values = json.loads(path.read_text(encoding="utf-8"))
    return AreaParams(slug=code, code=values["code"], name=values["name"], notes=values["notes"])

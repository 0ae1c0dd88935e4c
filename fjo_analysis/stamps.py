"""Build integrity for make (``fjo stamp``, run by the Makefile before it plans anything).

The extract and the disclosure settings are recorded by content in stamps under
``build/stamps/``, each rewritten only when its content changes, and every manifest that
lists its files' SHA-256 (``data/processed/``, ``build/stats/``) is checked, so a
deleted, corrupted or half-replaced file is rebuilt rather than trusted. The synthetic
extract is made again when its generator's code changes and replaced only when its
content does, so its date says when its content last changed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from fjo_analysis import settings
from fjo_analysis.files import relative, remove_quietly, staged, write_if_changed

STAMPS = "stamps"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, or of a directory's files (names and contents, in order)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            digest.update(str(f.relative_to(path)).encode() + b"\0")
        with open(f, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


SYNTHETIC_RECORD = "synthetic.json"


def generator_identity() -> str:
    """SHA-256 of what the synthetic extract is made from: the generator's code, the code
    it imports and the reference tables."""
    from fjo_analysis import imports

    known = imports.modules()
    code = {known[m] for m in imports.closure(["fjo_analysis.data.synth"])}
    digest = hashlib.sha256()
    for path in sorted(code | set(settings.REFERENCE_DIR.glob("*.csv"))):
        digest.update(f"{path.relative_to(settings.PACKAGE_DIR)}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def make_synthetic(config: settings.Settings, out: Path, **args) -> bool:
    """Write the synthetic extract (``args``: seed, start_year, end_year, scale), replacing
    ``out`` only when its content changes, so its date says when its content last changed;
    record how the project's extract was made. True if ``out`` was replaced."""
    from fjo_analysis.data.synth import synthesise, write

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = staged(out)
    try:
        write(synthesise(**args), tmp)
        replaced = not (out.exists() and file_sha256(out) == file_sha256(tmp))
        if replaced:
            tmp.replace(out)
    finally:
        remove_quietly(tmp)
    if out.resolve() == config.synthetic_extract.resolve():
        record = {"generator": generator_identity(), "args": args}
        write_if_changed(config.build_dir / STAMPS / SYNTHETIC_RECORD, json.dumps(record) + "\n")
    return replaced


def synthetic_current(config: settings.Settings) -> str | None:
    """Make the synthetic extract again if its generator changed (by content) since it was
    made; say what happened, or None. A comment edited in the generator leaves the extract
    (and its date) as it was, so make rebuilds nothing after it."""
    out, record_path = config.synthetic_extract, config.build_dir / STAMPS / SYNTHETIC_RECORD
    if config.extract is not None or not out.exists():
        return None  # a real extract; or make will make it
    current = generator_identity()
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # made before generators were recorded: taken as current
        record = {"generator": current, "args": DEFAULT_SYNTHETIC}
        write_if_changed(record_path, json.dumps(record) + "\n")
    if record["generator"] == current:
        return None
    replaced = make_synthetic(config, out, **record["args"])
    return "the synthetic data's generator changed: extract made again, " + (
        "and its content changed" if replaced else "unchanged (nothing to rebuild)"
    )


DEFAULT_SYNTHETIC = {
    "seed": settings.DEFAULT_SEED,
    "start_year": settings.DEFAULT_START_YEAR,
    "end_year": settings.DEFAULT_END_YEAR,
    "scale": 1.0,
}


def extract_identity(config: settings.Settings) -> dict:
    """Which extract a build uses: a real one by path and SHA-256; else the synthetic one
    (built by make itself, so its date is enough)."""
    if config.extract is None:
        return {"extract": "synthetic", "path": relative(config.synthetic_extract, config.root)}
    return {"extract": str(config.extract), "sha256": file_sha256(config.extract)}


def settings_identity(config: settings.Settings) -> dict:
    """The settings outputs depend on: the disclosure rules."""
    return {"suppress_below": config.suppress_below, "round_to": config.round_to}


def manifest_problem(manifest: Path, strict: bool = True) -> str | None:
    """Why a manifest's files cannot be trusted (missing, changed, unlisted), or None.

    A manifest lists its files as ``"files": {relative name: SHA-256}``. A ``strict``
    check does not trust one that does not (written before manifests recorded them);
    otherwise such a manifest has nothing to check.
    """
    try:
        record = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return f"{manifest} cannot be read ({err.__class__.__name__})"
    files = record.get("files") if isinstance(record, dict) else None
    if files is None and not strict:
        return None
    if not isinstance(files, dict):
        return f"{manifest} does not list its files' SHA-256"
    for name, digest in sorted(files.items()):
        path = manifest.parent / name
        if not path.is_file():
            return f"{path} is listed in {manifest} but missing"
        if file_sha256(path) != digest:
            return f"{path} does not match the SHA-256 in {manifest}"
    return None


def stamp(
    config: settings.Settings, manifests: list[Path], if_listed: list[Path] = ()
) -> list[str]:
    """Record the extract and settings in stamps; retire manifests whose files fail their
    check (so make rebuilds them). ``if_listed`` manifests are checked only when they list
    their files. Returns one message per thing that changed."""
    from fjo_analysis import release

    folder = config.build_dir / STAMPS
    messages = [m for m in [synthetic_current(config)] if m]
    for name, identity in (
        ("extract", extract_identity(config)),
        ("settings", settings_identity(config)),
        ("release", release.identity(config)),
    ):
        text = json.dumps(identity, indent=1, sort_keys=True) + "\n"
        if write_if_changed(folder / f"{name}.json", text):
            messages.append(f"{name} changed: {json.dumps(identity, sort_keys=True)}")
    checks = [(m, True) for m in manifests] + [(m, False) for m in if_listed]
    for manifest, strict in checks:
        if not manifest.exists():
            continue
        problem = manifest_problem(manifest, strict)
        if problem:
            manifest.unlink()
            messages.append(f"{problem}: {manifest.parent} will be rebuilt")
    return messages

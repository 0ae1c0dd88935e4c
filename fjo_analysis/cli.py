"""The ``fjo`` command: what the Makefile calls for each step of the build."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from fjo_analysis import settings
from fjo_analysis.errors import reported


def _data_synth(args: argparse.Namespace) -> None:
    from fjo_analysis.stamps import make_synthetic

    config = settings.load()
    out = args.out or config.synthetic_extract
    replaced = make_synthetic(
        config,
        out,
        seed=args.seed,
        start_year=args.start_year,
        end_year=args.end_year,
        scale=args.scale,
    )
    print(f"{'wrote' if replaced else 'unchanged (left as it was):'} {out}")


def _data_validate(args: argparse.Namespace) -> None:
    from fjo_analysis.data.prepare import years_covered
    from fjo_analysis.data.validate import check_extract
    from fjo_analysis.years import financial_year_label

    checked = check_extract(args.path)
    warnings = checked.warnings()
    if not warnings:
        print(f"{args.path}: {len(checked.frame):,} rows, no problems")
    else:
        print(f"{args.path}: {len(checked.frame):,} rows, {len(warnings)} warning(s):")
    for line in warnings:  # one line per (column, kind of repair), with its count
        print(f"  warning: {line}")
    first, last, part = years_covered(checked.frame["issue_date"])
    if last < first:
        years = "no complete financial year (April to March): fjo data prepare will refuse it"
    else:
        years = f"complete financial years {financial_year_label(first)} to "
        years += financial_year_label(last)
    if part:
        years += f"; {financial_year_label(part['financial_year'])} {part['label']}"
        years += " is left out of every measure" if last >= first else ""
    print(f"  {years}")
    _print_code_mapping(checked.frame)


def _print_code_mapping(frame) -> None:
    """Rows by how their local-authority code maps to April-2024 geography, and each
    retired or split code with the unit its rows are reported under."""
    from fjo_analysis.geography import map_codes, mapping_counts

    mapped = map_codes(frame["local_authority_code"], frame["issue_date"])
    print("local-authority codes mapped to April-2024 geography (rows):")
    for kind, rows in mapped["mapping"].value_counts(sort=False).items():
        if rows:
            print(f"  {kind}: {rows:,}")
    for r in mapping_counts(frame["local_authority_code"], mapped).itertuples(index=False):
        print(f"  {r.from_code} -> {r.to_unit} ({r.mapping}): {r.rows:,}")


def _data_prepare(args: argparse.Namespace) -> None:
    from fjo_analysis.data.prepare import prepare

    config = settings.load()
    source = args.source or config.source_extract
    manifest = prepare(source, config.processed_dir, synthetic=config.extract is None)
    print(f"prepared {manifest['rows']:,} rows from {source} into {config.processed_dir}")
    for line in manifest.get("warnings", []):
        print(f"  warning: {line}")
    if manifest.get("part_year"):
        part = manifest["part_year"]
        print(f"  note: financial year {part['financial_year']} is a part year {part['label']}")


def _build(args: argparse.Namespace) -> None:
    config = settings.load()
    if config.warm:
        from fjo_analysis.warm import build_briefing

        code = build_briefing(args.area, args.topic, config, args.lang)
        if code:
            raise SystemExit(code)
        return
    from fjo_analysis.build import build

    build(args.area, args.topic, config, lang=args.lang)


def _stats(args: argparse.Namespace) -> None:
    from fjo_analysis.disclosure import Rules
    from fjo_analysis.disclosure.audit import audit_store
    from fjo_analysis.figures.builder import build

    config = settings.load()
    rules = Rules(config.suppress_below, config.round_to)
    manifest = build(config.processed_dir, config.stats_dir, rules)
    findings, checked = audit_store(config.stats_dir, rules)
    if findings:
        _refuse(findings, "the statistics store")
    print(
        f"fjo stats: {manifest['cells']:,} counts in {len(manifest['tables'])} tables, "
        f"{manifest['suppressed']:,} suppressed ({manifest['primary']:,} under "
        f"{rules.threshold}); audit: {checked['ranges_solved']:,} ranges solved, none "
        f"narrower than {rules.threshold}"
    )


def _audit(args: argparse.Namespace) -> None:
    from fjo_analysis.disclosure import Rules
    from fjo_analysis.disclosure.audit import audit_release

    config = settings.load()
    rules = Rules(config.suppress_below, config.round_to)
    findings, checked = audit_release(config.stats_dir, rules, args.paths)
    if findings:
        _refuse(findings, "the release")
    print(
        f"fjo audit: {checked['suppressed']:,} suppressed cells, {checked['ranges_solved']:,} "
        f"ranges solved, none narrower than {rules.threshold}; every published count is "
        "a count of the statistics store (workbooks and CSV files)"
    )


def _refuse(findings: list, what: str) -> None:
    for finding in findings:
        print(finding, file=sys.stderr)
    raise SystemExit(f"fjo: {what} is refused: {len(findings)} disclosure problem(s) above")


def _check(args: argparse.Namespace) -> None:
    from fjo_analysis.check import check, outputs

    leaks = check(args.paths, settings.load().suppress_below)
    for leak in leaks:
        print(leak, file=sys.stderr)
    if leaks:
        raise SystemExit(f"fjo check: {len(leaks)} disclosive figure(s) found; do not publish")
    print(f"fjo check: {len(outputs(args.paths))} output(s) checked, no disclosive figures")


def _stamp(args: argparse.Namespace) -> None:
    from fjo_analysis.stamps import stamp

    config = settings.load()
    manifests = [config.root / m for m in args.manifest]
    if_listed = [config.root / m for m in args.if_listed]
    for message in stamp(config, manifests, if_listed):
        print(f"fjo: {message}", file=sys.stderr)


def _version(args: argparse.Namespace) -> None:
    print(settings.load().version())


def _release(args: argparse.Namespace) -> None:
    from fjo_analysis.publish import write

    for path in write(settings.load()):
        print(f"wrote {path}")


def _profiles(args: argparse.Namespace) -> None:
    from fjo_analysis import profiles

    if args.action == "params":  # (as make plans: then the codes, for its rules)
        written = profiles.write_params(settings.load())
        if written:
            print(f"fjo profiles: {written} profile parameter file(s) changed", file=sys.stderr)
    print("\n".join(profiles.profile_codes()))


def _hexmap(args: argparse.Namespace) -> None:
    from fjo_analysis import hexmap

    path = hexmap.write_layout()
    kept = hexmap.adjacency_kept(hexmap.derive_layout())
    print(
        f"wrote {path}: of the authorities that touch in the district map, {kept[1]:.1%} are "
        f"neighbours and {kept[2]:.1%} within two cells"
    )


def _index(args: argparse.Namespace) -> None:
    from fjo_analysis.index import write_index

    path = write_index(settings.load())
    print(f"wrote {path}")


def _hashes(args: argparse.Namespace) -> None:
    from fjo_analysis.hashes import as_text, hashes

    text = as_text(hashes(settings.load().root))
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write}")
    else:
        print(text, end="")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="fjo", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    data = commands.add_parser("data", help="make, check and prepare case-level data")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    synth = data_commands.add_parser("synth", help="write the synthetic extract")
    synth.add_argument("--seed", type=int, default=settings.DEFAULT_SEED)
    synth.add_argument("--start-year", type=int, default=settings.DEFAULT_START_YEAR)
    synth.add_argument("--end-year", type=int, default=settings.DEFAULT_END_YEAR)
    synth.add_argument("--scale", type=float, default=1.0, help="1.0 = national scale")
    synth.add_argument("--out", type=Path, help="default: data/raw/synthetic_extract.parquet")
    synth.set_defaults(func=_data_synth)
    check = data_commands.add_parser("validate", help="check an extract against the schema")
    check.add_argument("path", type=Path)
    check.set_defaults(func=_data_validate)
    prep = data_commands.add_parser("prepare", help="validate and derive data/processed/")
    prep.add_argument("--source", type=Path, help="default: FJO_EXTRACT, else synthetic")
    prep.set_defaults(func=_data_prepare)

    build = commands.add_parser("build", help="execute and render one briefing")
    build.add_argument("--area", required=True, help="an area slug from params/, e.g. london")
    build.add_argument("--topic", required=True, help="a notebook name, e.g. infants")
    build.add_argument(
        "--lang", default="en", choices=("en", "cy"), help="the language (cy: Welsh, Wales only)"
    )
    build.set_defaults(func=_build)
    stats = commands.add_parser("stats", help="compute, protect and audit the statistics store")
    stats.set_defaults(func=_stats)
    audit = commands.add_parser("audit", help="audit the release's disclosure control")
    audit.add_argument("paths", type=Path, nargs="*", help="published folders (e.g. reports)")
    audit.set_defaults(func=_audit)
    stamp = commands.add_parser(
        "stamp", help="record the extract and settings by content; check manifests (for make)"
    )
    stamp.add_argument(
        "manifest", nargs="*", help="manifests whose files to check, relative to FJO_ROOT"
    )
    stamp.add_argument(
        "--if-listed",
        action="append",
        default=[],
        metavar="MANIFEST",
        help="a manifest to check only if it lists its files",
    )
    stamp.set_defaults(func=_stamp)
    version = commands.add_parser(
        "version", help="print the code version outputs state (make works it out once a run)"
    )
    version.set_defaults(func=_version)
    release = commands.add_parser(
        "release", help="write the methods page and the release's CSV downloads"
    )
    release.set_defaults(func=_release)
    profiles = commands.add_parser(
        "profiles", help="list local profiles (params: write their changed params first)"
    )
    profiles.add_argument("action", choices=["list", "params"])
    profiles.set_defaults(func=_profiles)
    hexmap = commands.add_parser(
        "hexmap", help="derive the hex map layout of the 2024 authorities (reference/)"
    )
    hexmap.set_defaults(func=_hexmap)
    index = commands.add_parser("index", help="write reports/index.html")
    index.set_defaults(func=_index)
    check = commands.add_parser("check", help="scan outputs for disclosive numbers")
    check.add_argument("paths", type=Path, nargs="+")
    check.set_defaults(func=_check)
    hashes = commands.add_parser(
        "hashes", help="build the reference set and print its outputs' SHA-256 (slow)"
    )
    hashes.add_argument("--write", type=Path, metavar="JSON", help="write them to this file")
    hashes.set_defaults(func=_hashes)
    return top


def main(argv: list[str] | None = None) -> int:
    # make sends SIGTERM when interrupted: exit through finally blocks (temporary files go)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parser().parse_args(argv)
    return reported(lambda: args.func(args))


if __name__ == "__main__":
    sys.exit(main())

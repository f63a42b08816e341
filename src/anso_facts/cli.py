"""The `anso-facts` command. `check` and `build` import neither pandas nor frictionless."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__


def _check(root: Path):
    from .rules import check
    facts, problems = check(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' * (len(problems) != 1)}; nothing written", file=sys.stderr)
    return facts, problems


def cmd_check(args) -> int:
    facts, problems = _check(args.root)
    if not problems:
        cites = sum(len(r.data.get("cite", ())) for r in facts.records)
        print(f"ok: {len(facts.records)} records, {cites} citations verified against "
              f"{len(facts.seed_bytes)} seeds")
    return 1 if problems else 0


def cmd_build(args) -> int:
    facts, problems = _check(args.root)
    if problems:
        return 1
    from .compile import build
    build(facts, args.root)
    print(f"built {len(facts.records)} records into build/ and datapackage.json")
    return 0


def cmd_coverage(args) -> int:
    facts, problems = _check(args.root)
    if problems:
        return 1
    from .coverage import report
    print(report(facts))
    return 0


def cmd_validate(args) -> int:
    from frictionless import validate
    report = validate(str(args.root / "datapackage.json"))
    for task in report.tasks:
        print(f"{'valid  ' if task.valid else 'INVALID'} {task.name}")
        for error in task.errors:
            print(f"  row {getattr(error, 'row_number', '-')}, field {getattr(error, 'field_name', '-')}: "
                  f"{error.message}")
    for error in report.errors:
        print(f"INVALID package: {error.message}")
    print("datapackage.json is valid" if report.valid else "datapackage.json is NOT valid", file=sys.stderr)
    return 0 if report.valid else 1


def cmd_show(args) -> int:
    from .show import show
    text = show(args.id, args.root)
    print(text)
    return 0 if text else 1


def cmd_stats(args) -> int:
    from .show import stats
    print(stats(args.root))
    return 0


def _default_root() -> Path:
    """The current folder when it is a checkout of the project, else the installed package's data."""
    if (Path.cwd() / "seeds" / "seeds.yaml").is_file():
        return Path.cwd()
    from . import data_root
    return data_root()


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="anso-facts", description="Check, build and explore the anso-facts "
                                   "data package.")
    main.add_argument("--version", action="version", version=f"anso-facts {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, function, help_text):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--root", type=Path, default=None,
                         help="project folder (default: the current folder if it is a checkout, else the "
                              "installed package)")
        sub.set_defaults(function=function)
        return sub

    command("check", cmd_check, "Check the seed catalogue and every fact file: schemas, references, dates, seed "
            "hashes, quotes and grounding. Prints every problem as file:line:column: message; exits 1 if any.")
    command("build", cmd_build, "Check, then write build/ (CSV and Parquet), datapackage.json, schemas/ and "
            "docs/data-dictionary.md. Writes nothing if the check fails.")
    command("coverage", cmd_coverage, "Per seed, the share of non-blank lines cited by some fact or excluded in "
            "the catalogue, and the lines still uncited.")
    command("validate", cmd_validate, "Validate datapackage.json and its tables with frictionless, foreign "
            "keys included.")
    command("show", cmd_show, "Show a record, the records related to it and its cited seed lines in "
            "context.").add_argument("id", help="a record id, such as org-cast")
    command("stats", cmd_stats, "Count rows per table, and records and citations per seed.")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.root = (args.root or _default_root()).resolve()
    return args.function(args)


if __name__ == "__main__":
    sys.exit(main())

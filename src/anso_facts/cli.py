"""The `anso-facts` command. `check` and `build` import neither pandas nor frictionless."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from pathlib import Path

from anso_facts import PackageError, __version__
from anso_facts.support.atomic import SCRATCH_SUFFIX
from anso_facts.support.parallel import keep_for_good
from anso_facts.support.plaintext import with_output_shown

READ_ONLY = ("show", "stats", "validate", "diff")  # the only commands that may read the installed package's data
# The extra (pyproject.toml) that brings each module a plain `pip install anso-facts` leaves out
EXTRA_OF_MODULE = {
    "yaml": "curate",
    "jsonschema": "curate",
    "jsonschema_rs": "curate",
    "frictionless": "curate",
    "Stemmer": "curate",
    "ruamel": "curate",
    "requests": "publish",
    "ckanapi": "publish",
    "huggingface_hub": "publish",
    "jinja2": "site",
    "markupsafe": "site",
    "networkx": "site",
    "orjson": "site",
}


def _check(args, writes: bool = False):
    if writes:
        from anso_facts.build.write import check_for_build as check
    else:
        from anso_facts.check.run import check
    project, problems = check(args.root, use_cache=not args.no_cache)
    keep_for_good()  # what the check holds: later collections need not walk it
    print_problems(problems, args.format)
    if problems:
        print(f"{len(problems)} problem{'s' * (len(problems) != 1)}{'; nothing written' * writes}", file=sys.stderr)
    return project, problems


def print_problems(problems: list, form: str) -> None:
    """Every problem on stdout: `file:line:column: code: message` lines, a JSON list, or GitHub annotations."""
    if form == "json":
        import json

        print(json.dumps([problem.as_dict() for problem in problems], indent=1, ensure_ascii=False))
    for problem in problems:
        if form == "github":
            print(problem.github_annotation())
        elif form == "text":
            print(problem)


def cmd_check(args) -> int:
    project, problems = _check(args)
    if not problems:
        print(
            f"ok: {project.row_count('records')} records, {project.row_count('citations')} "
            f"citations verified against {len(project.catalogue.seed_bytes)} seeds",
            file=sys.stdout if args.format == "text" else sys.stderr,
        )
    return 1 if problems else 0


def _cannot_write(args, error: OSError, where: Path, what: str) -> int:
    """A folder that cannot be written, a full disk: say so; what was there stands. The reason is the system's
    words for the error number (Arrow's errors wrap them in a longer text)."""
    reason = os.strerror(error.errno) if error.errno else error.strerror or str(error)
    named = error.filename if error.filename and not str(error.filename).endswith(SCRATCH_SUFFIX) else where
    print(
        f"anso-facts {' '.join(filter(None, [args.command, getattr(args, 'action', None)]))}: cannot write {named}: "
        f"{reason}; {what} unchanged",
        file=sys.stderr,
    )
    return 1


def _build(args):
    """Check, then build; the checked project, or None (after saying why) if nothing was built."""
    project, problems = _check(args, writes=True)
    if problems:
        return None
    from anso_facts.build.write import build

    try:
        build(project, args.root)
    except OSError as error:
        _cannot_write(args, error, args.root, "the previous outputs are")
        return None
    print(f"built {project.row_count('records')} records into build/ and datapackage.json")
    return project


def cmd_build(args) -> int:
    return 0 if _build(args) else 1


def cmd_site(args) -> int:
    import jinja2  # noqa: F401  (first: without it, the command says which extra to install, before building)

    project = _build(args)
    if project is None:
        return 1
    from anso_facts.site.folder import SiteError
    from anso_facts.site.write import write_site

    try:
        target = write_site(project, args.root, args.out)
    except SiteError as error:  # a folder it did not write: refused, nothing written or deleted
        print(f"anso-facts site: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        return _cannot_write(args, error, args.out or args.root / "site", "the previous site is")
    print(f"wrote the review site, the SQLite database and the annotations into {target}")
    return 0


def cmd_coverage(args) -> int:
    if args.fields:  # read from the package as built: the evidence of references is made across files
        if _build(args) is None:
            return 1
        from anso_facts.build.package import built_rows
        from anso_facts.check.coverage import fields_report

        print(fields_report(built_rows(args.root)))
        return 0
    project, problems = _check(args)
    if problems:
        return 1
    from anso_facts.check.coverage import report

    print(report(project))
    return 0


def cmd_cite(args) -> int:
    from anso_facts.check.cite import cite_entry, places
    from anso_facts.check.run import check

    catalogue = check(args.root)[0].catalogue  # the seeds as the check reads them
    if args.seed and args.seed not in catalogue.seed_texts:
        print(
            f"anso-facts cite: no seed {args.seed!r}; the seeds are {', '.join(catalogue.seed_texts)}", file=sys.stderr
        )
        return 2
    found = places(" ".join(args.words), catalogue.seed_texts, args.seed)
    if not found:
        print(
            f"anso-facts cite: the words stand in no seed{' ' + args.seed if args.seed else ''} (matching forgives "
            f"only line breaks, white space, line-end hyphens and typographic quote marks)",
            file=sys.stderr,
        )
        return 1
    print("  cite:")
    print("\n".join(cite_entry(seed_id, catalogue.seed_texts[seed_id], match) for seed_id, match in found))
    if len(found) > 1:
        print(f"# the words stand in {len(found)} places: keep the one your fact rests on", file=sys.stderr)
    return 0


def _seed_fields(args) -> dict[str, str] | None:
    """The new seed's fields from the options, asked for on a terminal where missing; None (after saying which
    options are missing) where there is no terminal to ask on."""
    from anso_facts.check.seed_add import DEFAULT_RIGHTS, FIELDS, QUESTIONS

    fields = {name: getattr(args, name) for name in FIELDS}
    asking = sys.stdin.isatty()
    for name in FIELDS:
        if fields[name] is None and asking:
            default = DEFAULT_RIGHTS if name == "rights" else ""
            answer = input(f"{QUESTIONS[name]}{' [the usual statement]' if default else ''}: ").strip()
            fields[name] = answer or default
    missing = [f"--{name}" for name in FIELDS if fields[name] is None and name not in ("published", "rights")]
    if missing:
        print(
            f"anso-facts seed add: give {', '.join(missing)} (or run it on a terminal, which asks for them); "
            f"nothing was written",
            file=sys.stderr,
        )
        return None
    fields["published"] = fields["published"] or ""
    fields["rights"] = fields["rights"] or DEFAULT_RIGHTS
    return fields


def cmd_seed_add(args) -> int:
    from anso_facts.check.run import check
    from anso_facts.check.seed_add import NewSeed, SeedAddError, add, next_steps, problems_of

    if not args.file.is_file():
        print(f"anso-facts seed add: {args.file} is not a file; nothing was written", file=sys.stderr)
        return 2
    fields = _seed_fields(args)
    if fields is None:
        return 2
    project, _ = check(args.root)
    seed = NewSeed(fields, args.file.read_bytes())
    known = project.ids | set(project.catalogue.seed_bytes)
    problems = problems_of(fields, seed.data, known, project.catalogue.vocabularies)
    if problems:
        print("\n".join(f"anso-facts seed add: {problem}" for problem in problems), file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 2
    try:
        _, facts = add(args.root, seed)
    except (SeedAddError, FileExistsError) as error:
        print(f"anso-facts seed add: {error}; nothing was written", file=sys.stderr)
        return 2
    except OSError as error:  # a full disk, a read-only checkout: what was written is removed
        return _cannot_write(args, error, args.root / "seeds", "seeds/ and data/ are")
    print(next_steps(seed, facts, args.root))
    return 0


def cmd_fmt(args) -> int:
    from anso_facts.check.fmt import FmtError, curated_files, formatted
    from anso_facts.support.atomic import write_whole

    changed: list[str] = []
    failed: list[str] = []
    for path in curated_files(args.root):
        name = path.relative_to(args.root).as_posix()
        try:
            text, canonical = formatted(args.root, path)
        except FmtError as error:
            failed.append(f"{name}: {error}")
            continue
        except Exception as error:  # ruamel's own reading errors: a file the check reports with its place
            failed.append(f"{name}: cannot be read ({type(error).__name__}); run `anso-facts check` for where")
            continue
        if canonical != text and not args.check:
            try:
                write_whole(path, canonical)
            except OSError as error:  # a full disk, a read-only checkout: the file stands as it was
                return _cannot_write(args, error, Path(name), f"{name} is" + _reformatted_before(changed))
        if canonical != text:
            changed.append(name)
    for line in failed:
        print(f"anso-facts fmt: {line}", file=sys.stderr)
    if args.check:
        for name in changed:
            print(f"not in the canonical layout: {name} (run `anso-facts fmt`)")
        return 1 if changed or failed else 0
    listed = f": {', '.join(changed)}" if changed else ""
    print(f"reformatted {len(changed)} file{'s' * (len(changed) != 1)}{listed}")
    return 1 if failed else 0


def _reformatted_before(changed: list[str]) -> str:
    return f" (reformatted before it: {', '.join(changed)})" if changed else ""


def cmd_validate(args) -> int:
    from frictionless import validate

    report = validate(str(args.root / "datapackage.json"))
    for task in report.tasks:
        print(f"{'valid  ' if task.valid else 'INVALID'} {task.name}")
        for error in task.errors:
            print(
                f"  row {getattr(error, 'row_number', '-')}, field {getattr(error, 'field_name', '-')}: {error.message}"
            )
    for error in report.errors:
        print(f"INVALID package: {error.message}")
    print("datapackage.json is valid" if report.valid else "datapackage.json is NOT valid", file=sys.stderr)
    return 0 if report.valid else 1


def cmd_show(args) -> int:
    from anso_facts import find
    from anso_facts.explore import show

    try:
        found = _read_package(find, args.id, args.root)
    except LookupError as error:  # no such record (find's own: a KeyError from the tables is _read_package's)
        print(f"anso-facts show: {error.args[0]}", file=sys.stderr)
        return 1
    print(_read_package(lambda: "\n\n".join(show(record_id, args.root) for record_id in found)))
    return 0


def cmd_stats(args) -> int:
    from anso_facts.explore import stats

    print(_read_package(stats, args.root))
    return 0


def _read_package(function, *arguments):
    """A reading command's work on a package that may come from elsewhere (an unzipped release): tables that do not
    hold together as anso-facts builds them (a column missing, a null id, an id named but absent) are a
    PackageError (one line, exit 2), not a traceback."""
    try:
        return function(*arguments)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as error:
        raise PackageError(
            f"its tables do not hold together as anso-facts builds them ({type(error).__name__}: {error!s:.200})"
        ) from None


def _release(args) -> Path:
    from anso_facts.release.archive import ReleaseError, release
    from anso_facts.release.sides import DiffError

    try:
        return release(args.root, args.dist, getattr(args, "previous", None))
    except (ReleaseError, DiffError) as error:  # refused: a version too low, a link, a hostile previous release
        print(f"anso-facts release: {error}", file=sys.stderr)
        sys.exit(2)
    except FileNotFoundError as error:  # not a built checkout
        sys.exit(f"release: {error}")
    except OSError as error:  # unreadable, a full disk: the archive is written whole or not at all
        sys.exit(f"release: cannot read or write {error.filename or args.root}: {error.strerror or error}")


def cmd_diff(args) -> int:
    from anso_facts.release.diff import as_markdown, as_text, diff
    from anso_facts.release.sides import DiffError

    old, new = (str(args.root) if side == "." else side for side in (args.old, args.new))  # '.': this checkout
    try:
        found = diff(old, new, args.root)
    except DiffError as error:
        print(f"anso-facts diff: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        import json

        print(json.dumps(found.as_dict(), indent=1, ensure_ascii=False))
    else:
        print(as_markdown(found) if args.format == "markdown" else as_text(found))
    return 0


def cmd_release(args) -> int:
    print(f"wrote {_release(args)}")
    return 0


def _secret(variable: str, what: str) -> str:
    """A token from the environment, checked before any use; never echoed, not even in part."""
    from anso_facts.release.publishing import token_refusal

    value = os.environ.get(variable)
    if not value:
        print(f"set {variable} to {what}", file=sys.stderr)
        sys.exit(2)
    refusal = token_refusal(variable, value)
    if refusal:
        print(f"anso-facts publish: {refusal}", file=sys.stderr)
        sys.exit(2)
    return value


def _zenodo_host(args) -> str:
    from anso_facts.release.zenodo import SANDBOX, ZENODO

    return SANDBOX if args.sandbox else ZENODO


def _refused_on_zenodo(error: Exception) -> int:
    """A deposit refused before anything is sent (a DOI reserved on the other host): said, exit 2."""
    print(f"anso-facts publish zenodo: {error}", file=sys.stderr)
    return 2


def cmd_reserve_doi(args) -> int:
    from anso_facts.release.publishing import PublishError, redacted_line
    from anso_facts.release.zenodo import TOKEN_VARIABLE, ReservedElsewhere, keep_reserved_doi, reserving_deposit

    try:
        deposit = reserving_deposit(args.root, _zenodo_host(args), args.new_version_of)
    except ReservedElsewhere as error:
        return _refused_on_zenodo(error)
    if not args.send:
        print("dry run (nothing is sent; add --send to reserve the DOI):")
        for step in deposit.reserve_plan():
            print(f"  {step}")
        return 0
    token = _secret(TOKEN_VARIABLE, "a Zenodo token (scopes deposit:write and deposit:actions)")
    try:
        record = deposit.reserve(token)
    except PublishError as error:
        print(f"anso-facts publish zenodo: {error}", file=sys.stderr)
        return 1
    kept = keep_reserved_doi(record)
    print(
        redacted_line(
            f"reserved DOI {record['doi']} for version {record['version']} (draft {record['record']}), "
            f"recorded in {kept.name}: commit it, run `anso-facts build` and `anso-facts release`, then "
            f"`anso-facts publish zenodo --send{' --sandbox' if args.sandbox else ''}` fills that draft",
            token,
        )
    )
    return 0


def _zenodo_deposit(args):
    """The deposit of the release archive (made by `release` unless --archive names one) on Zenodo or its
    sandbox, into the draft whose DOI was reserved if there is one."""
    from anso_facts.release.zenodo import release_deposit

    archive = args.archive or _release(args)
    host = _zenodo_host(args)
    return release_deposit(args.root, archive, host, args.new_version_of, args.publish, args.community)


def _sent_state(args) -> str:
    """What became of the sent deposit, as said to the user."""
    if not args.publish:
        return "uploaded as an unpublished draft"
    return "published" if not args.community else f"submitted to the community {args.community} for review"


def cmd_publish_zenodo(args) -> int:
    if args.reserve_doi:
        return cmd_reserve_doi(args)
    from anso_facts.model.metadata import DOI_FILE
    from anso_facts.release.publishing import PublishError, redacted_line
    from anso_facts.release.zenodo import TOKEN_VARIABLE, ReservedElsewhere, keep_concept_doi

    try:
        deposit = _zenodo_deposit(args)
    except ReservedElsewhere as error:
        return _refused_on_zenodo(error)
    if not (args.send or args.publish):
        print("dry run (nothing is sent; add --send to upload a draft, --publish to publish it):")
        for step in deposit.plan():
            print(f"  {step}")
        return 0
    token = _secret(TOKEN_VARIABLE, "a Zenodo token (scopes deposit:write and deposit:actions)")
    try:
        result = deposit.send(token)
    except PublishError as error:  # every failure, the network's included: one line, never the token
        print(f"anso-facts publish zenodo: {error}", file=sys.stderr)
        return 1
    concept = keep_concept_doi(result)
    if concept:
        print(
            redacted_line(f"the concept DOI (all versions) is {concept}, recorded in {DOI_FILE.name}: commit it", token)
        )
    # the record's id and address are Zenodo's text: printed on one line, with nothing a terminal would act on
    link = result.get("links", {}).get("self_html", "")
    print(redacted_line(f"{_sent_state(args)}: record {result.get('id')} {link}", token))
    return 0


def cmd_publish_ckan(args) -> int:
    from anso_facts.release.ckan import KEY_VARIABLE, dataset, publish, resources
    from anso_facts.release.publishing import PublishError, url_problem

    problem = url_problem(args.url, carries_secret=args.send)
    if problem:
        print(f"anso-facts publish ckan: the portal's address {problem}; nothing was sent", file=sys.stderr)
        return 2
    if not args.send:
        print(f"dry run (nothing is sent; add --send): to {args.url}, create or update the dataset")
        print(f"  {dataset(args.root, args.owner_org)}")
        for item in resources(args.root):
            print(f"  upload {item['path'].relative_to(args.root)} as resource {item['name']!r}")
        return 0
    api_key = _secret(KEY_VARIABLE, "an API token of the portal")
    try:
        for step in publish(args.url, args.root, api_key, args.owner_org):
            print(step)
    except PublishError as error:  # every failure, the network's included: one line, never the key
        print(f"anso-facts publish ckan: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_publish_huggingface(args) -> int:
    from anso_facts.release import huggingface
    from anso_facts.release.publishing import PublishError, redacted_line

    problem = huggingface.repo_problem(args.repo_id)
    if problem:
        print(f"anso-facts publish huggingface: the repository {problem}; nothing was sent", file=sys.stderr)
        return 2
    if args.out:
        if args.out.exists() and any(args.out.iterdir()):
            print(f"anso-facts publish huggingface: {args.out} is not empty; nothing was written", file=sys.stderr)
            return 2
        huggingface.write_folder(args.root, args.out, args.repo_id)
        print(f"wrote what would be uploaded into {args.out}")
    if not args.send:
        print(f"dry run (nothing is sent; add --send): to the dataset repository {args.repo_id}")
        for line in huggingface.plan(args.root, args.repo_id, huggingface.HUB):
            print(f"  {line}")
        return 0
    token = _secret(huggingface.TOKEN_VARIABLE, "a Hugging Face token that may write to the repository")
    try:
        address = huggingface.upload(args.root, args.repo_id, token, huggingface.HUB)
    except PublishError as error:  # every failure, the network's included: one line, never the token
        print(f"anso-facts publish huggingface: {error}", file=sys.stderr)
        return 1
    print(redacted_line(f"uploaded version {huggingface.tag()} to {args.repo_id}: {address}", token))
    return 0


def is_checkout(root: Path) -> bool:
    """A checkout of the project has the seed catalogue and the curated data; the installed package has neither
    data/ nor the right to be written over."""
    from anso_facts import installed_root

    return (root / "seeds" / "seeds.yaml").is_file() and (root / "data").is_dir() and root != installed_root()


def enclosing_checkout(folder: Path) -> Path | None:
    """The checkout that holds `folder` (the folder itself or the nearest one above it), as git finds its
    repository; None if none does."""
    folder = folder.resolve()
    return next((candidate for candidate in (folder, *folder.parents) if is_checkout(candidate)), None)


def _default_root(command: str) -> Path:
    """The checkout that holds the current folder; else, for the read-only commands, the installed package's
    data (and for the others, the current folder, which they refuse)."""
    checkout = enclosing_checkout(Path.cwd())
    if checkout or command not in READ_ONLY:
        return checkout or Path.cwd()
    from anso_facts import data_root

    return data_root()


def _command(group, name: str, function, description: str, example: str) -> argparse.ArgumentParser:
    """A command of `group`: its help is the description's first sentence; its epilog, the example."""
    sub = group.add_parser(
        name, help=description.split(". ")[0].rstrip("."), description=description, epilog=f"example: {example}"
    )
    sub.set_defaults(function=function)
    return sub


def _add_problem_options(sub: argparse.ArgumentParser) -> None:
    """How a checking command prints its problems, and whether it uses the check's cache."""
    sub.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="how problems are printed: text (file:line:column: code: message), json (a list "
        "of objects with file, line, column, code, message) or github (GitHub Actions "
        "annotations, shown on the lines of a pull request)",
    )
    sub.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file again, neither reading nor writing .anso-cache/ (the results are the same)",
    )


def _add_check_commands(commands) -> None:
    """check, build and coverage: each checks first, and prints the problems alike."""
    check = _command(
        commands,
        "check",
        cmd_check,
        "Check the seed catalogue and every fact file: schemas, references, dates, "
        "seed hashes, quotes and grounding. Prints every problem as file:line:column: code: message "
        "(docs/checks.md lists the codes); exits 1 if any.",
        "anso-facts check --format github",
    )
    build = _command(
        commands,
        "build",
        cmd_build,
        "Check, then write build/ (CSV and Parquet), datapackage.json, schemas/, "
        "docs/ and the README's figures. Writes nothing if the check fails.",
        "anso-facts build",
    )
    coverage = _command(
        commands,
        "coverage",
        cmd_coverage,
        "Per seed, the share of non-blank lines cited by some fact or excluded "
        "in the catalogue, and the lines still uncited; with --fields, how every value rests on the text.",
        "anso-facts coverage --fields",
    )
    coverage.add_argument(
        "--fields",
        action="store_true",
        help="build, then count per table the values grounded in their quotes, inferred, "
        "described in [brackets] or unaccounted for, the classification values, and "
        "the free-text words no quote supports",
    )
    for sub in (check, build, coverage):
        _add_problem_options(sub)


def _add_site_command(commands) -> None:
    site = _command(
        commands,
        "site",
        cmd_site,
        "Build (as `build` does), then write the review site: a page per table, "
        "record and seed, each fact beside its highlighted source; the SQLite database with Datasette's "
        "metadata.json; the W3C annotations of every citation.",
        "anso-facts site && open site/index.html",
    )
    site.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="how the build's problems are printed (as for build)",
    )
    site.add_argument("--no-cache", action="store_true", help="check every file again (as for build)")
    site.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the site's folder (default: ROOT/site): new, empty, or a site written before (it holds "
        ".anso-facts-site); anything else is refused",
    )


def _add_curating_commands(commands) -> None:
    """fmt and cite: the curator's helpers."""
    fmt = _command(
        commands,
        "fmt",
        cmd_fmt,
        "Write every curated YAML file (data/, the seed catalogue) in one canonical layout: "
        "the model's key order, text folded at 116 characters, dates quoted; comments kept. --check lists "
        "the files that are not, and exits 1.",
        "anso-facts fmt --check",
    )
    fmt.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not in the layout")
    cite = _command(
        commands,
        "cite",
        cmd_cite,
        "Find where words stand in the seeds (as the check matches a quote) and print "
        "each place as a ready `cite` entry: seed, lines and the seed's own words.",
        "anso-facts cite 'national member societies' --seed cast-igf2021-booth",
    )
    cite.add_argument("words", nargs="+", help="the words to find (quote them in the shell, or give them as they come)")
    cite.add_argument("--seed", default=None, metavar="ID", help="look in this seed only")


def _add_reading_commands(commands) -> None:
    """validate, show and stats: they read a built package and write nothing."""
    _command(
        commands,
        "validate",
        cmd_validate,
        "Validate datapackage.json and its tables with frictionless, foreign keys included.",
        "anso-facts validate",
    )
    show = _command(
        commands,
        "show",
        cmd_show,
        "Show a record, the records related to it and its cited seed lines in context; each "
        "field with the words that ground it.",
        "anso-facts show CAST",
    )
    show.add_argument(
        "id", metavar="ID_OR_NAME", help="a record's id, name, acronym or alias, such as org-cast or CAST"
    )
    _command(
        commands, "stats", cmd_stats, "Count rows per table, and records and citations per seed.", "anso-facts stats"
    )


def _add_release_commands(commands) -> None:
    """release, and diff, which compares releases (or any built packages)."""
    release = _command(
        commands,
        "release",
        cmd_release,
        "Write dist/anso-facts-VERSION.zip (the data package, seeds, data, "
        "schemas, docs, licences and a manifest; byte-reproducible) and keep the package as released in "
        "releases/VERSION/; a version is written once.",
        "anso-facts release --dist /tmp",
    )
    release.add_argument("--dist", type=Path, default=None, help="output folder (default: ROOT/dist)")
    release.add_argument(
        "--previous",
        default=None,
        metavar="SIDE",
        help="the release to list the changes against and to check the version step with: a "
        "folder, archive or tag (default: the newest older release in releases/)",
    )
    differ = _command(
        commands,
        "diff",
        cmd_diff,
        "What changed between two built packages: per table, the records added, "
        "removed and changed (each changed field with its old and new value), and any table or field "
        "added, removed or retyped. Each side is a package folder, a release archive or a git "
        "revision of the checkout.",
        "anso-facts diff v0.1.0 HEAD --format markdown",
    )
    differ.add_argument(
        "old",
        help="the older side: a folder with datapackage.json, a .zip release archive, or a "
        "git revision such as v0.1.0 or HEAD~1",
    )
    differ.add_argument("new", help="the newer side, likewise ('.' for the checkout as it is now)")
    differ.add_argument("--format", choices=("text", "json", "markdown"), default="text")


def _add_seed_commands(commands) -> None:
    seed = _command(
        commands, "seed", None, "Add a source document (a seed).", "anso-facts seed add report.txt --id who-2021"
    )
    actions = seed.add_subparsers(dest="action", required=True, metavar="ACTION")
    adding = _command(
        actions,
        "add",
        cmd_seed_add,
        "Copy a text file into seeds/ (named NNN_HASH.txt), append its entry to "
        "seeds/seeds.yaml with its sha256 and line count, and make data/facts/ID.yaml for its facts. "
        "Asks for what is missing on a terminal.",
        "anso-facts seed add report.txt --id who-report-2021 "
        "--title 'A report' --publisher WHO --published 2021 --kind report --language en",
    )
    adding.add_argument("file", type=Path, help="the document, as UTF-8 text")
    adding.add_argument("--id", default=None, help="the seed's id, a lower-case slug")
    adding.add_argument("--title", default=None, help="the title, as printed or described")
    adding.add_argument("--publisher", default=None, help="who published it")
    adding.add_argument("--published", default=None, metavar="DATE", help="when: YYYY, YYYY-MM or YYYY-MM-DD")
    adding.add_argument("--kind", default=None, help="a term of seed_kinds in data/vocabularies.yaml")
    adding.add_argument("--language", default=None, help="a BCP 47 tag, such as en")
    adding.add_argument(
        "--rights",
        default=None,
        help="the rights statement (default: the usual one, that the "
        "text belongs to its publisher and is kept only so that facts can be checked)",
    )


def _add_publish_commands(commands) -> None:
    """publish, with one target per place a release is deposited."""
    publish = _command(
        commands,
        "publish",
        None,
        "Deposit the release on Zenodo, a CKAN portal or the Hugging Face Hub (a dry run unless told to send).",
        "anso-facts publish zenodo --sandbox --send",
    )
    targets = publish.add_subparsers(dest="target", required=True, metavar="TARGET")
    _add_publish_zenodo(targets)
    _add_publish_ckan(targets)
    _add_publish_huggingface(targets)


def _add_dist_option(sub: argparse.ArgumentParser) -> None:
    """Where the archive is, for the targets that upload it (publish runs `release` when it is not given)."""
    sub.add_argument("--dist", type=Path, default=None, help="where `release` writes (default: ROOT/dist)")


def _add_publish_zenodo(targets) -> None:
    zenodo = _command(
        targets,
        "zenodo",
        cmd_publish_zenodo,
        "Deposit the release archive on Zenodo; a dry run unless "
        "--send or --publish. The token is read from ZENODO_TOKEN.",
        "ZENODO_TOKEN=... anso-facts publish zenodo --sandbox --send",
    )
    zenodo.add_argument("--sandbox", action="store_true", help="use sandbox.zenodo.org")
    zenodo.add_argument("--send", action="store_true", help="upload and leave an unpublished draft")
    zenodo.add_argument("--publish", action="store_true", help="upload, then publish (implies --send)")
    zenodo.add_argument(
        "--new-version-of",
        default=None,
        metavar="ID",
        help="make a new version of this record (its id on Zenodo) instead of a new record",
    )
    zenodo.add_argument(
        "--community",
        default=None,
        metavar="SLUG",
        help="submit the record to this community for review instead of publishing it directly",
    )
    zenodo.add_argument("--archive", type=Path, default=None, help="the archive (default: run `release`)")
    zenodo.add_argument(
        "--reserve-doi",
        action="store_true",
        help="before the release: make or reuse the draft and reserve its DOI (with --send), "
        "recorded in src/anso_facts/doi.json for the next build and release to carry",
    )
    _add_dist_option(zenodo)


def _add_publish_ckan(targets) -> None:
    ckan = _command(
        targets,
        "ckan",
        cmd_publish_ckan,
        "Create or update the dataset on a CKAN portal; a dry run unless "
        "--send. The API token is read from CKAN_API_KEY.",
        "CKAN_API_KEY=... anso-facts publish ckan https://demo.ckan.org --owner-org my-org --send",
    )
    ckan.add_argument("url", help="the portal, such as https://demo.ckan.org")
    ckan.add_argument("--send", action="store_true", help="really create or update the dataset")
    ckan.add_argument("--owner-org", default=None, help="the portal organization that owns the dataset")
    _add_dist_option(ckan)


def _add_publish_huggingface(targets) -> None:
    hub = _command(
        targets,
        "huggingface",
        cmd_publish_huggingface,
        "Upload the dataset card and every table (Parquet) to "
        "a Hugging Face Hub dataset repository, as one commit tagged with the version; a dry run unless "
        "--send. The token is read from HF_TOKEN.",
        "HF_TOKEN=... anso-facts publish huggingface my-org/anso-facts --send",
    )
    hub.add_argument("repo_id", metavar="REPO_ID", help="the dataset repository, OWNER/NAME")
    hub.add_argument("--send", action="store_true", help="really upload (once per version)")
    hub.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write what would be uploaded into DIR (new or empty), to try it locally",
    )


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="anso-facts",
        description="Check, build and explore the anso-facts data package.",
        epilog="Run `anso-facts COMMAND --help` for a command's options and an example.",
    )
    main.add_argument("--version", action="version", version=f"anso-facts {__version__}")
    main.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project folder (default: the checkout that holds the current folder, found as git finds "
        "its repository; else, for show, stats and validate, the installed package's data)",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # in this order in `anso-facts --help`
    _add_check_commands(commands)
    _add_site_command(commands)
    _add_curating_commands(commands)
    _add_reading_commands(commands)
    _add_release_commands(commands)
    _add_seed_commands(commands)
    _add_publish_commands(commands)
    return main


def _not_a_checkout(args) -> int:
    print(
        f"anso-facts {args.command}: {args.root} is not a checkout of anso-facts (one with seeds/seeds.yaml "
        f"and data/), so nothing was done: run it in a clone of the repository, or pass --root",
        file=sys.stderr,
    )
    return 2


def _hold_checkout(args, held: ExitStack) -> int | None:
    """Take the checkout's lock into `held` for a command that writes, and finish a build that stopped while it
    moved its outputs into place; None if done, else the exit status (after saying why)."""
    # The commands that write hold the checkout's lock from start to end (lock.py): one writer at a time
    writers = ("build", "site", "release", "publish", "seed", "fmt")
    from anso_facts.build.swap import recover
    from anso_facts.support import lock

    try:
        if args.command in writers:
            held.enter_context(lock.writing(args.root, args.command))
        recover(args.root)  # a build stopped while it moved its outputs into place is finished first
    except lock.Busy as busy:
        print(f"anso-facts {args.command}: {busy}", file=sys.stderr)
        return lock.EXIT_BUSY
    except OSError as error:  # the lock file or the recovery cannot be written: a read-only folder
        held.close()
        return _cannot_write(args, error, args.root, "the previous outputs are")
    return None


def _run(args) -> int:
    """The command's function, with the errors every command meets said plainly."""
    try:
        return args.function(args)
    except PackageError as error:  # a package from elsewhere naming a file outside it, a descriptor of another kind
        print(f"anso-facts {args.command}: {args.root}: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as error:  # a light install: the command's tools come with an extra
        extra = EXTRA_OF_MODULE.get((error.name or "").split(".")[0])
        if extra is None:
            raise
        print(
            f"anso-facts {args.command}: needs {error.name}, which comes with the {extra!r} extra: "
            f"pip install 'anso-facts[{extra}]'",
            file=sys.stderr,
        )
        return 2
    except BrokenPipeError:  # `anso-facts show ID | head -2`: the reader has all it wants
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the interpreter's last flush does not fail again
        return 0


@with_output_shown  # nothing printed can drive the terminal: see plaintext.py
def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.root = (args.root or _default_root(args.command)).resolve()
    checkout = is_checkout(args.root)
    if args.command not in READ_ONLY and not checkout:
        return _not_a_checkout(args)
    held = ExitStack()
    if checkout:
        refused = _hold_checkout(args, held)
        if refused is not None:
            return refused
    with held:
        return _run(args)


if __name__ == "__main__":
    sys.exit(main())

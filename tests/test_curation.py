"""Curating at team scale (issue 25): the real error first, anywhere in the checkout, parallel pull requests that
merge cleanly."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from anso_facts.check.run import check
from helpers import REPO

SYNTAX_ERRORS = {  # what replaces the organizations file's 5th line -> the one code expected
    "a tab": ("\tname: x\n", "yaml-tab"),
    "an unclosed quote": ("  name: 'Alliance\n", "yaml-syntax"),
    "a bad indentation": ("     name: x\n  - y\n", "yaml-syntax"),
    "an alias": ("  name: *a\n", "yaml-alias"),
    "a tag": ("  name: !!str x\n", "yaml-tag"),
    "a second document": ("---\n", "yaml-documents"),
    "a NUL": ("  name: x\x00\n", "yaml-character"),
}


@pytest.mark.parametrize("error", sorted(SYNTAX_ERRORS))
def test_one_syntax_error_is_one_problem(built, tmp_path, error):
    """(`built`: the real facts as built, so that every id of the package built before is known.) A file that does
    not load is reported, and nothing that merely follows from it: no vanished id for each of
    its ids, no dangling reference to them from the other files."""
    root = tmp_path / "project"
    shutil.copytree(built, root)
    organizations = root / "data" / "entities" / "organizations.yaml"
    lines = organizations.read_text(encoding="utf-8").splitlines(keepends=True)
    line, code = SYNTAX_ERRORS[error]
    organizations.write_text("".join([*lines[:4], line, *lines[5:]]), encoding="utf-8")
    found = check(root)[1]
    assert [(p.file, p.code) for p in found] == [("data/entities/organizations.yaml", code)], [str(p) for p in found]
    assert "nothing that depends on its records is checked" in found[0].message


def test_bytes_that_are_not_utf8_are_one_problem(built, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built, root)
    organizations = root / "data" / "entities" / "organizations.yaml"
    organizations.write_bytes(organizations.read_bytes() + b"\xff\xfe")
    assert [p.code for p in check(root)[1]] == ["not-utf8"]


# Anywhere in the checkout -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["build"],
        ["coverage"],
        ["show", "CAST"],
        ["stats"],
        ["validate"],
        ["cite", "national member societies"],
        ["diff", ".", "."],
        ["publish", "ckan", "https://ckan.invalid"],
    ],
)
def test_every_command_finds_the_checkout_from_a_subfolder(built, tmp_path, command):
    """Run from data/facts/ of a copy of the built project (not a checkout itself), each command finds the
    checkout above it, as git finds its repository: it does not fall back to the installed data."""
    root = tmp_path / "project"
    shutil.copytree(built, root)
    done = subprocess.run(
        [sys.executable, "-m", "anso_facts.cli", *command], cwd=root / "data" / "facts", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "not a checkout" not in done.stderr
    if command[0] == "stats":  # the checkout's own package, not the one beside the code
        assert (
            str(root)
            in subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "from anso_facts.cli import enclosing_checkout; from pathlib import Path; "
                    "print(enclosing_checkout(Path.cwd()))",
                ],
                cwd=root / "data" / "facts",
                capture_output=True,
                text=True,
            ).stdout
        )


def test_outside_any_checkout_the_writing_commands_refuse(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "anso_facts.cli", "check"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 2 and "is not a checkout of anso-facts" in done.stderr


# Parallel pull requests merge cleanly ------------------------------------------------------------------------

STATEMENTS = {  # a curator's branch -> the fact file it edits and the statement it adds (under `statements:`)
    "curator-a": (
        "data/facts/cast-igf2021-booth.yaml",
        """\
- id: stmt-test-cast-ties
  speaker_id: org-cast
  verb: stated
  summary: CAST maintains close ties with millions of Chinese scientists.
  cite:
  - seed: cast-igf2021-booth
    lines: 6
    quote: CAST maintains close ties with millions of Chinese scientists
""",
    ),
    "curator-b": (
        "data/facts/bai-letter-2020.yaml",
        """\
- id: stmt-test-bai-health
  speaker_id: person-chunli-bai
  verb: expressed
  summary: Chunli Bai hoped the databases and information would be helpful.
  cite:
  - seed: bai-letter-2020
    lines: 23
    quote: I hope you and your colleagues will find the above databases and information helpful.
  - seed: bai-letter-2020
    lines: 29
    quote: Prof. Chunli Bai
""",
    ),
}


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    identity = {
        "GIT_AUTHOR_NAME": "Curator",
        "GIT_AUTHOR_EMAIL": "curator@example.invalid",
        "GIT_COMMITTER_NAME": "Curator",
        "GIT_COMMITTER_EMAIL": "curator@example.invalid",
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env={**os.environ, **identity}
    )


def anso(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "anso_facts.cli", *args], cwd=repo, capture_output=True, text=True)


def test_two_curators_branches_merge_without_conflict_and_the_merge_builds(tmp_path):
    """Two curators each add a statement to a different fact file, run the build, and commit everything `git
    status` shows; both branches merge into main without a conflict, and the merged tree checks and builds with
    both statements. The generated outputs are not committed (.gitignore), so neither branch carries them."""
    repo = tmp_path / "repo"
    tracked = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):  # what a fresh clone has
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, repo / name)
    assert git(repo, "init", "-q", "-b", "main").returncode == 0
    git(repo, "add", "-A")
    assert git(repo, "commit", "-q", "-m", "the sources").returncode == 0
    for branch, (name, record) in STATEMENTS.items():
        assert git(repo, "checkout", "-q", "-b", branch, "main").returncode == 0
        path = repo / name
        path.write_text(
            path.read_text(encoding="utf-8").replace("statements:\n", f"statements:\n{record}", 1), encoding="utf-8"
        )
        built = anso(repo, "build")
        assert built.returncode == 0, built.stdout + built.stderr
        assert git(repo, "status", "--porcelain").stdout.split() == ["M", name]  # the outputs are not tracked
        git(repo, "add", "-A")
        assert git(repo, "commit", "-q", "-m", f"{branch}: a statement").returncode == 0
    assert git(repo, "checkout", "-q", "main").returncode == 0
    for branch in STATEMENTS:
        merged = git(repo, "merge", "--no-edit", branch)
        assert merged.returncode == 0, merged.stdout + merged.stderr
    built = anso(repo, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    statements = (repo / "build" / "csv" / "statements.csv").read_text(encoding="utf-8")
    assert '"stmt-test-cast-ties"' in statements and '"stmt-test-bai-health"' in statements


# One canonical layout -----------------------------------------------------------------------------------------

MESSY = """\
# A comment that stays.
agreements:
- kind: mou
  cite:
  - quote: On 23 July, a MoU was signed between ANSO and UNCTAD
    lines: 129-130
    seed: anso-newsletter-2020
  id: agr-test
  date: 2020-07-23
  inferred: {date: The year is read from the newsletter's own date.}
  purpose:    To enhance STI-related collaboration on building the capacities within developing countries via \
training and assessment programs, a long sentence.

# A section comment that stays too.
"""


def test_fmt_writes_the_canonical_layout_once_and_keeps_data_and_comments(project):
    from anso_facts.support import yamlsafe

    path = project / "data" / "messy.yaml"
    path.write_text(MESSY, encoding="utf-8")
    assert anso(project, "fmt", "--check").returncode == 1
    done = anso(project, "fmt")
    assert done.returncode == 0 and "data/messy.yaml" in done.stdout
    text = path.read_text(encoding="utf-8")
    assert yamlsafe.load(text) == yamlsafe.load(MESSY)
    lines = text.splitlines()
    assert lines[:5] == [
        "# A comment that stays.",
        "agreements:",
        "- id: agr-test",
        "  kind: mou",
        "  date: '2020-07-23'",
    ]
    assert lines[5].startswith("  purpose: To enhance STI-related") and lines[6].startswith("    ")  # folded
    assert max(map(len, lines)) <= 120
    assert "  cite:\n  - seed: anso-newsletter-2020\n    lines: 129-130\n    quote: On 23 July" in text
    assert "# A section comment that stays too." in text
    assert not any(line != line.rstrip() for line in text.splitlines())
    assert anso(project, "fmt", "--check").returncode == 0  # and a second fmt changes nothing
    assert anso(project, "fmt").stdout.startswith("reformatted 0 files")


def test_the_curated_files_are_in_the_canonical_layout():
    done = anso(REPO, "fmt", "--check")
    assert done.returncode == 0, done.stdout + done.stderr


# Adding a document --------------------------------------------------------------------------------------------


def test_a_catalogue_entry_without_its_pins_is_told_both_values(project):
    """A seed entered by hand without sha256 and line_count: one problem giving both, not 'the seed changed'."""
    import hashlib

    catalogue = project / "seeds" / "seeds.yaml"
    text = catalogue.read_text(encoding="utf-8")
    seed = (project / "seeds" / "002_0ae214f5d57581a8.txt").read_bytes()
    pins = "  sha256: 32b6a24a779d1de55cb3922c6e1ec2f1212405c17ba5b6d39fa35d4c4fc3c046\n  line_count: 15\n"
    assert pins in text
    catalogue.write_text(text.replace(pins, ""), encoding="utf-8")
    found = [str(p) for p in check(project)[1]]
    assert len(found) == 1, found
    assert (
        ": seed-unpinned: cast-igf2021-booth: seeds/002_0ae214f5d57581a8.txt is not pinned: add `sha256: "
        f"{hashlib.sha256(seed).hexdigest()}` and `line_count: 15`" in found[0]
    )


def test_without_the_vocabularies_nothing_else_is_checked(project):
    (project / "data" / "vocabularies.yaml").unlink()
    found = [str(p) for p in check(project)[1]]
    assert found == [
        "data/vocabularies.yaml:1:1: vocabularies-missing: the vocabularies are missing: every kind, "
        "role, verb, comparator and relation a record may take is listed there"
    ]


def test_a_term_in_use_cannot_go_silently(project):
    vocabularies = project / "data" / "vocabularies.yaml"
    text = vocabularies.read_text(encoding="utf-8")
    vocabularies.write_text(text.replace("  webinar: A seminar held online.\n", ""), encoding="utf-8")
    found = [str(p) for p in check(project)[1]]
    assert found and all(": not-allowed-value: " in p and "'webinar'" in p for p in found), found


def test_seed_add_writes_the_seed_its_entry_and_its_fact_file(project, tmp_path):
    document = tmp_path / "report.txt"
    document.write_text("A report\n\nThe Example Institute of Open Data (EIOD) opened in 2021.\n", encoding="utf-8")
    catalogue_before = (project / "seeds" / "seeds.yaml").read_text(encoding="utf-8")
    refused = anso(
        project,
        "seed",
        "add",
        str(document),
        "--id",
        "report-2021",
        "--title",
        "A report",
        "--publisher",
        "EIOD",
        "--kind",
        "report",
        "--language",
        "en",
    )
    assert refused.returncode == 2 and "not in the seed_kinds of data/vocabularies.yaml" in refused.stderr
    assert (project / "seeds" / "seeds.yaml").read_text(encoding="utf-8") == catalogue_before  # nothing written
    missing = anso(project, "seed", "add", str(document), "--id", "report-2021")
    assert missing.returncode == 2 and "give --title, --publisher, --kind, --language" in missing.stderr
    done = anso(
        project,
        "seed",
        "add",
        str(document),
        "--id",
        "report-2021",
        "--title",
        "A report",
        "--publisher",
        "EIOD",
        "--kind",
        "letter",
        "--language",
        "en",
        "--published",
        "2021",
    )
    assert done.returncode == 0, done.stderr
    assert "anso-facts coverage" in done.stdout and "anso-facts cite" in done.stdout
    added = (project / "seeds" / "seeds.yaml").read_text(encoding="utf-8")
    assert added.startswith(catalogue_before)  # appended: the catalogue's comments and layout kept
    name = re.search(r"file: (\d{3}_[0-9a-f]{16}\.txt)", added[len(catalogue_before) :]).group(1)
    assert name.startswith("003_") and (project / "seeds" / name).read_bytes() == document.read_bytes()
    assert (project / "data" / "facts" / "report-2021.yaml").read_text().startswith("# yaml-language-server:")
    assert check(project)[1] == []
    again = anso(
        project,
        "seed",
        "add",
        str(document),
        "--id",
        "report-2021",
        "--title",
        "A report",
        "--publisher",
        "EIOD",
        "--kind",
        "letter",
        "--language",
        "en",
    )
    assert again.returncode == 2 and "is the id of a seed or record already" in again.stderr


# A version is written once ---------------------------------------------------------------------------------------


def test_a_version_is_written_once(tmp_path):
    """A release made again from the same sources passes (the release workflow does that on the tag); one whose
    content differs under a version that releases/VERSION/ or a tag vVERSION names is refused, and writes
    nothing."""
    from anso_facts import __version__
    from anso_facts.release.archive import ReleaseError, release
    from helpers import released_copy

    root = released_copy(tmp_path / "checkout")
    first = release(root, tmp_path / "dist")
    record = (root / "releases" / __version__ / "release.json").read_text(encoding="utf-8")
    again = release(root, tmp_path / "again")
    assert again.read_bytes() == first.read_bytes()
    guide = root / "docs" / "curating.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nA change.\n", encoding="utf-8")  # other content
    with pytest.raises(ReleaseError, match=f"version {__version__} was released already \\(releases/"):
        release(root, tmp_path / "changed")
    assert not (tmp_path / "changed").exists()
    assert (root / "releases" / __version__ / "release.json").read_text(encoding="utf-8") == record
    # without the kept release, the tag still names the version's content
    assert git(root, "init", "-q", "-b", "main").returncode == 0
    git(root, "add", "-A")
    assert git(root, "commit", "-q", "-m", "release").returncode == 0
    assert git(root, "tag", f"v{__version__}").returncode == 0
    shutil.rmtree(root / "releases")
    with pytest.raises(ReleaseError, match=f"released already \\(the tag v{__version__}\\)"):
        release(root, tmp_path / "changed")


def test_no_unnamed_seed_while_a_catalogue_entry_that_may_name_it_is_in_error(project):
    catalogue = project / "seeds" / "seeds.yaml"
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace("kind: booth-text", "kind: booth", 1), encoding="utf-8"
    )
    codes = [p.code for p in check(project)[1]]
    assert "not-allowed-value" in codes and "unnamed-seed" not in codes


def test_a_definition_is_text_too(project):
    """The vocabularies' definitions reach the schemas, the dictionary and the site: no control character, no
    formula."""
    vocabularies = project / "data" / "vocabularies.yaml"
    text = vocabularies.read_text(encoding="utf-8")
    text = text.replace("  webinar: A seminar held online.", '  webinar: "A seminar\\e[2J held online."')
    vocabularies.write_text(text.replace("  workshop: A workshop.", "  workshop: =HYPERLINK(1)"), encoding="utf-8")
    found = [str(p) for p in check(project)[1]]
    assert [p.split(": ")[1] for p in found] == ["control-character", "formula-text"], found
    assert (
        found[0].startswith("data/vocabularies.yaml:")
        and "event_kinds.webinar holds the control character U+001B" in found[0]
    )


@pytest.mark.parametrize(
    "text",
    [
        '"\\t=1+2"',
        '" =1+2"',
        '"\\n@SUM(A1)"',
        '"\\t -1"',
        '"\\u00a0=1"',
        '"\\ufeff\\u200b+1"',
        '"\\u3000\\uff1d1"',
        '"\\u22121"',
        '"\\u17b4\\ufe661"',
    ],
)
def test_a_formula_after_leading_white_space_is_refused(project, text):
    """A spreadsheet skips the spaces, tabs and line breaks before a formula: so does the check, and, as a margin,
    any white space or invisible character, before the full-width forms and the minus sign too."""
    vocabularies = project / "data" / "vocabularies.yaml"
    replaced = vocabularies.read_text(encoding="utf-8").replace("  workshop: A workshop.", f"  workshop: {text}")
    vocabularies.write_text(replaced, encoding="utf-8")
    found = [str(p) for p in check(project)[1]]
    assert [p.split(": ")[1] for p in found] == ["formula-text"], found
    assert "event_kinds.workshop starts with " in found[0] and "run as a formula" in found[0]


def test_nothing_that_shows_nothing_hides_a_formula():
    """Every white space, control, format or unassigned character (Unicode's categories Z, Cc, Cf, Cn, Co), every
    default-ignorable one and the Braille blank, is skipped before `=`."""
    import unicodedata

    from anso_facts.support.plaintext import formula_start

    blank = [chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code))[0] in "ZC"]
    ignorable = [  # Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), and the Braille blank
        chr(code)
        for first, last in [(0xAD, 0xAD), (0x34F, 0x34F), (0x61C, 0x61C), (0x115F, 0x1160), (0x17B4, 0x17B5)]
        + [(0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x2800, 0x2800)]
        + [(0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8)]
        + [(0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF)]
        for code in range(first, last + 1)
    ]
    missed = [hex(ord(char)) for char in [*blank, *ignorable] if formula_start(f"{char}=1") != "="]
    assert len(blank) > 900_000 and missed == []
    assert formula_start("a=1") is None and formula_start("\u00a0") is None


def test_the_site_lists_every_vocabulary_with_its_definitions(built):
    from anso_facts.check.run import check as checked
    from anso_facts.site.write import write_site

    project = checked(built)[0]
    site = write_site(project, built, built.parent / "vocabulary-site")
    page = (site / "vocabularies.html").read_text(encoding="utf-8")
    vocabularies = project.catalogue.vocabularies
    for name, terms in vocabularies.terms.items():
        assert f'<h2 id="{name}">{name}</h2>' in page
        for term in terms:
            assert f"<code>{term}</code>" in page
    assert "<td>A seminar held online.</td>" in page and "(subject in organizations; object in agreements)" in page


def test_a_seed_entry_reads_back_as_it_was_given():
    """Each text of a new seed's catalogue entry reads back as given, whatever its characters (typographic quotes,
    backslashes, line and paragraph separators): it is double-quoted as `cite` writes a quote."""
    import yaml

    from anso_facts.check.seed_add import NewSeed, catalogue_entry

    fields = {
        "id": "x",
        "title": "A\u2028title \u201cquoted\u201d",
        "publisher": "P\u2029Q",
        "rights": '\\ "r"',
        "published": "",
        "kind": "report",
        "language": "en",
    }
    entry = yaml.safe_load(catalogue_entry(NewSeed(fields, b"one\ntwo\n"), "001_x.txt"))[0]
    assert (entry["title"], entry["publisher"], entry["rights"]) == (
        fields["title"],
        fields["publisher"],
        fields["rights"],
    )

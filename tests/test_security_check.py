"""Security of what the check reads and what the commands print (issue 22, classes 1, 3 and 8): a seed is
plain text under a .txt name; a symbolic link in data/, seeds/ or docs/ is refused and its target neither read
nor named; control characters and formulas are refused in curated text; every terminal output shows what it
prints rather than obeying it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from anso_facts.check.run import check
from anso_facts.cli import main
from anso_facts.support.plaintext import shown

SECRET = "TOP-SECRET-LINE-outside-the-checkout"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the checkout, which nothing may read or print."""
    path = tmp_path / "outside" / "secret.yaml"
    path.parent.mkdir()
    path.write_text(f"people:\n- id: {SECRET.lower()}\n  name: {SECRET}\n", encoding="utf-8")
    return path


def run_check(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "anso_facts.cli", "--root", str(project), "check"], capture_output=True, text=True
    )


def test_a_seed_file_that_is_not_txt_is_refused(project):
    seeds = project / "seeds"
    (seeds / "002_0ae214f5d57581a8.txt").rename(seeds / "booth.html")
    catalogue = seeds / "seeds.yaml"
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace("file: 002_0ae214f5d57581a8.txt", "file: booth.html"),
        encoding="utf-8",
    )
    found = [str(p) for p in check(project)[1]]
    assert any(
        re.match(
            r"seeds/seeds\.yaml:\d+:9: bad-format: cast-igf2021-booth: file: 'booth\.html' must be a "
            r"plain file name ending in \.txt",
            p,
        )
        for p in found
    ), found


@pytest.mark.parametrize(
    "where",
    [
        "data/facts/linked.yaml",
        "data/linked-folder",
        "seeds/linked.txt",
        "seeds/002_0ae214f5d57581a8.txt",
        "seeds/seeds.yaml",
        "docs/linked.md",
        "data",
    ],
)
def test_a_symbolic_link_is_refused_and_its_target_never_read(project, outside, where):
    (project / "docs").mkdir(exist_ok=True)
    link = project / where
    if link.exists():
        if link.is_dir():
            link.rename(link.with_name(link.name + "-moved"))
        else:
            link.unlink()
    target = outside.parent if where in ("data/linked-folder", "data") else outside
    link.symlink_to(target)
    done = run_check(project)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert f"{where}:1:1: symlink: is a symbolic link, which is not read" in done.stdout
    assert SECRET.lower() not in output.lower() and str(outside.parent) not in output
    assert "Traceback" not in output


@pytest.mark.parametrize("link", ["releases", "releases/0.1.0", "releases/0.1.0/build/csv/records.csv"])
def test_the_published_ids_are_not_read_through_a_link(project, outside, link):
    """vanished-id reads releases/VERSION/build/csv/records.csv: a link there would print the ids of the file it
    points to."""
    outside.write_text(f"id,table\n{SECRET.lower()},people\n", encoding="utf-8")
    real = outside.parent / "release"
    (real / "build" / "csv").mkdir(parents=True)
    (real / "build" / "csv" / "records.csv").write_text(outside.read_text(), encoding="utf-8")
    path = project / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to({"releases": outside.parent, "releases/0.1.0": real}.get(link, outside))
    if link == "releases":
        (outside.parent / "0.1.0").symlink_to(real)
    done = run_check(project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert SECRET.lower() not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"id,table\n\xff\xfe,people\n", "utf-8"),
        (b'id\n"' + b"x" * 200_000 + b'"\n', "field larger"),
        (None, "larger than 268435456 bytes"),  # 1 GiB of zeros: a sparse file, small in git
    ],
)
def test_a_kept_release_that_cannot_be_read_is_one_problem(project, content, words):
    """releases/VERSION/ is committed: its records.csv may hold anything. Not UTF-8, or a field past csv's limit, is
    a problem at its place (a traceback before), and the check goes on."""
    records = project / "releases" / "0.1.0" / "build" / "csv" / "records.csv"
    records.parent.mkdir(parents=True)
    if content is None:
        with records.open("wb") as file:
            file.truncate(1 << 30)
    else:
        records.write_bytes(content)
    done = run_check(project)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    (line,) = done.stdout.splitlines()
    assert done.stderr == "1 problem\n", done.stderr
    assert line.startswith("releases/0.1.0/build/csv/records.csv:1:1: unreadable-release: cannot be read as a ")
    assert words in line


def test_a_release_whose_ids_all_vanished_is_told_in_a_hundred_and_one_problems(project):
    records = project / "releases" / "0.1.0" / "build" / "csv" / "records.csv"
    records.parent.mkdir(parents=True)
    records.write_text("id\n" + "".join(f"gone-{n}\n" for n in range(100_000)), encoding="utf-8")
    done = run_check(project)
    lines = done.stdout.splitlines()
    assert len(lines) == 101 and all(": vanished-id: gone-" in line for line in lines[:100]), lines[:3]
    assert lines[100] == (
        "releases/0.1.0/build/csv/records.csv:102:1: vanished-id: 99900 more ids published in 0.1.0 vanished"
    )


def test_text_output_shows_control_characters_instead_of_obeying_them():
    assert shown("a\x1b[2Jb\x07c\u202ed\x85e\rf\tg\nh") == "a\\u001b[2Jb\\u0007c\\u202ed\\u0085e\\u000df\tg\nh"


def test_no_command_prints_a_control_character(project, capsys):
    """A record that cannot pass the check is printed by it with its characters escaped, in every format; and
    `show` escapes what it prints from a package."""
    (project / "data" / "hostile.yaml").write_text(
        'people:\n- id: person-x\n  name: "\\e]0;pwned\\a\\e[2J\\u202Eevil"\n  cite:\n  - seed: cast-igf2021-booth\n'
        '    lines: 6\n    quote: "Through\\e[31m its"\n',
        encoding="utf-8",
    )
    for form in ("text", "json", "github"):
        assert main(["--root", str(project), "check", "--format", form]) == 1
        out = capsys.readouterr()
        assert re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out.out + out.err) is None, form
        assert "control-character" in out.out or "control-character" in out.err


def test_show_escapes_what_it_prints(built, capsys, monkeypatch):
    import anso_facts.explore as show_module

    real = show_module.show
    monkeypatch.setattr(show_module, "show", lambda *a: real(*a) + "\n\x1b[2J\u202e\x9b")
    assert main(["--root", str(built), "show", "org-cast"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("\\u001b[2J\\u202e\\u009b\n") and "\x1b" not in out


def test_progress_keeps_its_own_carriage_return():
    """The check's progress count on a terminal uses \\r and erases its line; that is the program's own control,
    written beneath the escaping stream, and the only one."""
    import pty

    code = (
        "import sys; from anso_facts.support.plaintext import output_shown\n"
        "from anso_facts.support.progress import progress\n"
        "with output_shown(): progress(iter(range(3)), 3, 'n'); print('\\x1b', file=sys.stderr)"
    )
    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-c", code], stderr=follower, stdout=subprocess.DEVNULL)
    os.close(follower)
    out = os.read(leader, 4096).decode()
    os.close(leader)
    assert done.returncode == 0
    assert "\rn: 3/3" in out and out.endswith("\\u001b\r\n")

"""The package's shape: stages import only earlier stages (no circles, type-only imports included); `check`
loads no heavy library; every command is documented with an example, in --help and in the README; long steps
show progress on a terminal only."""

import ast
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from anso_facts.cli import parser
from helpers import REPO

PACKAGE = REPO / "src" / "anso_facts"
# The pipeline, in order. A module may import from its own stage or an earlier one, never from a later one.
STAGES = [
    ("foundations", {"__init__", "model", "vocabularies", "schemas", "metadata", "problems", "plaintext", "yamlsafe",
                      "seedtext", "grounding", "cache", "lock", "html_contexts", "datacite"}),
    ("load", {"loader"}),
    ("rows", {"evidence", "freetext", "rows"}),
    ("check", {"checked", "rules", "check", "coverage", "cite", "seed_add", "fmt"}),
    ("tables", {"arrow_tables", "labels"}),
    ("write", {"swap", "card", "write"}),
    ("database", {"database", "annotations"}),
    ("diff", {"diff"}),
    ("release", {"ro_crate", "release"}),
    ("site", {"graph", "timeline", "site"}),
    ("publish", {"publishing", "zenodo", "ckan", "huggingface"}),
    ("explore", {"show"}),
    ("command line", {"cli"}),
]
STAGE_OF = {module: index for index, (_, modules) in enumerate(STAGES) for module in modules}


def package_imports(module: str) -> set[str]:
    """The modules of this package that `module` imports, anywhere in it (functions and TYPE_CHECKING too)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:  # from . import x: a module if there is one, else a name of __init__
                found |= {a.name if (PACKAGE / f"{a.name}.py").is_file() else "__init__" for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("anso_facts"):
            found.add(node.module.split(".")[1] if "." in node.module else "__init__")
    return found - {module}


def test_every_module_has_a_stage():
    assert {p.stem for p in PACKAGE.glob("*.py")} == set(STAGE_OF)


@pytest.mark.parametrize("module", sorted(STAGE_OF))
def test_no_stage_imports_a_later_one(module):
    later = {name for name in package_imports(module) if STAGE_OF[name] > STAGE_OF[module]}
    assert later == set(), f"{module} ({STAGES[STAGE_OF[module]][0]}) imports later stages: {later}"


def test_no_import_circles():
    graph = {module: package_imports(module) for module in STAGE_OF}

    def reaches(start: str, goal: str, seen: set) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph[start])

    assert [m for m in graph if reaches(m, m, {m})] == []


def test_check_imports_no_heavy_library(project):
    """Cold cache (every file checked and validated) and warm: neither imports Arrow, NumPy, pandas or
    frictionless."""
    code = ("import sys; from anso_facts.cli import main; code = main(['--root', sys.argv[1], 'check']); "
            "print(code, sorted(m for m in ('pyarrow', 'numpy', 'pandas', 'frictionless') if m in sys.modules))")
    for _ in ("cold", "warm"):
        out = subprocess.run([sys.executable, "-c", code, project], capture_output=True, text=True, check=True)
        assert out.stdout.splitlines()[-1] == "0 []"


def test_a_warm_check_does_not_validate_again(project):
    code = ("import sys; from anso_facts.cli import main; main(['--root', sys.argv[1], 'check']); "
            "print(sorted(m for m in ('jsonschema_rs', 'jsonschema', 'importlib.metadata') if m in sys.modules))")
    runs = [subprocess.run([sys.executable, "-c", code, project], capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert "jsonschema_rs" in runs[0].stdout  # the cold check validated every file
    assert runs[1].stdout.splitlines()[-1] == "[]"


def leaf_commands(command=None, prefix=()):
    """Every command as typed, with its parser: ('check',), ('publish', 'zenodo'), ..."""
    command = command or parser()
    actions = [a for a in command._actions if a.__class__.__name__ == "_SubParsersAction"]
    if not actions:
        yield prefix, command
        return
    for name, sub in actions[0].choices.items():
        yield from leaf_commands(sub, (*prefix, name))


COMMANDS = list(leaf_commands())


@pytest.mark.parametrize("words, command", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_every_command_has_a_description_and_an_example(words, command):
    text = command.format_help()
    assert command.description and len(command.description) > 30, text
    example = re.search(r"example: (.+)", text)
    assert example and f"anso-facts {' '.join(words)}" in example.group(1), text


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `anso-facts ([a-z ]+)", readme, re.M)
    documented = {" ".join(row.split()[:length]) for row in rows for length in (1, 2)}  # `seed add`, `check`
    assert {" ".join(words) for words, _ in COMMANDS} <= documented


def run_on_a_terminal(command: list, cwd: Path) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal (stdout a pipe); what the terminal showed."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    return process.wait(), shown.decode(errors="replace")


def test_progress_on_a_terminal_only(project):
    anso = [sys.executable, "-m", "anso_facts.cli", "--root", str(project), "build", "--no-cache"]
    code, shown = run_on_a_terminal(anso, project)
    files = len(list((project / "data").rglob("*.yaml")))  # the fact files and the catalogue (not the vocabularies)
    assert code == 0 and f"checking files: {files}/{files}" in shown, shown
    piped = subprocess.run(anso, cwd=project, capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""

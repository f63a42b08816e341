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
# The layers, in order: the public API (anso_facts/__init__.py, which imports nothing of the package), then one
# subpackage a command, then the modules at the top. A module imports from its own layer or an earlier one.
LAYERS = ["__init__", "support", "model", "check", "build", "release", "site", "top"]


def layer_of(path: Path) -> str:
    """A module's layer: its subpackage's name, "__init__" for the public API, "top" for the other modules at
    the top (the command line and explore)."""
    parts = path.relative_to(PACKAGE).parts
    if len(parts) > 1:
        return parts[0]
    return "__init__" if path.stem == "__init__" else "top"


MODULES = {".".join(p.relative_to(PACKAGE).with_suffix("").parts): layer_of(p) for p in PACKAGE.rglob("*.py")}


def package_imports(module: str) -> set[str]:
    """The modules of this package that `module` (dotted, below anso_facts) imports, anywhere in it (functions
    and TYPE_CHECKING too); a name imported from a subpackage that is a module of it counts as that module."""
    tree = ast.parse((PACKAGE / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{module}: relative import; the package imports by absolute names")
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("anso_facts"):
            base = node.module.removeprefix("anso_facts").lstrip(".")
            for alias in node.names:
                name = f"{base}.{alias.name}".lstrip(".")
                found.add(name if name in MODULES else base or "__init__")
    return found - {module}


def folders_on_disk() -> dict[str, set[str]]:
    """Each folder of the package (anso_facts for the top) and the modules in it, without subpackages' __init__."""
    folders: dict[str, set[str]] = {}
    for module in MODULES:
        folder, _, name = module.rpartition(".")
        if not (folder and name == "__init__"):
            folders.setdefault(folder or "anso_facts", set()).add(name)
    return folders


def test_the_readme_draws_the_folders():
    """README's development section draws each folder and its modules once, in the order of the layers; the
    folders on disk are that drawing."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    drawing = readme.split("<!-- layers -->")[1].split("<!-- /layers -->")[0]
    drawn = {
        folder: set(re.findall(r"`([a-z_]+)`", modules))
        for folder, modules in re.findall(r"^ *\| `([a-z_]+)/` \| ([^|]+) \|", drawing, re.M)
    }
    assert list(drawn) == ["anso_facts"] + [layer for layer in LAYERS if layer not in ("__init__", "top")]
    assert drawn == folders_on_disk()


def test_every_subpackage_is_a_layer():
    assert {layer_of(p) for p in PACKAGE.rglob("*.py")} == set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_layer_imports_a_later_one(module):
    order = LAYERS.index
    later = {name for name in package_imports(module) if order(MODULES[name]) > order(MODULES[module])}
    assert later == set(), f"{module} ({MODULES[module]}) imports later layers: {later}"


def test_no_import_circles():
    graph = {module: package_imports(module) for module in MODULES}

    def reaches(start: str, goal: str, seen: set) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph[start])

    assert [m for m in graph if reaches(m, m, {m})] == []


def test_check_imports_no_heavy_library(project):
    """Cold cache (every file checked and validated) and warm: neither imports Arrow, NumPy, pandas or
    frictionless, nor multiprocessing when no file is checked in another process (the real data is small)."""
    heavy = "('pyarrow', 'numpy', 'pandas', 'frictionless', 'multiprocessing')"
    code = (
        "import sys; from anso_facts.cli import main; code = main(['--root', sys.argv[1], 'check']); "
        f"print(code, sorted(m for m in {heavy} if m in sys.modules))"
    )
    for _ in ("cold", "warm"):
        out = subprocess.run([sys.executable, "-c", code, project], capture_output=True, text=True, check=True)
        assert out.stdout.splitlines()[-1] == "0 []"


def test_a_warm_check_does_not_validate_again(project):
    code = (
        "import sys; from anso_facts.cli import main; main(['--root', sys.argv[1], 'check']); "
        "print(sorted(m for m in ('jsonschema_rs', 'jsonschema', 'importlib.metadata') if m in sys.modules))"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code, project], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
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


def test_every_function_is_short():
    """A function of the package reads in one screen: at most 40 lines (split a longer one into named steps)."""
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 40:
                long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert long == []

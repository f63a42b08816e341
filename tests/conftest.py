import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def files_under(root: Path) -> dict[str, bytes]:
    """Every file the build writes under `root`, by path: what two builds are compared by."""
    from anso_facts.compile import OUTPUTS
    out = {}
    for name in OUTPUTS:
        paths = [root / name] if (root / name).is_file() else sorted((root / name).rglob("*"))
        out |= {p.relative_to(root).as_posix(): p.read_bytes() for p in paths if p.is_file()}
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real project's seeds and fact files, to break or to build in."""
    for folder in ("seeds", "data"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The real facts, built once into a scratch project (the committed build is compared with it)."""
    from anso_facts.compile import build
    from anso_facts.project import check
    root = tmp_path_factory.mktemp("built")
    for folder in ("seeds", "data"):
        shutil.copytree(REPO / folder, root / folder)
    facts, problems = check(root)
    assert problems == []
    build(facts, root)
    return root

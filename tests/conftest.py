import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


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

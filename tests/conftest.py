from pathlib import Path

import pytest

from helpers import build_project, copy_real_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real project's seeds and fact files, to break or to build in."""
    return copy_real_project(tmp_path)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The real facts, built once into a scratch project (the committed build is compared with it)."""
    root = copy_real_project(tmp_path_factory.mktemp("built"))
    build_project(root)
    return root

"""What several test modules share."""

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def copy_real_project(root: Path) -> Path:
    """The real project's seeds and fact files, copied into `root`."""
    for folder in ("seeds", "data"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def build_project(root: Path, **options):
    """Check and build the project in `root` (options as for write.check_for_build); it must have no problem."""
    from anso_facts.write import build, check_for_build
    project, problems = check_for_build(root, **options)
    assert problems == [], [str(p) for p in problems]
    build(project, root)
    return project

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
    from anso_facts.build.write import build, check_for_build

    project, problems = check_for_build(root, **options)
    assert problems == [], [str(p) for p in problems]
    build(project, root)
    return project


def released_copy(root: Path) -> Path:
    """The built checkout's files a release packs, copied into `root`: a release made there keeps its package in
    root/releases/ and writes root/CHANGELOG.md, never the repository's."""
    from anso_facts.release.archive import CHANGELOG, INCLUDED

    for name in (*INCLUDED, CHANGELOG, "README.md"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            root.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, root / name)
    return root

import os
from pathlib import Path

import pytest

from helpers import build_project, copy_real_project

CHROMIUM = Path("/usr/bin/chromium")  # Debian's: Playwright's own download cannot be reached here


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


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module. Missing, it fails the tests under CI=true and
    skips them elsewhere."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `python3 dev.py test` installs it (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()

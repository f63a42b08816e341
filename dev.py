#!/usr/bin/env python3
"""Development tasks, runnable on a fresh machine with only python3:

python3 dev.py build   # make .venv, install, build the package and validate it with frictionless
python3 dev.py test    # the same, then fail if the build changed a committed file or a curated file is not in
                       # the canonical layout (`anso-facts fmt --check`), then the review site,
                       # formatting and lint (ruff), types (mypy) and the tests (pytest), the browser tests in Debian's
                       # Chromium (installed with apt-get when missing)
python3 dev.py bench   # the speed benchmark of `anso-facts check`; exits 1 if its target is missed
python3 dev.py scale   # the scale benchmark: 100,000 synthetic records against the YAML floor (minutes);
                       # exits 1 if a target is missed
python3 dev.py release # build, then the release archive, the review site, the wheel and the sdist
"""

import os
import runpy
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if sys.platform == "win32" else "bin")
# What the build writes that is committed (src/anso_facts/build/outputs.py, which imports nothing of the package,
# so that it is read here before the package is installed)
GENERATED = list(runpy.run_path(str(ROOT / "src" / "anso_facts" / "build" / "outputs.py"))["COMMITTED"])


def run(*command: str) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def install() -> None:
    """The virtual environment with the package and its test tools. The first install takes about a minute: on a
    terminal, pip shows its progress; elsewhere (CI, a log) it stays quiet."""
    if not (BIN / "python").exists():
        print("creating .venv and installing the package and its test tools (about a minute, once)", flush=True)
        venv.create(VENV, with_pip=True)
    quiet = [] if sys.stdout.isatty() else ["--quiet"]
    run(
        str(BIN / "python"),
        "-m",
        "pip",
        "install",
        *quiet,
        "--disable-pip-version-check",
        "-c",
        "constraints.txt",
        "-e",
        ".[test]",
    )


def build() -> None:
    install()
    run(str(BIN / "anso-facts"), "build")
    run(str(BIN / "anso-facts"), "validate")


def committed_outputs_unchanged() -> None:
    """The build must reproduce the committed files it writes byte for byte."""
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--", *GENERATED], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    if changed:
        sys.exit("The build changed committed files (run `python3 dev.py build` and commit them):\n" + changed)
    print("the generated files are as committed: " + ", ".join(GENERATED))


CHROMIUM = Path("/usr/bin/chromium")


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium (Playwright's own download cannot be reached): install it when
    missing, as root or through sudo. If that cannot be done, the browser tests fail under CI=true."""
    if CHROMIUM.exists() or not shutil.which("apt-get"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    print("installing Debian's chromium for the browser tests", flush=True)
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(
            [*sudo, *command], stdout=subprocess.DEVNULL, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        )
        if done.returncode:
            print(f"could not install chromium ({' '.join(command)} exited {done.returncode})", flush=True)
            return


def test() -> None:
    build()
    committed_outputs_unchanged()
    run(str(BIN / "anso-facts"), "fmt", "--check")
    run(str(BIN / "anso-facts"), "site")
    ensure_chromium()
    run(str(BIN / "ruff"), "format", "--check", ".")
    run(str(BIN / "ruff"), "check", ".")
    run(str(BIN / "mypy"))
    run(str(BIN / "python"), "-m", "pytest", "-q", *sys.argv[2:])


def scale() -> None:
    install()
    run(str(BIN / "python"), "benchmarks/scale.py", *sys.argv[2:])


def release() -> None:
    """What the release workflow runs on a version tag."""
    build()
    run(str(BIN / "anso-facts"), "release")
    run(str(BIN / "anso-facts"), "site")  # after the release, so that the site offers its archive
    run(str(BIN / "hatchling"), "build", "-t", "wheel", "-t", "sdist", "-d", "dist")


def bench() -> None:
    install()
    run(str(BIN / "python"), "benchmarks/check_speed.py")


if __name__ == "__main__":
    tasks = {"build": build, "test": test, "bench": bench, "scale": scale, "release": release}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        sys.exit(__doc__)
    try:
        tasks[sys.argv[1]]()
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)

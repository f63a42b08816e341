"""docs/curating.md's worked example runs as written: each shell block in order, each YAML block put where its
first line says, in a copy of the project; at the end the check passes and the site has the example's pages."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import REPO

GUIDE = REPO / "docs" / "curating.md"
BLOCK = re.compile(r"^```(sh|yaml)\n(.*?)^```", re.M | re.S)
PLACE = re.compile(r"^# in ([\w./-]+)(?:, under (\w+))?:\n")


def example_blocks() -> list[tuple[str, str]]:
    """The blocks of the worked example, in order."""
    example = GUIDE.read_text(encoding="utf-8").split("## A worked example", 1)[1]
    return BLOCK.findall(example)


def put(root: Path, block: str) -> None:
    """A YAML block whose first line is `# in FILE:` is added at the end of FILE; `# in FILE, under KEY:`, just
    after the line `KEY:`."""
    place = PLACE.match(block)
    assert place, f"a YAML block of the example must say where it goes: {block[:60]!r}"
    path, key = root / place.group(1), place.group(2)
    body = block[place.end() :]
    text = path.read_text(encoding="utf-8")
    if key:
        assert f"\n{key}:" in text, key
        text = re.sub(rf"^{key}:[^\n]*\n", lambda m: m.group(0) + body, text, count=1, flags=re.M)
    else:
        text = text.rstrip("\n") + "\n" + body
    path.write_text(text, encoding="utf-8")


def test_the_worked_example_runs_as_written(tmp_path):
    root = tmp_path / "project"
    for name in ("seeds", "data"):
        shutil.copytree(REPO / name, root / name)
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    blocks = example_blocks()
    assert [kind for kind, _ in blocks].count("sh") >= 3 and [kind for kind, _ in blocks].count("yaml") >= 4
    outputs = []
    for kind, block in blocks:
        if kind == "yaml":
            put(root, block)
            continue
        done = subprocess.run(["bash", "-e", "-c", block], cwd=root, capture_output=True, text=True, env=environment)
        assert done.returncode == 0, f"{block}\n{done.stdout}\n{done.stderr}"
        outputs.append(done.stdout)
    assert "ok: " in outputs[-1]  # check
    assert "org-eiod (organizations): Example Institute of Open Data (EIOD)" in outputs[-1]  # show EIOD
    assert "stated in [1]" in outputs[-1]
    assert "lines: 3" in outputs[1] and "the Example Institute of Open Data (EIOD) held" in outputs[1]  # cite
    assert (root / "site" / "records" / "part-eiod-seminar-2021-eiod-host.html").is_file()
    assert "note" in (root / "data" / "vocabularies.yaml").read_text(encoding="utf-8")
    assert sorted(p.name for p in (root / "seeds").iterdir())[-2].startswith("003_")

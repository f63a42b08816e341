"""The scale benchmark: `anso-facts build` on synthetic projects against the floor of parsing the same YAML.

    python3 dev.py scale                       # 100,000 records, 3 runs (several minutes)
    .venv/bin/python benchmarks/scale.py --records 1000 --runs 1

In one run, interleaved (so that drift hits every step alike), medians of --runs runs, each step a fresh
process with start-up included:
  floor      the same files parsed with PyYAML's C loader, collector paused, over all cores, and the same
             tables written with pyarrow (Parquet and CSV);
  build      `anso-facts build` from a clean state (no outputs, no cache);
  site       `anso-facts site` after that build (it builds again, from the cache, then writes the review site,
             the SQLite file and the annotations), against the full build;
  rebuild    `anso-facts build` after one of the ~100 files changed, with the cache the build before left (and
             its output compared byte for byte with a full build of the same files);
  check      `anso-facts check` on the real data;
  load       `anso_facts.load("citations")` against a bare `pandas.read_parquet` of the same file (in process);
and the peak memory (max RSS) of one build: of its largest process, the build or one of its workers (one per
core), so the whole build holds at most (cores + 1) times that. Prints the ratios against the targets of
issues 4 and 14. What a run leaves is deleted at the end, not between steps (see clean); run it at least fifteen
minutes after deleting many files, for the same reason.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ANSO = [sys.executable, "-m", "anso_facts.cli"]


# The floor, run in its own process: `python scale.py --floor ROOT OUT` ---------------------------------------


def _parse(path: str):
    import yaml

    gc.disable()
    with open(path, encoding="utf-8") as stream:
        return yaml.load(stream, Loader=yaml.CSafeLoader)


def floor(root: Path, out: Path) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    files = sorted(str(p) for p in (root / "data").rglob("*.yaml") if p.name != "vocabularies.yaml")  # records only
    with Pool(os.cpu_count()) as pool:
        documents = pool.map(_parse, files, chunksize=4)
    tables: dict[str, list[dict]] = {}
    citations = []
    for document in documents:
        for table, records in document.items():
            for record in records:
                for i, cite in enumerate(record.get("cite", ()), 1):
                    citations.append({"record_id": record["id"], "position": i, **{k: str(v) for k, v in cite.items()}})
                tables.setdefault(table, []).append(
                    {k: v if isinstance(v, (int, str)) else str(v) for k, v in record.items() if k != "cite"}
                )
    tables["citations"] = citations
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        table = pa.Table.from_pylist(rows)
        pq.write_table(table, out / f"{name}.parquet", compression="zstd")
        pacsv.write_csv(table, out / f"{name}.csv")


# The steps -------------------------------------------------------------------------------------------------


def timed(command: list, cwd: Path = REPO) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def clean(root: Path, trash: Path) -> None:
    """A clean state: no outputs, and no cache either. What was there is moved into `trash`, which main()
    deletes at the end: deleting a site's 100,000 files here would slow the next step's file creations, which
    would measure the file system rather than the command (ext4 without a journal, as here, skips the inodes
    deleted in the last minutes when it allocates new ones: creating a file took 30 microseconds, and 650 right
    after such a deletion)."""
    from anso_facts.build.swap import OUTPUTS
    from anso_facts.support.cache import FOLDER

    trash.mkdir(exist_ok=True)
    place = Path(tempfile.mkdtemp(dir=trash))
    for name in (*OUTPUTS, FOLDER, "site"):
        if (root / name).exists():
            (place / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).rename(place / name)


def edit_one_file(root: Path, run: int) -> None:
    """Change one fact of one file: a new summary text, different on every run."""
    facts = sorted(p for p in (root / "data").glob("facts-*.yaml"))
    path = facts[len(facts) // 2]
    text = path.read_text(encoding="utf-8")
    marker = "  verb: called-for\n  summary: Solidarity"
    if marker not in text:
        marker = "  honorific: Prof.\n"
        path.write_text(text.replace(marker, f"  honorific: Prof.\n  # edit {run}\n", 1), encoding="utf-8")
        return
    path.write_text(text.replace(marker, f"  verb: called-for\n  summary: Edit {run}. Solidarity", 1), encoding="utf-8")


def load_ratio(root: Path, repeats: int = 15) -> tuple[float, float]:
    import pandas as pd

    import anso_facts

    path = root / "build" / "parquet" / "citations.parquet"
    ours, bare = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        anso_facts.load("citations", root)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        pd.read_parquet(path)
        bare.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(bare)


def peak_memory_of_build(root: Path) -> float:
    """Max RSS of the largest process of one `anso-facts build` (the build or a worker), in MiB, measured by
    a wrapper process that runs nothing else."""
    wrapper = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    result = subprocess.run(
        [sys.executable, "-c", wrapper, *ANSO, "--root", str(root), "build"], check=True, capture_output=True, text=True
    )
    return int(result.stdout) / 1024  # ru_maxrss is in KiB on Linux


def compile_bytecode() -> None:
    """Byte-compile the package once, as installing it from a wheel does, so that every step starts from
    bytecode even where Python is told not to write any (PYTHONDONTWRITEBYTECODE, as on our machines)."""
    import compileall

    import anso_facts

    compileall.compile_dir(Path(anso_facts.__file__).parent, quiet=1)


def machine() -> str:
    import platform

    model = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--floor", nargs=2, type=Path, metavar=("ROOT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        return floor(*args.floor)

    from anso_facts.build.swap import output_files  # not above: the floor's process must not import it

    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="anso-scale-"))
    try:
        root = work / "project"
        generate(root, args.records, args.files)
        steps: dict[str, list[float]] = {"floor": [], "build": [], "site": [], "rebuild": [], "check": []}
        identical = True
        for run in range(args.runs):
            shutil.rmtree(work / "floor-out", ignore_errors=True)
            steps["floor"].append(timed([sys.executable, __file__, "--floor", root, work / "floor-out"]))
            clean(root, work / "trash")
            steps["build"].append(timed([*ANSO, "--root", root, "build"]))
            steps["site"].append(timed([*ANSO, "--root", root, "site"]))
            edit_one_file(root, run)
            steps["rebuild"].append(timed([*ANSO, "--root", root, "build"]))
            rebuilt = output_files(root)
            clean(root, work / "trash")
            timed([*ANSO, "--root", root, "build"])
            identical &= output_files(root) == rebuilt
            steps["check"].append(timed([*ANSO, "check"]))
        ours, bare = load_ratio(root)
        peak = peak_memory_of_build(root)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    median = {name: statistics.median(times) for name, times in steps.items()}
    rows = [  # step, seconds, ratio, target, met (None: no target)
        ("floor (C loader, all cores, + pyarrow writes)", median["floor"], "", "", None),
        (
            "anso-facts build, full",
            median["build"],
            f"{median['build'] / median['floor']:.2f}x floor",
            "<= 1.3x floor",
            median["build"] <= 1.3 * median["floor"],
        ),
        (
            "anso-facts site, after the build",
            median["site"],
            f"{median['site'] / median['build']:.2f}x build",
            "<= 1.5x build",
            median["site"] <= 1.5 * median["build"],
        ),
        (
            "anso-facts build, one file changed",
            median["rebuild"],
            f"{median['rebuild'] / median['build']:.3f}x build",
            "<= 0.1x build",
            median["rebuild"] <= 0.1 * median["build"],
        ),
        ("anso-facts check, real data", median["check"], "", "<= 0.15 s", median["check"] <= 0.15),
        (
            "anso_facts.load('citations')",
            ours,
            f"{ours / bare:.2f}x read_parquet",
            "<= 1.2x read_parquet",
            ours <= 1.2 * bare,
        ),
        ("pandas.read_parquet, same file", bare, "", "", None),
    ]
    print(f"{args.records:,} records in {args.files} files; medians of {args.runs} interleaved runs; {machine()}")
    print(f"{'step':48s} {'seconds':>8s}  {'ratio':20s} {'target':22s} met")
    for name, seconds, ratio, target, met in rows:
        print(f"{name:48s} {seconds:8.3f}  {ratio:20s} {target:22s} {'' if met is None else 'yes' if met else 'NO'}")
    print("each run:", "; ".join(f"{name} {', '.join(f'{t:.2f}' for t in times)}" for name, times in steps.items()))
    bound = f"whole build <= {(os.cpu_count() + 1) * peak:.0f} MiB"
    print(f"{'peak memory of one build, largest process':48s} {peak:7.0f} MiB {bound:19s} < 1024 MiB")
    print(f"rebuild output byte-identical to a full build: {'yes' if identical else 'NO'}")
    missed = [name for name, _, _, _, met in rows if met is False] + ([] if identical else ["identical output"])
    if missed:
        print(f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

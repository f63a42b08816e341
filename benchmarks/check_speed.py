"""Wall time of `anso-facts check` on the real data (cache warm), start-up included, against a bare
`python -c pass` and against importing pyarrow, pandas and frictionless (which `check` must not do). Medians of
interleaved runs, one run; exits 1 if the target is missed.

    python3 dev.py bench
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 15
TARGET = 0.15  # seconds
COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "anso-facts check": [sys.executable, "-m", "anso_facts.cli", "check"],
    "import yaml": [sys.executable, "-c", "import yaml"],
    "import pyarrow, pandas, frictionless": [sys.executable, "-c", "import pyarrow, pandas, frictionless"],
}


def main() -> int:
    subprocess.run(COMMANDS["anso-facts check"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # warm the cache
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(RUNS):
        for name, command in COMMANDS.items():  # interleaved, so drift hits every command alike
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    baseline = statistics.median(times["python -c pass (baseline)"])
    print(f"{'command':32s} {'median s':>9s} {'x baseline':>11s}   ({RUNS} interleaved runs)")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:32s} {median:9.3f} {median / baseline:11.1f}")
    check = statistics.median(times["anso-facts check"])
    met = check <= TARGET
    print(
        f"\nanso-facts check: {check:.3f} s wall, start-up included; target <= {TARGET} s: "
        f"{'met' if met else 'NOT met'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

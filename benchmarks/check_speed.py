"""Wall time of `anso-facts check` on the real data, start-up included, against a bare `python -c pass` and
against importing pandas and frictionless (which `check` must not do). Medians of interleaved runs, one run.

    python3 dev.py bench
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 15
COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "anso-facts check": [sys.executable, "-m", "anso_facts.cli", "check"],
    "import pandas, frictionless": [sys.executable, "-c", "import pandas, frictionless"],
}


def main() -> None:
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
    print(f"\nanso-facts check: {check:.3f} s wall, start-up included; target < 0.5 s: "
          f"{'met' if check < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()

"""Run the benchmarks: every `bench/bench_*.py` module's `main()`, or those named.

`python -m bench` runs all of them in name order; `python -m bench sync metrics`
runs `bench_sync.py` and `bench_metrics.py` only. Each prints its own figures
and ratios, and runs in a process of its own, so that no benchmark's memory or
warm caches colour the next one's figures.
"""

import pkgutil
import subprocess
import sys
import time
from pathlib import Path


def available() -> list[str]:
    """The benchmark names found beside this file, in name order."""
    here = Path(__file__).parent
    names = [info.name for info in pkgutil.iter_modules([str(here)])]
    return sorted(
        name.removeprefix("bench_") for name in names if name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    """Run the chosen benchmarks one after another; 1 if any of them failed."""
    names = argv or available()
    failures = 0
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        code = f"import bench.bench_{name} as bench; bench.main()"
        finished = subprocess.run([sys.executable, "-c", code], check=False)
        elapsed = time.perf_counter() - started
        if finished.returncode != 0:
            print(f"== {name} failed (exit {finished.returncode})", flush=True)
            failures += 1
            continue
        print(f"== {name} done in {elapsed:.1f} s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

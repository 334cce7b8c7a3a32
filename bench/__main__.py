"""Run the benchmarks: every `bench/bench_*.py` module's `main()`, or those named.

`python -m bench` runs all of them in name order; `python -m bench sync metrics`
runs `bench_sync.py` and `bench_metrics.py` only. Each prints its own figures
and ratios.
"""

import importlib
import pkgutil
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
    """Run the chosen benchmarks one after another and return 0."""
    names = argv or available()
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        module.main()
        print(f"== {name} done in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

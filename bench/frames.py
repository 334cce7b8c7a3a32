"""What the app benchmarks share: a frame drawn, and a figure against its target.

Not a benchmark itself (its name does not start with `bench_`).
"""

import os
from typing import Any

from bench.world import NOW


def pin_now() -> None:
    """Pin the app's now to the benchmark worlds' (unless it is pinned already)."""
    os.environ.setdefault("AGENTMON_NOW", NOW)


def draw(app: Any) -> None:
    """Compose the whole screen, as a terminal refresh would."""
    app.screen._compositor.render_strips()


def against_target(label: str, seconds: float, target: float, width: int) -> str:
    """One line: the label, the time in ms, the target and the ratio."""
    return (
        f"{label:<{width}} {seconds * 1000:8.1f} ms  target {target * 1000:6.0f} ms"
        f"  ({seconds / target:.2f} of target)"
    )


def memory_against_target(megabytes: float, target_mb: int, width: int) -> str:
    """One line: the peak memory, its target and the ratio."""
    return (
        f"{'max resident memory':<{width}} {megabytes:8.1f} MB  target "
        f"{target_mb:6d} MB  ({megabytes / target_mb:.2f} of target)"
    )

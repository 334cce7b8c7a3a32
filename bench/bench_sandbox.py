"""Sandbox figures: generation time and peak memory per scale, serving rates.

Generation runs in a fresh interpreter per scale, so that its peak RSS is its
own. Serving is measured against a large sandbox in another process, over
loopback, with one keep-alive client reading whole pages of 5000 records (the
client keeps the bytes and does not parse them, so the figure is the
server's); the serialisation rate alone is measured in this process.
"""

import json
import subprocess
import sys
import time

NOW = "2026-06-01T12:00:00Z"
PAGE = 5000
TARGET_RECORDS_PER_S = 150_000

_GENERATE = """
import json, sys, time
from bench.memory import peak_rss_mb
started = time.perf_counter()
from sandbox.config import SandboxConfig, parse_iso_ms
from sandbox.world import World
config = SandboxConfig(seed=7, scale=sys.argv[1], now_ms=parse_iso_ms(sys.argv[2]))
world = World(config)
seconds = time.perf_counter() - started
snapshot = world.snapshot()
print(json.dumps({
    "seconds": seconds,
    "peak_rss_mb": peak_rss_mb(),
    "stats": world.stats()["counts"],
    "generated": {name: len(getattr(snapshot, name))
                  for name in ("sessions", "messages", "logs", "flags", "feedback")},
}))
"""

_SERVE = """
import sys
from bench.memory import peak_rss_mb
from sandbox import SandboxConfig, parse_iso_ms, start_sandbox
running = start_sandbox(SandboxConfig(seed=7, scale="large",
                                      now_ms=parse_iso_ms(sys.argv[1])))
print(running.base_url, running.organization_id, flush=True)
sys.stdin.read()
running.stop()
print(peak_rss_mb(), flush=True)
"""


def _generation(scale: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", _GENERATE, scale, NOW],
        capture_output=True,
        text=True,
        check=True,
    )
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


def _serving_rate(
    base_url: str, organization_id: str, stream: str
) -> tuple[float, int]:
    """Records per second over one walk (bounded to 60 pages) of a stream."""
    import httpx

    path = f"/api/observability/v1/organization/{organization_id}/{stream}"
    headers = {"Authorization": "Bearer sandbox-admin-key"}
    records = 0
    cursor = None
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        client.get(path, params={"limit": 1})  # connect and warm up
        started = time.perf_counter()
        for _ in range(60):
            params: dict[str, str | int] = {"limit": PAGE, "start_date": "2025-12-01"}
            if cursor:
                params = {"limit": PAGE, "cursor": cursor}
            response = client.get(path, params=params)
            cursor = response.headers["x-next-cursor"]
            # Count records without parsing: every record has one of these.
            key = b'"log_id":' if stream == "logs/export" else b'"message_id":'
            records += response.content.count(key)
            if b'"has_more":false' in response.content:
                break
        elapsed = time.perf_counter() - started
    return records / elapsed, records


def _serialisation_rates() -> dict[str, float]:
    """Records per second of log and message pages turned into JSON, in-process."""
    import numpy as np

    from sandbox.config import SandboxConfig, parse_iso_ms
    from sandbox.records import log_records, message_records
    from sandbox.world import World

    world = World(SandboxConfig(seed=7, scale="medium", now_ms=parse_iso_ms(NOW)))
    snapshot = world.snapshot()
    render = {
        "log records": lambda positions: log_records(snapshot, positions),
        "messages": lambda positions: message_records(world, snapshot, positions),
    }
    rates = {}
    for name, records in render.items():
        records(np.arange(PAGE))  # the first page builds the text pools
        pages = min(len(snapshot.logs), len(snapshot.messages)) // PAGE
        started = time.perf_counter()
        for page in range(pages):
            positions = np.arange(page * PAGE, (page + 1) * PAGE)
            ("[" + ",".join(records(positions)) + "]").encode()
        rates[name] = pages * PAGE / (time.perf_counter() - started)
    return rates


def main() -> None:
    """Print generation, memory and serving figures."""
    for scale in ("small", "medium", "large"):
        figures = _generation(scale)
        print(
            f"generate {scale}: {figures['seconds']:.2f} s, "
            f"peak RSS {figures['peak_rss_mb']:.0f} MB"
        )
        print(f"  generated {figures['generated']}")
        print(f"  stats     {figures['stats']}")

    for name, rate in _serialisation_rates().items():
        print(
            f"serialise {name} (one core, no HTTP): {rate:,.0f} records/s "
            f"({rate / TARGET_RECORDS_PER_S:.1f}x the {TARGET_RECORDS_PER_S:,} target)"
        )

    server = subprocess.Popen(
        [sys.executable, "-c", _SERVE, NOW],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        base_url, organization_id = server.stdout.readline().split()
        for stream in ("logs/export", "session-logs/messages/export"):
            rate, records = _serving_rate(base_url, organization_id, stream)
            print(
                f"serve {stream} over loopback (large, pages of {PAGE}): "
                f"{rate:,.0f} records/s over {records:,} records"
            )
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=30)
    peak = float(server.stdout.read().strip() or 0)
    print(f"large sandbox's peak RSS after serving both walks: {peak:.0f} MB")


if __name__ == "__main__":
    main()

"""Ground-truth metrics computed from the generated arrays, not from any store.

The definitions are those of docs/metrics.md: a half-open window on
`inserted_at_ms`, percentiles by `numpy.percentile(method="linear")` over the
non-null durations, status classes over every response, spend summed as
integers.
"""

import json

import numpy as np

from sandbox.records import cents_text
from sandbox.world import Snapshot

_SPEND_MARK = "__spend_cents__"


def truth_metrics(
    snapshot: Snapshot,
    applications: list[int] | None,
    from_ms: int,
    to_ms: int,
    user_ids: list[str],
) -> str:
    """The metrics JSON for the agents (None: all) over `[from_ms, to_ms)`."""
    logs = snapshot.logs
    inserted = logs["inserted"]
    low = int(np.searchsorted(inserted, from_ms, "left"))
    high = max(low, int(np.searchsorted(inserted, to_ms, "left")))
    window = slice(low, high)
    keep = (
        np.ones(high - low, dtype=bool)
        if applications is None
        else np.isin(logs["app"][window], applications)
    )
    duration = logs["duration"][window][keep].astype(np.int64)
    status = logs["status"][window][keep]
    user = logs["user"][window][keep]
    prompt = logs["prompt"][window][keep].astype(np.int64)
    completion = logs["completion"][window][keep].astype(np.int64)
    cost = logs["cost"][window][keep]

    known = duration[duration >= 0]
    count = len(known)
    percentiles: list[float | None] = [None] * 4
    if count:
        percentiles = [
            float(value)
            for value in np.percentile(
                known.astype(np.float64), [50, 90, 95, 99], method="linear"
            )
        ]
    counts = np.bincount(user, minlength=len(user_ids))
    ranked = np.lexsort((np.arange(len(counts)), -counts))
    top = [int(i) for i in ranked[:5] if counts[i] > 0]
    answer = {
        "window": {"from_ms": from_ms, "to_ms": to_ms},
        "performance": {
            "n": count,
            "avg_ms": int(known.sum()) / count if count else None,
            "p50_ms": percentiles[0],
            "p90_ms": percentiles[1],
            "p95_ms": percentiles[2],
            "p99_ms": percentiles[3],
            "status": {
                "200": int(((status >= 200) & (status < 300)).sum()),
                "400": int(((status >= 400) & (status < 500)).sum()),
                "500": int(((status >= 500) & (status < 600)).sum()),
            },
        },
        "engagement": {
            "interactions": len(status),
            "users": int((counts > 0).sum()),
            "top_users": [
                {"user_id": user_ids[i], "interactions": int(counts[i])} for i in top
            ],
        },
        "usage": {
            "prompt_tokens": int(prompt.sum()),
            "completion_tokens": int(completion.sum()),
            "total_tokens": int(prompt.sum() + completion.sum()),
            "spend_cents": _SPEND_MARK,
        },
    }
    text = json.dumps(answer)
    return text.replace(f'"{_SPEND_MARK}"', cents_text(int(cost.sum())))

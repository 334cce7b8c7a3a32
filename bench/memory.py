"""Peak memory of the current process, measured so that its parent cannot leak in.

`ru_maxrss` is no good here: Linux carries the high-water mark of the process
image replaced by `exec` into the new program's figure, so a child started
from a large benchmark process reports at least the parent's size. `VmHWM` in
/proc belongs to the current image alone.
"""

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started its program, in MB."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

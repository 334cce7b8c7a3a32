"""A stand-in for Writer's API over loopback HTTP, with a synthetic organisation.

    from sandbox import SandboxConfig, start_sandbox

    with start_sandbox(SandboxConfig(seed=7, scale="small")) as running:
        ...  # talk to running.base_url with running.admin_key

It serves exactly docs/api.md. It never imports `store/`, `sync/` or `tui/`.
"""

from sandbox.config import SandboxConfig, parse_faults, parse_iso_ms
from sandbox.errors import BadSandboxConfig, CannotListen, SandboxError
from sandbox.running import RunningSandbox, start_sandbox

__all__ = [
    "BadSandboxConfig",
    "CannotListen",
    "RunningSandbox",
    "SandboxConfig",
    "SandboxError",
    "parse_faults",
    "parse_iso_ms",
    "start_sandbox",
]

"""`agentmon sandbox`: serve the synthetic organisation over loopback HTTP.

Runs until interrupted (Ctrl-C or SIGTERM). Prints one line on start with
the base URL, the organisation and where each key came from: `--admin-key`,
`$AGENTMON_SANDBOX_ADMIN_KEY`, or the built-in default (`sandbox-admin-key`;
likewise for the member key). Those keys are never printed. `--admin-key
random` generates a key for this run, and that one is printed, because a
local stand-in is useless without it.
"""

import argparse
import os
import secrets
import signal
import sys
from types import FrameType

ADMIN_KEY_VARIABLE = "AGENTMON_SANDBOX_ADMIN_KEY"
MEMBER_KEY_VARIABLE = "AGENTMON_SANDBOX_MEMBER_KEY"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `sandbox` subcommand."""
    parser = subparsers.add_parser(
        "sandbox",
        help="serve a synthetic organisation that speaks Writer's API",
        description="Serve a stand-in for Writer's API on loopback, with a "
        "deterministic synthetic organisation (docs/api.md).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=7, help="organisation seed")
    parser.add_argument(
        "--scale", choices=("small", "medium", "large"), default="medium"
    )
    parser.add_argument(
        "--now",
        metavar="ISO8601",
        help="the sandbox's now (default: the current minute)",
    )
    parser.add_argument(
        "--admin-key",
        help=f"the admin key (else ${ADMIN_KEY_VARIABLE}, else sandbox-admin-key; "
        "'random' generates one for this run and prints it)",
    )
    parser.add_argument(
        "--member-key",
        help=f"the member key (else ${MEMBER_KEY_VARIABLE}, else sandbox-member-key; "
        "'random' generates one for this run and prints it)",
    )
    parser.add_argument(
        "--faults",
        default="",
        metavar="SPEC",
        help="fault probabilities, e.g. 429=0.1,5xx=0.05,drop=0.02,slow=0.01,"
        "malformed=0.05",
    )
    parser.add_argument(
        "--live", action="store_true", help="keep adding sessions as time passes"
    )
    parser.add_argument(
        "--slow-seconds", type=float, default=3.0, help="delay of a slow fault"
    )
    parser.add_argument("--fault-seed", type=int, default=1, help="seed of faults")
    parser.set_defaults(run=run)


def _key(given: str | None, variable: str, default: str, flag: str) -> tuple[str, str]:
    """The key to use, and where it came from in words for the start line.

    The words never hold the key itself unless it was generated for this run.
    """
    if given == "random":
        key = secrets.token_urlsafe(18)
        return key, f"generated for this run: {key}"
    if given is not None:
        return given, f"from {flag}"
    if os.environ.get(variable):
        return os.environ[variable], f"from ${variable}"
    return default, "the built-in default"


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Treat SIGTERM like Ctrl-C, so that the sandbox stops the same way."""
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; a bad setting prints one line and exits 2."""
    from sandbox import SandboxConfig, SandboxError, parse_faults, parse_iso_ms
    from sandbox.config import DEFAULT_ADMIN_KEY, DEFAULT_MEMBER_KEY

    try:
        admin_key, admin_source = _key(
            args.admin_key, ADMIN_KEY_VARIABLE, DEFAULT_ADMIN_KEY, "--admin-key"
        )
        member_key, member_source = _key(
            args.member_key, MEMBER_KEY_VARIABLE, DEFAULT_MEMBER_KEY, "--member-key"
        )
        config = SandboxConfig(
            seed=args.seed,
            scale=args.scale,
            now_ms=parse_iso_ms(args.now) if args.now else None,
            admin_key=admin_key,
            member_key=member_key,
            faults=parse_faults(args.faults),
            live=args.live,
            host=args.host,
            port=args.port,
            slow_seconds=args.slow_seconds,
            fault_seed=args.fault_seed,
        )
        from sandbox import start_sandbox

        running = start_sandbox(config)
    except SandboxError as error:
        print(f"agentmon sandbox: {error}", file=sys.stderr)
        return error.exit_code
    organization = running.world.organization
    signal.signal(signal.SIGTERM, _interrupt)
    # The line is printed inside the try, so that an interrupt arriving the
    # moment a caller has read it still stops the sandbox cleanly.
    try:
        print(
            f"sandbox: serving {running.base_url} for {organization.organization_id} "
            f"({organization.name}), seed {config.seed}, scale {config.scale}; "
            f"admin key {admin_source}, member key {member_source}; Ctrl-C stops",
            flush=True,
        )
        running.wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    print("sandbox: stopped", flush=True)
    return 0

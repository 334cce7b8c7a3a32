"""The errors the sandbox raises before it serves: bad settings, a busy port."""


class SandboxError(Exception):
    """Base of every foreseen sandbox failure; its text is one line for users."""

    exit_code = 2


class BadSandboxConfig(SandboxError):
    """A setting given to the sandbox is out of range or does not parse."""


class CannotListen(SandboxError):
    """The sandbox could not bind its address (port in use, not loopback)."""

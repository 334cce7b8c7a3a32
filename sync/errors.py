"""The errors the remote client and the sync engine raise, naming what failed.

Each message is one line a user can act on; none ever contains the API key.
"""


class SyncError(Exception):
    """Base of every foreseen failure in `sync/`; its text is one line for users."""

    exit_code = 1


class ConfigError(SyncError):
    """The configuration is missing, malformed or unsafe."""


class AuthError(SyncError):
    """The remote refused the API key (401)."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(
            f"the API key was refused ({endpoint} answered 401): check WRITER_API_KEY"
        )
        self.endpoint = endpoint


class Forbidden(SyncError):
    """The key is valid but may not read this (403): not an admin, or another org."""

    def __init__(self, endpoint: str, detail: str = "") -> None:
        why = f": {detail}" if detail else ""
        super().__init__(
            f"{endpoint} answered 403{why}: the key lacks the admin role or "
            "belongs to another organisation"
        )
        self.endpoint = endpoint


class Unreachable(SyncError):
    """No connection could be made to the remote host."""

    def __init__(self, host: str, detail: str) -> None:
        super().__init__(
            f"cannot reach {host} ({detail}): check WRITER_BASE_URL and the network"
        )
        self.host = host


class RemoteError(SyncError):
    """The remote kept failing (or answered an error we do not retry).

    `status` is the HTTP status (0 when the connection itself failed), `code`
    the error code from the body when it had one, `body` the decoded error
    body (None without one).
    """

    body: object = None

    def __init__(
        self,
        endpoint: str,
        status: int,
        code: str | None,
        detail: str,
        advice: str,
    ) -> None:
        what = f"{status}" if status else "no answer"
        parts = [f"{endpoint} answered {what}"]
        if code:
            parts.append(f" {code}")
        if detail:
            parts.append(f": {detail}")
        parts.append(f"; {advice}")
        super().__init__("".join(parts))
        self.endpoint = endpoint
        self.status = status
        self.code = code
        self.detail = detail


class RateLimited(RemoteError):
    """The remote kept answering 429 after every retry."""


class RemoteTimeout(RemoteError):
    """The remote kept taking longer than the timeout after every retry."""


class ProtocolError(SyncError):
    """A page's shape broke the contract (not a record: the page itself)."""

    def __init__(self, endpoint: str, detail: str) -> None:
        super().__init__(
            f"{endpoint} answered a page that breaks the contract: {detail}"
        )
        self.endpoint = endpoint


class InvalidRetention(SyncError):
    """A retention value outside the allowed list (checked before any request)."""

    def __init__(self, value: int, allowed: tuple[int, ...]) -> None:
        choices = ", ".join(str(days) for days in allowed)
        super().__init__(f"retention must be one of {choices} days, not {value}")

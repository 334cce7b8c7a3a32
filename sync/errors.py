"""The errors the remote client and the sync engine raise, naming what failed."""


class SyncError(Exception):
    """Base of every foreseen failure in `sync/`; its text is one line for users."""

    exit_code = 1

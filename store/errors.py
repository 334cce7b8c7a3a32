"""The errors the local database raises, each naming what went wrong."""


class StoreError(Exception):
    """Base of every foreseen failure in `store/`; its text is one line for users."""

    exit_code = 1

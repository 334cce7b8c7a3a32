"""The errors the local database raises, each naming what went wrong."""

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """Base of every foreseen failure in `store/`; its text is one line for users."""

    exit_code = 1


class NoLocalCopy(StoreError):
    """There is no database at the path yet: nothing has been synced there."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no local copy yet at {path}: run agentmon sync")
        self.path = path


class NotAgentmonDatabase(StoreError):
    """The file exists but is not an agentmon database; it is left untouched."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(
            f"{path} is not an agentmon database ({why}); it was left untouched: "
            "choose another file with --db or AGENTMON_DB"
        )
        self.path = path


class SchemaTooNew(StoreError):
    """The database was written by a newer agentmon; this one will not alter it."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        super().__init__(
            f"{path} uses schema version {found}, newer than this agentmon "
            f"understands ({supported}): upgrade agentmon; the file was left untouched"
        )
        self.path = path
        self.found = found
        self.supported = supported


class SchemaTooOld(StoreError):
    """A read-only open found a schema that needs migrating first."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        super().__init__(
            f"{path} uses schema version {found}, older than {supported}: "
            "run agentmon sync to upgrade it"
        )
        self.path = path


class DatabaseLocked(StoreError):
    """Another process holds the database (or its sync lock) for too long."""

    def __init__(
        self, path: Path, detail: str = "another process is writing it"
    ) -> None:
        super().__init__(f"{path} is locked: {detail}; try again when it has finished")
        self.path = path


class DiskFull(StoreError):
    """SQLite could not grow the file: the disk (or its quota) is full."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"the disk holding {path} is full: free some space and sync again "
            "(what was synced so far is kept)"
        )
        self.path = path


class DatabaseReadOnly(StoreError):
    """The file or its directory cannot be written by this user."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} is read-only for this user: check its permissions "
            "and those of its directory"
        )
        self.path = path


class DatabaseUnavailable(StoreError):
    """The file or directory cannot be opened or created at all."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"cannot open {path}: {detail}")
        self.path = path


class DatabaseCorrupt(StoreError):
    """SQLite reports the file's content as damaged."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} is damaged: move it aside and run agentmon sync to build "
            "a new local copy"
        )
        self.path = path


class OtherOrganization(StoreError):
    """The database already holds another organisation's data."""

    def __init__(self, path: Path, held: str, asked: str) -> None:
        super().__init__(
            f"{path} holds organisation {held}, but the key belongs to {asked}: "
            "use another file with --db or AGENTMON_DB"
        )
        self.path = path


def translate_sqlite_error(error: sqlite3.Error, path: Path) -> StoreError | None:
    """The named store error for a SQLite failure we foresee; None for a bug."""
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return DatabaseLocked(path)
    if name == "SQLITE_FULL" or "disk is full" in text:
        return DiskFull(path)
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return DatabaseReadOnly(path)
    if name == "SQLITE_NOTADB" or "not a database" in text:
        return NotAgentmonDatabase(path, "not a SQLite file")
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return DatabaseCorrupt(path)
    if name.startswith("SQLITE_CANTOPEN"):
        return DatabaseUnavailable(path, "the file or its directory cannot be opened")
    if name.startswith("SQLITE_IOERR"):
        return DatabaseUnavailable(path, f"input/output error ({text})")
    return None


class NotADemoDatabase(StoreError):
    """The demo would replace a file that holds real synced data."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} holds a synced copy that is not a demo; the demo will not "
            "replace it: choose another file with --db"
        )
        self.path = path

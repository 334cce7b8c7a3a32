"""The diagnostics log: retries, rejects and purges, never a secret.

`agentmon sync` (and the app) write it to `$XDG_STATE_HOME/agentmon/agentmon.log`
(`~/.local/state/agentmon/agentmon.log`), readable by the owner only. Nothing
logged carries the API key: the client never logs headers, and httpx's own
request lines (which carry only URLs) are kept out.
"""

import logging
import os
from pathlib import Path

from store.paths import ensure_private_dir, state_dir

LOG_NAME = "agentmon.log"
FORMAT = "%(asctime)s %(levelname)s %(message)s"


def configure_file_log(directory: Path | None = None) -> Path | None:
    """Send agentmon's diagnostics to the log file; its path, or None if unwritable.

    A log that cannot be written must not stop a sync, so failure only means
    no log. Calling it twice adds no second handler.
    """
    folder = state_dir() if directory is None else directory
    path = folder / LOG_NAME
    logger = logging.getLogger("agentmon")
    for handler in logger.handlers:
        if (
            isinstance(handler, logging.FileHandler)
            and Path(handler.baseFilename) == path
        ):
            return path
    try:
        ensure_private_dir(folder)
        descriptor = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
        os.close(descriptor)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return path

"""Fixtures of the sandbox tests: clients and one full walk shared by many."""

from collections.abc import Iterator

import httpx
import pytest

from sandbox import RunningSandbox
from tests.sandbox.walk import STREAMS, Walk, client, full_window, walk


@pytest.fixture(scope="session")
def admin(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """An admin-key client of the shared sandbox."""
    with client(sandbox) as http:
        yield http


@pytest.fixture(scope="session")
def member(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """A member-key client of the shared sandbox."""
    with client(sandbox, sandbox.member_key) as http:
        yield http


@pytest.fixture(scope="session")
def walked(sandbox: RunningSandbox, admin: httpx.Client) -> dict[str, Walk]:
    """Every export stream of the shared sandbox, walked as an admin sync does."""
    start = full_window(sandbox)
    history = walk(admin, sandbox, "history", start_date="1970-01-01")
    walks = {
        name: walk(admin, sandbox, name, limit=400, start_date=start)
        for name in STREAMS
        if name != "history"
    }
    walks["history"] = history
    return walks

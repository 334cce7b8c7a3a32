"""The export streams' paging: opaque cursors, tail and browse, repeats.

A cursor names a stream, an order and a position in that stream's insertion
order (plus the lowest position the first call asked for and an optional
agent filter), signed so that a made-up or foreign token is refused. Cursors
hold no server state: a page that was never delivered consumed nothing.

Delivery is at least once on purpose: a page sometimes starts again with the
last one to three records of the page before it, decided by a hash of the
position, so the same request always gets the same answer.
"""

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sandbox.text import stable_hash

# A function giving, for positions [start, stop), which ones are served;
# None means every position is.
Mask = Callable[[int, int], np.ndarray] | None

STREAM_CODES = {
    "logs": 1,
    "feedback": 2,
    "sessions": 3,
    "messages": 4,
    "flags": 5,
    "history": 6,
}


class InvalidCursor(ValueError):
    """A cursor that does not decode, or belongs to another stream."""


@dataclass(frozen=True)
class Cursor:
    """Where a walk of one stream stands."""

    stream: str
    order: str  # tail or browse
    position: int  # tail: next position to look at; browse: exclusive top
    floor: int  # the lowest position the walk covers (from start_date)
    application: int  # agent index filter, -1 for all


@dataclass(frozen=True)
class Page:
    """The positions one page delivers, in delivery order, and what follows."""

    positions: np.ndarray
    next_cursor: Cursor
    has_more: bool


class CursorCodec:
    """Signs and checks cursors with a key fixed for one organisation."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._hash_key = int.from_bytes(hashlib.blake2b(secret, digest_size=8).digest())

    def encode(self, cursor: Cursor) -> str:
        """The opaque token for a cursor."""
        payload = (
            f"{cursor.stream}.{cursor.order}.{cursor.position}."
            f"{cursor.floor}.{cursor.application}"
        ).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"c1.{body}.{self._sign(payload)}"

    def decode(self, token: str, stream: str) -> Cursor:
        """The cursor a token stands for; `InvalidCursor` if it is not one of ours."""
        try:
            version, body, signature = token.split(".")
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            if version != "c1" or signature != self._sign(payload):
                raise InvalidCursor("cursor is not valid")
            name, order, position, floor, application = payload.decode().split(".")
            cursor = Cursor(name, order, int(position), int(floor), int(application))
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidCursor("cursor is not valid") from error
        if cursor.stream != stream:
            raise InvalidCursor(f"cursor belongs to the {cursor.stream} export")
        if cursor.order not in ("tail", "browse"):
            raise InvalidCursor("cursor is not valid")
        return cursor

    def repeats(self, cursor: Cursor) -> int:
        """How many already delivered records the page at `cursor` sends again."""
        value = stable_hash(
            self._hash_key, STREAM_CODES[cursor.stream], cursor.position, 0x4E
        )
        if value % 5:
            return 0
        return 1 + (value >> 20) % 3

    def _sign(self, payload: bytes) -> str:
        return hashlib.blake2b(payload, key=self._secret, digest_size=6).hexdigest()


def _forward(mask: Mask, start: int, stop: int, need: int) -> np.ndarray:
    """Up to `need` served positions from `start` upwards, below `stop`."""
    if need <= 0 or start >= stop:
        return np.empty(0, dtype=np.int64)
    if mask is None:
        return np.arange(start, min(stop, start + need), dtype=np.int64)
    found: list[np.ndarray] = []
    got = 0
    chunk = max(2 * need, 4096)
    while start < stop and got < need:
        end = min(stop, start + chunk)
        hits = start + np.flatnonzero(mask(start, end))
        hits = hits[: need - got]
        found.append(hits)
        got += len(hits)
        start = end
        chunk *= 2
    return np.concatenate(found).astype(np.int64) if found else np.empty(0, np.int64)


def _backward(mask: Mask, top: int, floor: int, need: int) -> np.ndarray:
    """Up to `need` served positions below `top`, down to `floor`, newest first."""
    if need <= 0 or top <= floor:
        return np.empty(0, dtype=np.int64)
    if mask is None:
        return np.arange(top - 1, max(floor, top - need) - 1, -1, dtype=np.int64)
    found: list[np.ndarray] = []
    got = 0
    chunk = max(2 * need, 4096)
    while top > floor and got < need:
        begin = max(floor, top - chunk)
        hits = begin + np.flatnonzero(mask(begin, top))
        hits = hits[::-1][: need - got]
        found.append(hits)
        got += len(hits)
        top = begin
        chunk *= 2
    return np.concatenate(found).astype(np.int64) if found else np.empty(0, np.int64)


def select_page(
    codec: CursorCodec, cursor: Cursor, length: int, mask: Mask, limit: int
) -> Page:
    """The page a cursor asks for, over a stream of `length` positions."""
    if cursor.order == "tail":
        return _tail_page(codec, cursor, length, mask, limit)
    return _browse_page(codec, cursor, length, mask, limit)


def _tail_page(
    codec: CursorCodec, cursor: Cursor, length: int, mask: Mask, limit: int
) -> Page:
    position = min(cursor.position, length)
    fresh = _forward(mask, position, length, limit + 1)
    # Only a page that brings something new repeats: the end of a stream
    # stays empty until something is inserted.
    again = 0
    if len(fresh) and position > cursor.floor:
        again = min(codec.repeats(cursor), limit - 1)
    repeated = _backward(mask, position, cursor.floor, again)[::-1]
    room = limit - len(repeated)
    has_more = len(fresh) > room
    fresh = fresh[:room]
    following = int(fresh[-1]) + 1 if has_more else length
    return Page(
        np.concatenate([repeated, fresh]),
        Cursor(cursor.stream, "tail", following, cursor.floor, cursor.application),
        has_more,
    )


def _browse_page(
    codec: CursorCodec, cursor: Cursor, length: int, mask: Mask, limit: int
) -> Page:
    top = min(cursor.position, length)
    fresh = _backward(mask, top, cursor.floor, limit + 1)
    again = min(codec.repeats(cursor), limit - 1) if len(fresh) and top < length else 0
    repeated = _forward(mask, top, length, again)[::-1]
    room = limit - len(repeated)
    has_more = len(fresh) > room
    fresh = fresh[:room]
    following = int(fresh[-1]) if has_more else cursor.floor
    return Page(
        np.concatenate([repeated, fresh]),
        Cursor(cursor.stream, "browse", following, cursor.floor, cursor.application),
        has_more,
    )

"""What the screen-by-screen snapshot tests share: the two sizes, and one picture.

`compare_screen` opens the app on a database, pushes the screen under test
directly (the journeys to it are driven key by key elsewhere), lets it
settle, presses `keys` and compares the picture.
"""

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

NARROW = (80, 24)
WIDE = (160, 48)


def compare_screen(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    db: Path,
    size: tuple[int, int],
    make_screen: Callable[[], Any],
    keys: Sequence[str] = (),
    *,
    theme: str | None = None,
    settle: Callable[[Any, Any], Awaitable[None]] | None = None,
) -> bool:
    """Whether the picture of `make_screen()` on `db` matches its snapshot.

    `settle(pilot, screen)`, when given, runs once the screen is up and
    before the keys: to step a period, or to wait for a worker's figures.
    """
    app = make_app(db)
    app.animation_level = "none"

    async def arrive(pilot: Any) -> None:
        if theme is not None:
            app.theme = theme
        screen = make_screen()
        await app.push_screen(screen)
        await pilot.pause()
        if settle is not None:
            await settle(pilot, screen)

    return bool(
        snap_compare(app, press=list(keys), terminal_size=size, run_before=arrive)
    )

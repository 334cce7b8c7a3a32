"""What a sync tells its caller while it runs, and the summary it ends with.

The engine calls the `progress` callback with a `SyncProgress` after every page
and a `SyncNotice` for something worth saying once (a member key skipping the
admin-only sources). The callback runs in the syncing thread; a UI thread
should hand the event over rather than draw from it.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from store.retention import PurgeCounts

# The entities a summary counts, in the order a user reads them.
ENTITIES = (
    "agents",
    "users",
    "settings_history",
    "log_records",
    "feedback",
    "sessions",
    "messages",
    "flags",
    "consumption_daily",
    "consumption_breakdown",
)


@dataclass(frozen=True)
class SyncProgress:
    """A page landed: `pages` and `rows` so far for `source`, `total` when known."""

    source: str
    pages: int
    rows: int
    total: int | None = None
    finished: bool = False


@dataclass(frozen=True)
class SyncNotice:
    """Something the user should read once, such as sources skipped for a role."""

    text: str


SyncEvent = SyncProgress | SyncNotice
ProgressCallback = Callable[[SyncEvent], None]


@dataclass
class EntityChanges:
    """Rows of one entity that a sync added, and rows whose content it changed."""

    new: int = 0
    updated: int = 0


@dataclass
class SyncSummary:
    """How a sync went: per-entity changes, rejects, purged transcripts, time."""

    organization_id: str = ""
    organization_name: str = ""
    role: str = ""
    outcome: str = "ok"  # ok or cancelled
    entities: dict[str, EntityChanges] = field(
        default_factory=lambda: {name: EntityChanges() for name in ENTITIES}
    )
    rejects: int = 0
    purged: PurgeCounts = field(default_factory=PurgeCounts)
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def new_rows(self) -> int:
        """New rows over all entities."""
        return sum(changes.new for changes in self.entities.values())

    @property
    def updated_rows(self) -> int:
        """Updated rows over all entities."""
        return sum(changes.updated for changes in self.entities.values())

    def describe(self) -> str:
        """One line for a notification: what changed, and how long it took."""
        text = (
            f"{self.new_rows} new and {self.updated_rows} updated rows "
            f"in {self.seconds:.1f} s"
        )
        if self.rejects:
            text += f", {self.rejects} rejected"
        if self.outcome != "ok":
            text += f" ({self.outcome})"
        return text

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary (also what `sync_runs.summary` records)."""
        return asdict(self)

    def lines(self) -> list[str]:
        """The summary as a user reads it at the end of `agentmon sync`."""
        head = (
            f"synced {self.organization_name or self.organization_id} "
            f"as {self.role or 'unknown role'} in {self.seconds:.1f} s"
        )
        if self.outcome != "ok":
            head += f" ({self.outcome}: run agentmon sync again to finish)"
        width = max(len(name) for name in ENTITIES)
        rows = [f"  {'':<{width}}  {'new':>9}  {'updated':>9}"]
        rows += [
            f"  {name:<{width}}  {changes.new:>9}  {changes.updated:>9}"
            for name, changes in self.entities.items()
        ]
        tail = [f"rejects: {self.rejects}"]
        if self.purged.total:
            tail.append(
                f"removed by retention: {self.purged.sessions} sessions, "
                f"{self.purged.messages} messages, {self.purged.flags} flags"
            )
        return [head, *rows, *tail, *self.notices]

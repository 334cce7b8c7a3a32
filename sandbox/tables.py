"""Append-only numpy tables that readers can use without locks.

A `Table` keeps equal-length columns with spare capacity. A writer fills the
rows past the published length and then publishes a new `TableView`; readers
hold a view and see a consistent prefix however the table grows after.
"""

import threading
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TableView:
    """The first `length` rows of a table's columns, as published once."""

    columns: dict[str, np.ndarray]
    length: int

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name][: self.length]


class Table:
    """Columns of equal length that only ever grow at the end."""

    def __init__(self, columns: dict[str, np.ndarray]) -> None:
        lengths = {len(column) for column in columns.values()}
        if len(lengths) != 1:
            raise ValueError("columns of a table must have one length")
        self._lock = threading.Lock()
        self._view = TableView(dict(columns), lengths.pop())

    def view(self) -> TableView:
        """The table as last published."""
        return self._view

    def append(self, rows: dict[str, np.ndarray]) -> TableView:
        """Add rows at the end and return the view that shows them (unpublished).

        The caller publishes with `publish`, so that several tables can show
        their new rows together.
        """
        with self._lock:
            view = self._view
            added = len(next(iter(rows.values())))
            columns = view.columns
            capacity = len(next(iter(columns.values())))
            needed = view.length + added
            if needed > capacity:
                grown = max(needed, capacity + capacity // 4 + 4096)
                columns = {}
                for name, column in view.columns.items():
                    bigger = np.empty(grown, dtype=column.dtype)
                    bigger[: view.length] = column[: view.length]
                    columns[name] = bigger
            for name, column in columns.items():
                column[view.length : needed] = rows[name]
            return TableView(columns, needed)

    def publish(self, view: TableView) -> None:
        """Make `view` (from `append`) what readers see."""
        self._view = view

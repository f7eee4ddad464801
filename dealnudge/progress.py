"""Progress output for long syncs: a live bar per stream on a terminal, quiet otherwise.

Connectors report ``(stream, done, total)`` from worker threads; rich's ``Progress``
is thread-safe, so the callback only maps stream names to tasks under a lock.
"""

from __future__ import annotations

import threading
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class SyncProgress:
    def __init__(self, console: Console) -> None:
        self._enabled = console.is_terminal
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                  MofNCompleteColumn(), TimeElapsedColumn(),
                                  console=console, transient=True)
        self._tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> SyncProgress:
        if self._enabled:
            self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._enabled:
            self._progress.stop()

    def update(self, stream: str, done: int, total: int | None) -> None:
        if not self._enabled:
            return
        with self._lock:
            task = self._tasks.get(stream)
            if task is None:
                task = self._progress.add_task(stream, total=total)
                self._tasks[stream] = task
            self._progress.update(task, completed=done, total=total)

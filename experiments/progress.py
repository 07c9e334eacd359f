"""A progress bar with ETA on stderr (rich), silent when stderr is not a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class RunProgress:
    """``with RunProgress(total, label) as bar: bar.advance(ok)`` — counts runs and failures."""

    def __init__(self, total: int, label: str, enabled: bool = True):
        self.total, self.failed = total, 0
        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("failed {task.fields[failed]}"), TimeElapsedColumn(),
            TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True), disable=not enabled, transient=False)
        self._task = self._progress.add_task(label, total=total, failed=0)

    def __enter__(self) -> RunProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def advance(self, ok: bool) -> None:
        self.failed += not ok
        self._progress.update(self._task, advance=1, failed=self.failed)

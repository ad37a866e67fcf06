"""Progress of a long import on the command line: tqdm bars on a terminal, else nothing.

With --verbosity 2 each stage is also named on a line of its own, terminal or not, so a script
(or the test that kills an import midway) can tell when the write phase begins.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from tqdm import tqdm


class CommandProgress:
    def __init__(self, stdout: Any, *, echo_stages: bool = False) -> None:
        self.stdout = stdout
        self.echo_stages = echo_stages
        self.bars = stdout.isatty()
        self._stage: str | None = None
        self._bar: tqdm[Any] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self._close_bar()
            self._stage = stage
            if self.echo_stages:
                self.stdout.write(f"== {stage}")
                self.stdout.flush()
            if self.bars:
                self._bar = tqdm(total=total, desc=stage, unit=" rows", leave=False)
        if self._bar is not None:
            self._bar.update(done - self._bar.n)

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> CommandProgress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._close_bar()

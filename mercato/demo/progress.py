"""A dependency-free progress bar written to standard error."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Draw ``[#####.....]  42% label`` on one line, at most ten times a second.

    A disabled bar accepts every call and prints nothing, so callers never branch on it.
    """

    width = 30

    def __init__(
        self, total: int, *, enabled: bool = True, stream: TextIO | None = None
    ) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.label = ""
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self._last_render = 0.0

    def advance(self, steps: int = 1, *, label: str | None = None) -> None:
        self.done = min(self.total, self.done + steps)
        if label is not None:
            self.label = label
        self._render(force=self.done >= self.total)

    def set_label(self, label: str) -> None:
        self.label = label
        self._render(force=True)

    def finish(self, label: str = "done") -> None:
        self.done = self.total
        self.label = label
        self._render(force=True)
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def _render(self, *, force: bool) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_render < 0.1:
            return
        self._last_render = now
        filled = self.width * self.done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        percent = 100 * self.done // self.total
        self.stream.write(f"\r[{bar}] {percent:3d}% {self.label[:40]:<40}")
        self.stream.flush()

"""Progress of a long solve on the terminal: elapsed time and, where known, the bounds.

A solver step calls a :class:`Progress` (or any callable taking the same dict)
with ``phase`` and ``elapsed`` and, when it has them, ``lower``, ``upper`` and
``gap``. Lines go to stderr, at most one per ``interval`` seconds, so stdout
stays clean for ``--json`` (which turns progress off anyway).
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

ProgressCallback = Callable[[dict], None]


class Progress:
    """Print progress events as one line each, throttled to ``interval`` seconds."""

    def __init__(self, stream: TextIO | None = None, interval: float = 2.0):
        self.stream = stream
        self.interval = interval
        self._last = -float("inf")

    def __call__(self, event: dict) -> None:
        now = time.perf_counter()
        if now - self._last < self.interval and not event.get("final"):
            return
        self._last = now
        print(format_event(event), file=self.stream or sys.stderr, flush=True)


def format_event(event: dict) -> str:
    """``[  12.3 s] L-shaped iteration 5: lower 1,234.57  upper 1,240.1  gap 0.45%``."""
    parts = [f"[{event.get('elapsed', 0.0):7.1f} s] {event.get('phase', 'solving')}"]
    if "iteration" in event:
        parts.append(f"iteration {event['iteration']}:")
    for key in ("lower", "upper"):
        if event.get(key) is not None and math.isfinite(event[key]):
            parts.append(f"{key} {event[key]:,.8g}")
    if event.get("gap") is not None and math.isfinite(event["gap"]):
        parts.append(f"gap {max(event['gap'], 0.0):.2e}")
    if event.get("note"):
        parts.append(str(event["note"]))
    return "  ".join(parts)


class Ticker:
    """Emit ``{phase, elapsed, **latest}`` every ``interval`` seconds while a call blocks.

    HiGHS releases the GIL while it solves, so this thread runs beside it;
    ``latest`` may be updated by solver callbacks (e.g. MIP bounds).
    """

    def __init__(self, progress: ProgressCallback | None, phase: str, interval: float = 1.0):
        self.progress, self.phase, self.interval = progress, phase, interval
        self.latest: dict = {}
        self._stop = threading.Event()
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Ticker:
        if self.progress is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.progress({"phase": self.phase, "elapsed": time.perf_counter() - self._started, **self.latest})

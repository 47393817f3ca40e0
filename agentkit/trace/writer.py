"""`TraceWriter`: append events to a JSONL file, one line each, as they happen.

A trace is worth most when a run goes wrong: a crash, a hang you Ctrl-C, a
process killed from outside. So nothing waits in a buffer. Each event becomes
one complete line handed to the operating system in a single `write` call on a
file opened in append mode: when the process dies, every line it wrote is
whole, and at worst the event it was about to write is missing. (We do not
`fsync`: the kernel keeps what was written when a process is killed; only a
power cut could lose it, and a trace is not worth a disk flush per event.)
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel


class TraceWriter:
    """Appends one JSON line per event to `path` (created with its folder if needed)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND: every write lands at the end, even if another writer shares the file.
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, event: BaseModel) -> None:
        """Write `event` as one line, straight to the operating system."""
        if self._fd is None:
            raise ValueError(f"trace {self.path} is closed")
        data = (event.model_dump_json() + "\n").encode("utf-8")
        # os.write may write less than asked (rare on regular files); finish the line.
        while data:
            data = data[os.write(self._fd, data):]

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> TraceWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

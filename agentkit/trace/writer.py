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

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from agentkit.parsing.safe_text import mend_surrogates


def claim_trace_path(folder: Path | str, stem: str) -> Path:
    """A new, empty trace file ``folder/stem.jsonl`` (``stem-2.jsonl``... if taken), created here.

    Two runs started in the same second get the same time stamp; O_EXCL makes
    the creation itself the check, so each run gets its own file and their
    lines can never interleave.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1, 1000):
        path = folder / (f"{stem}.jsonl" if number == 1 else f"{stem}-{number}.jsonl")
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{folder} already holds 999 traces named {stem}*.jsonl; pass --trace FILE")


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
        data = (_json_line(event) + "\n").encode("utf-8")
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


def _json_line(event: BaseModel) -> str:
    """The event as one JSON line, even when a text in it is not valid Unicode.

    A file name that is not UTF-8, or a task typed in another encoding, reaches
    Python as lone surrogates, which JSON cannot encode. The trace must still
    be written (it matters most when a run goes wrong), so those characters
    are written as visible ``\\xNN`` escapes instead.
    """
    try:
        return event.model_dump_json()
    except PydanticSerializationError:
        return json.dumps(_mended(event.model_dump(mode="json")), ensure_ascii=False, separators=(",", ":"))


def _mended(value: Any) -> Any:
    if isinstance(value, str):
        return mend_surrogates(value)
    if isinstance(value, dict):
        return {_mended(key): _mended(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mended(item) for item in value]
    return value

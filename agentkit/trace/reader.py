"""Read a trace back: every line becomes its typed event again.

A trace written by `TraceWriter` is valid line by line even when its run was
killed, so reading is strict: a line that does not parse is an error that says
where, except a last line cut off without its newline, which is reported in
`Trace.cut_line` instead (a file copied while a run was still writing it).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError

from agentkit.errors import AgentkitError
from agentkit.trace.events import EVENT_ADAPTER, ModelCall, RunEnd, RunStart, TraceEvent


class TraceError(AgentkitError):
    """A trace file is missing or holds a line that is not an event."""


class Trace(BaseModel):
    """The events of one run, in the order they happened."""

    events: list[TraceEvent]
    """Every complete event line of the file."""
    cut_line: str | None = None
    """A last line without its newline that did not parse, if the file ended mid-write."""

    @property
    def start(self) -> RunStart | None:
        return next((e for e in self.events if isinstance(e, RunStart)), None)

    @property
    def end(self) -> RunEnd | None:
        return next((e for e in reversed(self.events) if isinstance(e, RunEnd)), None)

    def model_calls(self) -> list[ModelCall]:
        return [e for e in self.events if isinstance(e, ModelCall)]


def parse_event(line: str) -> TraceEvent:
    """One JSON line -> its event (raises pydantic's ValidationError)."""
    return EVENT_ADAPTER.validate_json(line)


def read_trace(path: Path | str) -> Trace:
    """Load a trace file; raises `TraceError` naming the first bad line."""
    path = Path(path)
    if not path.is_file():
        raise TraceError(f"No trace at {path}.", fix="pass the .jsonl file that `agentkit run --trace` wrote "
                         "(by default under runs/)")
    events, cut = [], None
    try:
        # Line by line: a trace may hold a 50 MB answer, and the file need not be in memory twice.
        with path.open(encoding="utf-8", newline="\n") as file:
            for number, line in enumerate(file, start=1):
                if not line.endswith("\n"):  # the last line, cut off without its newline
                    cut = _last_line(line, events)
                elif line.strip():
                    events.append(_strict_event(line, number, path))
    except UnicodeDecodeError:
        raise TraceError(f"{path} is not a text file (not UTF-8), so it is not a trace.",
                         fix="pass the .jsonl file that `agentkit run --trace` wrote") from None
    except OSError as error:
        raise TraceError(f"Cannot read the trace {path}: {error.strerror}.", fix="check the path") from None
    if not events and cut is None:
        raise TraceError(f"The trace {path} is empty: its run wrote nothing (stopped before it started?).",
                         fix="run it again; a run writes its first line as soon as it starts")
    return Trace(events=events, cut_line=cut)


def _strict_event(line: str, number: int, path: Path) -> TraceEvent:
    try:
        return parse_event(line)
    except ValidationError as error:
        raise TraceError(f"Line {number} of {path} is not a trace event: {error.errors()[0]['msg']}",
                         fix="a trace holds only lines written by TraceWriter; was the file edited?") from None


def _last_line(line: str, events: list[TraceEvent]) -> str | None:
    """A last line without its newline: an event if it parses, else returned as the cut line."""
    if not line.strip():
        return None
    try:
        events.append(parse_event(line))
    except ValidationError:
        return line
    return None

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
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    # A file that ends with "\n" splits into a last empty piece; anything else is a cut line.
    last = lines.pop()
    events = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            events.append(parse_event(line))
        except ValidationError as error:
            raise TraceError(f"Line {number} of {path} is not a trace event: {error.errors()[0]['msg']}",
                             fix="a trace holds only lines written by TraceWriter; was the file edited?") from error
    cut = None
    if last.strip():
        try:
            events.append(parse_event(last))
        except ValidationError:
            cut = last
    return Trace(events=events, cut_line=cut)

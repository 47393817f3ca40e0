"""`Tracer`: where an agent reports what it does.

An agent does not know whether anyone is watching. It hands every event to its
tracer, which keeps it in memory (for tests and for the caller), appends it to
a trace file when there is one, and passes it to a live display when there is
one. The model's streamed pieces (reasoning and text as they are generated) go
to `on_delta`: they are for the eyes only and are not written to the file,
where the finished `Turn` of each `model_call` holds the same text.
"""

from __future__ import annotations

from collections.abc import Callable

from agentkit.parsing import Event
from agentkit.trace.events import ModelCall, ToolResultEvent, TraceEvent
from agentkit.trace.writer import TraceWriter


class Tracer:
    """Collects a run's events; optionally writes them to a file and shows them as they come."""

    def __init__(self, writer: TraceWriter | None = None, on_event: Callable[[TraceEvent], None] | None = None,
                 on_delta: Callable[[Event], None] | None = None) -> None:
        self.writer = writer
        self.on_event = on_event
        self.on_delta = on_delta
        self.events: list[TraceEvent] = []
        self.last_request_end: float | None = None
        """`time.perf_counter()` when the run's latest model request ended: the clock for `agent_s`."""

    def emit(self, event: TraceEvent) -> None:
        """Record one event: memory first, then the file (so it survives a crash), then the display."""
        self.events.append(event)
        if self.writer is not None:
            self.writer.write(event)
        if self.on_event is not None:
            self.on_event(event)

    def count(self, kind: type) -> int:
        """How many events of one class were recorded, e.g. `tracer.count(ModelCall)`."""
        return sum(isinstance(event, kind) for event in self.events)

    @property
    def model_calls(self) -> int:
        return self.count(ModelCall)

    @property
    def tool_calls(self) -> int:
        return self.count(ToolResultEvent)

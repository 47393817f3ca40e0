"""Traces: every decision of a run, as typed events in a JSONL file.

    tracer = Tracer(TraceWriter("runs/run.jsonl"), on_event=view.event, on_delta=view.delta)
    trace = read_trace("runs/run.jsonl")
    trace.events, trace.model_calls(), trace.end.status

Read in this order: `timing` (latency numbers from timestamps), `turn` (what
one model call returned, as the client hands it over), `events` (what is
recorded), `writer` (why a killed run still leaves a valid file), `tracer`
(what agents report to), `reader`, `grounding` and `verdict` (what went wrong
in a run, proven from its trace: `judge(trace).status_line()`), `show` (rich
rendering, live and from a file, ending with the verdict: `agentkit trace show FILE`).
"""

from agentkit.trace.events import (
    EVENT_ADAPTER, CritiqueEvent, ErrorEvent, FinalAnswer, GuardEvent, ModelCall, PlanEvent, RunEnd, RunStart,
    StepResultEvent, ToolCallEvent, ToolResultEvent, TraceEvent,
)
from agentkit.trace.reader import Trace, TraceError, parse_event, read_trace
from agentkit.trace.tracer import Tracer
from agentkit.trace.writer import TraceWriter

__all__ = [
    "EVENT_ADAPTER",
    "CritiqueEvent",
    "ErrorEvent",
    "FinalAnswer",
    "GuardEvent",
    "ModelCall",
    "PlanEvent",
    "RunEnd",
    "RunStart",
    "StepResultEvent",
    "ToolCallEvent",
    "ToolResultEvent",
    "Trace",
    "TraceError",
    "TraceEvent",
    "TraceWriter",
    "Tracer",
    "parse_event",
    "read_trace",
]

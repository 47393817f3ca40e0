"""What a trace records: one typed event per thing that happened in a run.

A run is a sequence of events, written one JSON line each as they happen (see
`writer`). Every event carries `type`, the field pydantic uses to tell them
apart when a line is read back, and `at`, the wall-clock time it was recorded.

    run_start      the task, the agent pattern, the model and the whole config
    model_call     one request: the messages added since the last request of
                   that conversation, and the `Turn` that came back (reasoning,
                   content, parsed calls, raw text, usage with prompt and cached
                   tokens, client-side timings)
    tool_call      a call the agent is about to run
    tool_result    what the tool answered (the observation the model sees)
    guard          a guard fired: it told the model something, or stopped the run
    critique       Reflection: the reviewer's verdict on a draft
    plan           Plan-and-Execute: the steps, from the planner or the replanner
    step_result    Plan-and-Execute: one step finished, with its result
    error          something failed that the agent could not handle
    final_answer   the answer the run returns
    run_end        how it ended (ok, stopped by a guard, error, interrupted)

Events record the conversation incrementally (each `model_call` holds only the
new messages), so a long run's trace grows linearly, not quadratically.
"""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from agentkit.trace.turn import Turn

Purpose = Literal["react", "critique", "revise", "plan", "replan", "synthesize"]
GuardName = Literal["max_steps", "repeated_call", "parse_error", "unknown_tool", "call_in_reasoning",
                    "context_budget", "invalid_json"]
RunStatus = Literal["ok", "stopped", "error", "interrupted"]


class _Event(BaseModel):
    at: float = Field(default_factory=time.time)
    """Wall-clock time (`time.time()`) when the event was recorded."""


class RunStart(_Event):
    """The run began."""

    type: Literal["run_start"] = "run_start"
    agent: str
    """The pattern: react, reflection or plan."""
    task: str
    """The task as the user gave it."""
    model: str
    """The model's name as the user chose it (e.g. toy-dense)."""
    tools: list[str]
    """Names of the tools offered, in order."""
    config: dict[str, Any]
    """Every setting of the agent (`AgentConfig` and the pattern's own options)."""


class ModelCall(_Event):
    """One request to the model and its answer."""

    type: Literal["model_call"] = "model_call"
    purpose: Purpose
    """Which part of the pattern asked: react, critique, revise, plan, replan or synthesize."""
    step: int
    """1-based number of this request within its conversation."""
    new_messages: list[dict[str, Any]]
    """The messages added to the conversation since its previous request (all of them at first)."""
    tools: list[str]
    """Names of the tools offered with the request (empty when none)."""
    turn: Turn
    """The answer: reasoning, content, calls, raw text, usage and timings."""
    agent_s: float = 0.0
    """Seconds the agent spent since its previous request ended (tools and bookkeeping)."""


class ToolCallEvent(_Event):
    """The agent is about to run a tool call."""

    type: Literal["tool_call"] = "tool_call"
    step: int
    """The request number whose answer asked for the call."""
    call_id: str
    """The id the result is sent back with."""
    name: str
    """The tool name as the model wrote it."""
    arguments: dict[str, Any]
    """The arguments as the model wrote them."""


class ToolResultEvent(_Event):
    """What a tool answered."""

    type: Literal["tool_result"] = "tool_result"
    step: int
    """The request number whose answer asked for the call."""
    call_id: str
    """The id of the call this answers."""
    name: str
    """The tool name."""
    ok: bool
    """True when the tool ran and returned a value."""
    content: str
    """The observation sent back to the model."""
    error_kind: str | None = None
    """invalid_arguments, tool_error, timeout or unknown_tool; None when ok."""
    elapsed_s: float = 0.0
    """Seconds the tool took."""


class GuardEvent(_Event):
    """A guard noticed something: it told the model, or it stopped the run."""

    type: Literal["guard"] = "guard"
    guard: GuardName
    """Which guard fired."""
    action: Literal["told_model", "stopped"]
    """What it did about it."""
    detail: str
    """What it saw, for a person reading the trace."""
    message: str | None = None
    """The text sent to the model; None when the guard stopped the run."""


class CritiqueEvent(_Event):
    """Reflection: the reviewer's structured verdict on one draft."""

    type: Literal["critique"] = "critique"
    round: int
    """1-based critique round."""
    verdict: Literal["pass", "revise"]
    """pass: the draft stands; revise: rewrite it."""
    problems: list[str]
    """What the reviewer found wrong."""


class PlanEvent(_Event):
    """Plan-and-Execute: the steps still to run."""

    type: Literal["plan"] = "plan"
    source: Literal["planner", "replanner"]
    """Who wrote them."""
    steps: list[str]
    """The steps, in order."""


class StepResultEvent(_Event):
    """Plan-and-Execute: one step ran to an answer."""

    type: Literal["step_result"] = "step_result"
    index: int
    """1-based number of the step among those done."""
    step: str
    """The step as the plan worded it."""
    result: str
    """The executor's final answer for it."""


class ErrorEvent(_Event):
    """A failure the agent did not recover from."""

    type: Literal["error"] = "error"
    kind: str
    """The exception's class name."""
    message: str
    """What happened."""
    fix: str | None = None
    """What to do about it, when the kit knows."""


class FinalAnswer(_Event):
    """The answer the run returns."""

    type: Literal["final_answer"] = "final_answer"
    answer: str
    """The text of the answer."""


class RunEnd(_Event):
    """The run is over."""

    type: Literal["run_end"] = "run_end"
    status: RunStatus
    """ok, stopped (a guard), error, or interrupted (Ctrl-C)."""
    model_calls: int
    """Requests made to the model."""
    tool_calls: int
    """Tool calls run."""
    wall_s: float
    """Seconds from run start to run end."""


TraceEvent = Annotated[
    RunStart | ModelCall | ToolCallEvent | ToolResultEvent | GuardEvent | CritiqueEvent | PlanEvent
    | StepResultEvent | ErrorEvent | FinalAnswer | RunEnd,
    Field(discriminator="type"),
]
"""Any event; `EVENT_ADAPTER.validate_json(line)` picks the right class from `type`."""

EVENT_ADAPTER: TypeAdapter[TraceEvent] = TypeAdapter(TraceEvent)

"""ReAct: ask the model, run the tools it calls, show it the results, repeat.

The model reasons (when thinking is on), then either calls tools or answers.
Calls in one turn run in the order written (parallel calls), each result goes
back as a `tool` message, and the model is asked again; a turn without calls
is the final answer. Tool calls are native: the server (or, with
`parser="raw"`, the kit's parser) reads them out of the model's output.

The guards (see `guards`) keep a small model from looping or breaking the
format forever: a mistake it can fix is told to it and the loop goes on; a
limit stops the run with an exception.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from agentkit.agents.config import AgentConfig
from agentkit.agents.guards import Guards, MaxStepsError, ModelMistake
from agentkit.agents.model_call import AgentModel
from agentkit.client import Client, History
from agentkit.client.history import served_dialect
from agentkit.parsing import ToolCall
from agentkit.prompts import render_prompt
from agentkit.tools import ToolBox, ToolResult
from agentkit.trace.events import GuardEvent, ToolCallEvent, ToolResultEvent
from agentkit.trace.tracer import Tracer


class ReactResult(BaseModel):
    """What a ReAct run produced."""

    answer: str
    """The model's final answer."""
    observations: list[str] = Field(default_factory=list)
    """Every tool result the model saw, in order (Reflection's evidence)."""
    messages: list[dict] = Field(default_factory=list)
    """The whole conversation, system prompt to final answer."""


def react(client: Client, toolbox: ToolBox, task: str, config: AgentConfig | None = None,
          tracer: Tracer | None = None) -> ReactResult:
    """Run the ReAct loop on `task` (the user message) until the model answers without a call."""
    config, tracer = config or AgentConfig(), tracer or Tracer()
    model, guards = AgentModel(client, config, tracer), Guards(config, tracer)
    history = History(system=render_prompt("react_system"), tools=toolbox.schemas(), thinking=config.thinking,
                      dialect=served_dialect(client))
    history.add_user(task)
    observations: list[str] = []
    for step in range(1, config.max_steps + 1):
        # Ask: the whole conversation so far, with the tools.
        turn = model.ask(history, "react")
        history.add_assistant(turn)
        # Act: run each call in order; every result goes back, errors included.
        results = []
        for call, call_id in zip(turn.tool_calls, turn.call_ids):
            guards.before_call(call)
            result = run_tool(toolbox, call, call_id, step, config, tracer)
            history.add_tool_result(call_id, result.content)
            observations.append(result.content)
            results.append(result)
        # Check: a malformed call, a call hidden in <think>, a call repeated
        # too often. The model is told what to fix and asked again.
        try:
            guards.after_calls(turn, results)
        except ModelMistake as mistake:
            tracer.emit(GuardEvent(guard=mistake.guard, action="told_model", detail=mistake.detail,
                                   message=mistake.message))
            history.add_user(mistake.message)
            continue
        # Decide: no call means the model has answered.
        if not turn.tool_calls:
            return ReactResult(answer=turn.content, observations=observations, messages=history.messages)
    raise guards.stop(MaxStepsError(
        f"No final answer after {config.max_steps} model requests.",
        fix="read the trace to see where it went round in circles; raise AgentConfig.max_steps "
        "(--max-steps) if the task really needs more steps"))


def run_tool(toolbox: ToolBox, call: ToolCall, call_id: str, step: int, config: AgentConfig,
             tracer: Tracer) -> ToolResult:
    """Run one call through the toolbox, recording the call and its result."""
    tracer.emit(ToolCallEvent(step=step, call_id=call_id, name=call.name, arguments=call.arguments))
    result = toolbox.run(call.name, call.arguments, timeout=config.tool_timeout)
    tracer.emit(ToolResultEvent(step=step, call_id=call_id, name=call.name, ok=result.ok, content=result.content,
                                error_kind=result.error_kind, elapsed_s=result.elapsed_s))
    return result

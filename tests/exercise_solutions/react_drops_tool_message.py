"""Wrong: runs each call but never sends its result back: the next request has no tool message."""

from __future__ import annotations

from agentkit.agents import AgentConfig, MaxStepsError, ModelMistake, ReactResult
from agentkit.agents.guards import Guards
from agentkit.agents.model_call import AgentModel
from agentkit.agents.react import run_tool
from agentkit.client import History
from agentkit.client.history import served_dialect
from agentkit.prompts import render_prompt
from agentkit.trace.events import GuardEvent
from agentkit.trace.tracer import Tracer


def react(client, toolbox, task, config=None, tracer=None) -> ReactResult:
    config, tracer = config or AgentConfig(), tracer or Tracer()
    model, guards = AgentModel(client, config, tracer), Guards(config, tracer)
    history = History(system=render_prompt("react_system"), tools=toolbox.schemas(), thinking=config.thinking,
                      dialect=served_dialect(client))
    history.add_user(task)
    observations = []
    for step in range(1, config.max_steps + 1):
        turn = model.ask(history, "react")
        history.add_assistant(turn)
        results = []
        for call, call_id in zip(turn.tool_calls, turn.call_ids):
            guards.before_call(call)
            result = run_tool(toolbox, call, call_id, step, config, tracer)
            observations.append(result.content)
            results.append(result)
        try:
            guards.after_calls(turn, results)
        except ModelMistake as mistake:
            tracer.emit(GuardEvent(guard=mistake.guard, action="told_model", detail=mistake.detail,
                                   message=mistake.message))
            history.add_user(mistake.message)
            continue
        if not turn.tool_calls:
            return ReactResult(answer=turn.content, observations=observations, messages=history.messages)
    raise guards.stop(MaxStepsError(f"No final answer after {config.max_steps} model requests.", fix="raise max_steps"))

"""Wrong: asks once, runs the calls and returns: the results never go back to the model."""

from __future__ import annotations

from agentkit.agents import AgentConfig, ReactResult
from agentkit.agents.guards import Guards
from agentkit.agents.model_call import AgentModel
from agentkit.agents.react import run_tool
from agentkit.client import History
from agentkit.client.history import served_dialect
from agentkit.prompts import render_prompt
from agentkit.trace.tracer import Tracer


def react(client, toolbox, task, config=None, tracer=None) -> ReactResult:
    config, tracer = config or AgentConfig(), tracer or Tracer()
    model, guards = AgentModel(client, config, tracer), Guards(config, tracer)
    history = History(system=render_prompt("react_system"), tools=toolbox.schemas(), thinking=config.thinking,
                      dialect=served_dialect(client))
    history.add_user(task)
    observations = []
    turn = model.ask(history, "react")
    history.add_assistant(turn)
    for call, call_id in zip(turn.tool_calls, turn.call_ids):
        guards.before_call(call)
        result = run_tool(toolbox, call, call_id, 1, config, tracer)
        history.add_tool_result(call_id, result.content)
        observations.append(result.content)
    return ReactResult(answer=turn.content, observations=observations, messages=history.messages)

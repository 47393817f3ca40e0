"""Exercise for the ReAct lesson: write the loop itself.

`python lessons/exercises/check.py --list` names the lesson's file. Copy it
out first (`python lessons/exercises/check.py react --init`), then
after each change run

    python lessons/exercises/check.py react

It runs your `react` on scripted models (agentkit's `ScriptedClient`, which
fails when your loop asks once more than the script holds): an answer at
once, one call, parallel calls, a failing tool, the step limit, a repeated
call and a malformed one.

The contract is the kit's own `react` (agentkit/agents/react.py): same
arguments, same `ReactResult`. Everything the loop needs is imported below;
the guards are the kit's (the guard lesson has you write one of them).
Per step: ask the model, add its turn to the history, run every call in
order (the guards before each, `run_tool` records it in the trace), send each
result back, let the guards check the turn, and stop when a turn has no call.
"""

from __future__ import annotations

from agentkit.agents import AgentConfig, MaxStepsError, ModelMistake, ReactResult  # noqa: F401
from agentkit.agents.guards import Guards
from agentkit.agents.model_call import AgentModel
from agentkit.agents.react import run_tool  # noqa: F401  (runs one call and records it)
from agentkit.client import Client, History
from agentkit.client.history import served_dialect
from agentkit.prompts import render_prompt
from agentkit.tools import ToolBox
from agentkit.trace.events import GuardEvent  # noqa: F401  (record what a guard told the model)
from agentkit.trace.tracer import Tracer


def react(client: Client, toolbox: ToolBox, task: str, config: AgentConfig | None = None,
          tracer: Tracer | None = None) -> ReactResult:
    """Run the ReAct loop on `task` until the model answers without a call."""
    config, tracer = config or AgentConfig(), tracer or Tracer()
    model, guards = AgentModel(client, config, tracer), Guards(config, tracer)  # noqa: F841
    # dialect: the tool-call format the served chat template writes (None when the client cannot
    # tell). In raw mode the model may write a call in the other format; History then echoes that
    # turn as written, because the template would re-render the call in its own format, other
    # tokens than the model generated, and the server's prompt cache would miss from there on.
    history = History(system=render_prompt("react_system"), tools=toolbox.schemas(), thinking=config.thinking,
                      dialect=served_dialect(client))
    history.add_user(task)
    raise NotImplementedError("write the loop: see '2. The kit's react()' of the lesson")

"""Exercise for the Reflection lesson: critique the draft, revise, repeat.

`python lessons/exercises/check.py --list` names the lesson's file. Copy it
out first (`python lessons/exercises/check.py reflection --init`),
then after each change run

    python lessons/exercises/check.py reflection

It runs your `reflect` on scripted models: a critique that passes at once,
one that asks for a rewrite, the round limit, a critique wrapped in prose
and a code fence, and a reviewer that never answers in JSON.

The contract is the kit's own `reflect` (agentkit/agents/reflection.py):
same arguments, same `ReflectionResult`. The draft is written for you (a
ReAct run; its tool results are the evidence); you write the rounds:

- critique: a fresh `History` with the `reflection_critique_system` prompt
  and one user message rendered from `reflection_critique`, no tools, read
  with `ask_json(model, reviewer, Critique, "critique")` (None: stop, the
  current draft stands); record a `CritiqueEvent`; stop on "pass";
- revise: a fresh `History` with `react_system` and one user message from
  `reflection_revise`, no tools; `model.ask(writer, "revise").content` is the
  next draft;
- at most `config.max_rounds` critiques; the last draft stands.
"""

from __future__ import annotations

from agentkit.agents import AgentConfig, Critique, ReflectionResult, react  # noqa: F401
from agentkit.agents.json_reply import ask_json  # noqa: F401
from agentkit.agents.model_call import AgentModel
from agentkit.client import Client, History  # noqa: F401
from agentkit.prompts import render_prompt  # noqa: F401
from agentkit.tools import ToolBox
from agentkit.trace.events import CritiqueEvent  # noqa: F401
from agentkit.trace.tracer import Tracer


def reflect(client: Client, toolbox: ToolBox, task: str, config: AgentConfig | None = None,
            tracer: Tracer | None = None) -> ReflectionResult:
    """Draft with ReAct, then critique and revise until a `pass` or `max_rounds` critiques."""
    config, tracer = config or AgentConfig(), tracer or Tracer()
    model = AgentModel(client, config, tracer)  # noqa: F841
    first = react(client, toolbox, task, config, tracer)
    drafts, evidence, critiques = [first.answer], first.observations, []  # noqa: F841
    raise NotImplementedError("write the critique-and-revise rounds: see 'The loop' of the lesson")

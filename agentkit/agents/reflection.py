"""Reflection: draft an answer, have it critiqued, rewrite it, until the critique passes.

1. Draft: a ReAct run on the task. Its tool results are the evidence.
2. Critique: a reviewer (same model, its own system prompt, no tools) checks
   the draft against the evidence and replies with JSON,
   `{"verdict": "pass" | "revise", "problems": [...]}`, validated by `Critique`.
   The loop decides on `verdict`, never on the wording of the reply.
3. Revise: on `revise`, the model rewrites the draft from the task, the
   evidence and the problems (no tools: the evidence is all it needs).
   Back to 2, at most `max_rounds` critiques; the last rewrite stands.

A critique that is not valid JSON twice in a row ends the loop with the
current draft (and an `error` event in the trace): a bad reviewer should not
throw away a good answer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agentkit.agents.config import AgentConfig
from agentkit.agents.json_reply import ask_json
from agentkit.agents.model_call import AgentModel
from agentkit.agents.react import react
from agentkit.client import Client, History
from agentkit.prompts import render_prompt
from agentkit.tools import ToolBox
from agentkit.trace.events import CritiqueEvent
from agentkit.trace.tracer import Tracer


class Critique(BaseModel):
    """The reviewer's reply."""

    verdict: Literal["pass", "revise"]
    """pass: the draft answers the task and agrees with the evidence; revise: it does not."""
    problems: list[str] = Field(default_factory=list)
    """What is wrong with the draft, one item per problem."""


class ReflectionResult(BaseModel):
    """What a Reflection run produced."""

    answer: str
    """The final answer: the last draft."""
    drafts: list[str]
    """Every draft in order: the ReAct answer first, then each rewrite."""
    critiques: list[Critique]
    """Every critique in order."""
    evidence: list[str]
    """The tool results of the first draft's run."""


def reflect(client: Client, toolbox: ToolBox, task: str, config: AgentConfig | None = None,
            tracer: Tracer | None = None) -> ReflectionResult:
    """Draft with ReAct, then critique and revise until a `pass` or `max_rounds` critiques."""
    config, tracer = config or AgentConfig(), tracer or Tracer()
    model = AgentModel(client, config, tracer)
    first = react(client, toolbox, task, config, tracer)
    drafts, evidence, critiques = [first.answer], first.observations, []
    for round_number in range(1, config.max_rounds + 1):
        # Critique: structured, so the decision below is a field, not a guess.
        reviewer = History(system=render_prompt("reflection_critique_system"), thinking=config.thinking)
        reviewer.add_user(render_prompt("reflection_critique", task=task, evidence=evidence, draft=drafts[-1]))
        critique = ask_json(model, reviewer, Critique, "critique")
        if critique is None:
            break  # no usable verdict twice: keep the current draft (ask_json recorded the error)
        critiques.append(critique)
        tracer.emit(CritiqueEvent(round=round_number, verdict=critique.verdict, problems=critique.problems))
        if critique.verdict == "pass":
            break
        # Revise: a fresh conversation with everything the rewrite needs.
        writer = History(system=render_prompt("react_system"), thinking=config.thinking)
        writer.add_user(render_prompt("reflection_revise", task=task, evidence=evidence, draft=drafts[-1],
                                      problems=critique.problems))
        drafts.append(model.ask(writer, "revise").content)
    return ReflectionResult(answer=drafts[-1], drafts=drafts, critiques=critiques, evidence=evidence)

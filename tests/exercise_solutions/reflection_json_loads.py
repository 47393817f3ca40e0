"""Wrong: reads the critique with json.loads, so a critique wrapped in prose or a code fence breaks it."""

from __future__ import annotations

from agentkit.agents import AgentConfig, Critique, ReflectionResult, react
import json

from agentkit.agents.json_reply import ask_json  # noqa: F401
from agentkit.agents.model_call import AgentModel
from agentkit.client import History
from agentkit.prompts import render_prompt
from agentkit.trace.events import CritiqueEvent
from agentkit.trace.tracer import Tracer


def reflect(client, toolbox, task, config=None, tracer=None) -> ReflectionResult:
    config, tracer = config or AgentConfig(), tracer or Tracer()
    model = AgentModel(client, config, tracer)
    first = react(client, toolbox, task, config, tracer)
    drafts, evidence, critiques = [first.answer], first.observations, []
    for round_number in range(1, config.max_rounds + 1):
        reviewer = History(system=render_prompt("reflection_critique_system"), thinking=config.thinking)
        reviewer.add_user(render_prompt("reflection_critique", task=task, evidence=evidence, draft=drafts[-1]))
        critique = Critique.model_validate(json.loads(model.ask(reviewer, "critique").content))
        critiques.append(critique)
        tracer.emit(CritiqueEvent(round=round_number, verdict=critique.verdict, problems=critique.problems))
        if critique.verdict == "pass":
            break
        writer = History(system=render_prompt("react_system"), thinking=config.thinking)
        writer.add_user(render_prompt("reflection_revise", task=task, evidence=evidence, draft=drafts[-1],
                                      problems=critique.problems))
        drafts.append(model.ask(writer, "revise").content)
    return ReflectionResult(answer=drafts[-1], drafts=drafts, critiques=critiques, evidence=evidence)

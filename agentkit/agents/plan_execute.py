"""Plan-and-Execute: plan the steps, run each with ReAct, replan, then write the answer.

1. Plan: the planner (its own system prompt, no tools) sees the task and the
   tool names and replies `{"steps": [...]}`, validated by `Plan`.
2. Execute: each step is a ReAct run whose user message holds the task, the
   steps done so far with their results, and the current step. Its final
   answer is the step's result.
3. Replan (on by default): after each step, while steps remain, the planner
   sees what was done and the remaining plan and replies with the steps still
   needed: it can drop a step an earlier result made useless, or add one.
4. Synthesize: one request (no tools) turns the step results into the answer.

A planner that gives no valid plan twice stops the run (`PlanError`); a
replanner that fails keeps the remaining steps as they were.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from agentkit.agents.config import AgentConfig
from agentkit.agents.guards import AgentLimitError, MaxStepsError, stop
from agentkit.agents.json_reply import ask_json
from agentkit.agents.model_call import AgentModel
from agentkit.agents.react import react
from agentkit.client import Client, History
from agentkit.errors import AgentkitError
from agentkit.prompts import render_prompt
from agentkit.tools import ToolBox
from agentkit.trace.events import PlanEvent, StepResultEvent
from agentkit.trace.tracer import Tracer


class Plan(BaseModel):
    """The planner's reply."""

    steps: list[str] = Field(min_length=1)
    """The steps, in order, each short enough for one tool call."""


class ReplanReply(BaseModel):
    """The replanner's reply: the steps still needed (none when the task is done)."""

    steps: list[str]
    """The remaining steps, in order."""


class StepDone(BaseModel):
    """One executed step."""

    step: str
    """The step as the plan worded it."""
    result: str
    """The executor's final answer for it."""


class PlanResult(BaseModel):
    """What a Plan-and-Execute run produced."""

    answer: str
    """The synthesized final answer."""
    plan: list[str]
    """The planner's first plan."""
    done: list[StepDone]
    """The steps that ran, with their results, in order."""


class PlanError(AgentkitError):
    """The planner gave no usable plan."""


def plan_and_execute(client: Client, toolbox: ToolBox, task: str, config: AgentConfig | None = None,
                     tracer: Tracer | None = None) -> PlanResult:
    """Plan, execute each step with ReAct, replan after each, synthesize the answer."""
    config, tracer = config or AgentConfig(), tracer or Tracer()
    model = AgentModel(client, config, tracer)
    plan = ask_json(model, planner(render_prompt("plan_request", task=task, tools=toolbox.names), config),
                    Plan, "plan")
    if plan is None:
        raise PlanError("The planner did not reply with a valid plan, twice.",
                        fix="try thinking on or a larger model; the trace shows what it wrote")
    tracer.emit(PlanEvent(source="planner", steps=plan.steps))
    remaining, done = list(plan.steps), []
    while remaining:
        if len(done) == config.max_plan_steps:
            raise stop_after_max_steps(tracer, config, remaining)
        # Execute: one ReAct run per step, told what the earlier steps found.
        step, remaining = remaining[0], remaining[1:]
        prompt = render_prompt("plan_execute_step", task=task, done=done, step=step)
        done.append(StepDone(step=step, result=react(client, toolbox, prompt, config, tracer).answer))
        tracer.emit(StepResultEvent(index=len(done), step=step, result=done[-1].result))
        # Replan: the results so far may change what is still needed.
        if remaining and config.replan:
            request = render_prompt("plan_replan", task=task, done=done, remaining=remaining)
            revised = ask_json(model, planner(request, config), ReplanReply, "replan")
            if revised is not None:
                remaining = revised.steps
                tracer.emit(PlanEvent(source="replanner", steps=remaining))
    # Synthesize: the step results become one answer to the task.
    writer = History(system=render_prompt("react_system"), thinking=config.thinking)
    writer.add_user(render_prompt("plan_synthesize", task=task, done=done))
    answer = model.ask(writer, "synthesize").content
    return PlanResult(answer=answer, plan=plan.steps, done=done)


def planner(request: str, config: AgentConfig) -> History:
    """A fresh planner conversation: its system prompt, one user message, no tools."""
    history = History(system=render_prompt("plan_system"), thinking=config.thinking)
    history.add_user(request)
    return history


def stop_after_max_steps(tracer: Tracer, config: AgentConfig, remaining: list[str]) -> AgentLimitError:
    return stop(tracer, MaxStepsError(
        f"{config.max_plan_steps} plan steps ran and the plan still has {len(remaining)}: {remaining[:3]}.",
        fix="the replanner keeps adding steps: turn replanning off (--no-replan) "
        "or raise AgentConfig.max_plan_steps"))

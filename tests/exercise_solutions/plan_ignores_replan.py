"""Wrong: executes the first plan as it stands; the replanner is asked, and its answer ignored."""

from __future__ import annotations

from agentkit.agents import AgentConfig, Plan, PlanError, PlanResult, StepDone, react
from agentkit.agents.json_reply import ask_json
from agentkit.agents.model_call import AgentModel
from agentkit.agents.plan_execute import ReplanReply, planner, stop_after_max_steps
from agentkit.client import History
from agentkit.prompts import render_prompt
from agentkit.trace.tracer import Tracer


def plan_and_execute(client, toolbox, task, config=None, tracer=None) -> PlanResult:
    config, tracer = config or AgentConfig(), tracer or Tracer()
    model = AgentModel(client, config, tracer)
    plan = ask_json(model, planner(render_prompt("plan_request", task=task, tools=toolbox.names), config),
                    Plan, "plan")
    if plan is None:
        raise PlanError("The planner gave no valid plan, twice.", fix="a larger model")
    remaining, done = list(plan.steps), []
    while remaining:
        if len(done) == config.max_plan_steps:
            raise stop_after_max_steps(tracer, config, remaining)
        step, remaining = remaining[0], remaining[1:]
        prompt = render_prompt("plan_execute_step", task=task, done=done, step=step)
        done.append(StepDone(step=step, result=react(client, toolbox, prompt, config, tracer).answer))
        if remaining and config.replan:
            request = render_prompt("plan_replan", task=task, done=done, remaining=remaining)
            revised = ask_json(model, planner(request, config), ReplanReply, "replan")
            del revised
    writer = History(system=render_prompt("react_system"), thinking=config.thinking)
    writer.add_user(render_prompt("plan_synthesize", task=task, done=done))
    return PlanResult(answer=model.ask(writer, "synthesize").content, plan=plan.steps, done=done)

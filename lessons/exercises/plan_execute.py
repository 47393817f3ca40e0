"""Exercise for the Plan-and-Execute lesson: plan, execute, replan, answer.

`python lessons/exercises/check.py --list` names the lesson's file. Copy it
out first (`python lessons/exercises/check.py plan --init`), then
after each change run

    python lessons/exercises/check.py plan

It runs your `plan_and_execute` on scripted models: a plan whose second step
the replanner rewrites, replanning off, a replanner that drops the rest or
answers without JSON, a planner that never gives a plan, and a replanner
that keeps adding steps.

The contract is the kit's own `plan_and_execute`
(agentkit/agents/plan_execute.py): same arguments, same `PlanResult`.

- plan: `ask_json(model, planner(render_prompt("plan_request", task=task,
  tools=toolbox.names), config), Plan, "plan")`; None: raise `PlanError`;
- execute: each step is a `react()` run whose task is `plan_execute_step`
  rendered with the task, the steps done so far and the step; its answer
  is the step's result (`StepDone`). Before each step, when
  `config.max_plan_steps` steps already ran, raise
  `stop_after_max_steps(tracer, config, remaining)`;
- replan: after each step, while steps remain and `config.replan`, ask for
  a `ReplanReply` with `plan_replan`; its steps replace the remaining ones
  (None: keep them);
- synthesize: a fresh `History` with `react_system` and `plan_synthesize`,
  no tools; its content is the answer.
"""

from __future__ import annotations

from agentkit.agents import AgentConfig, Plan, PlanError, PlanResult, StepDone, react  # noqa: F401
from agentkit.agents.json_reply import ask_json  # noqa: F401
from agentkit.agents.model_call import AgentModel
from agentkit.agents.plan_execute import ReplanReply, planner, stop_after_max_steps  # noqa: F401
from agentkit.client import Client, History  # noqa: F401
from agentkit.prompts import render_prompt  # noqa: F401
from agentkit.tools import ToolBox
from agentkit.trace.tracer import Tracer


def plan_and_execute(client: Client, toolbox: ToolBox, task: str, config: AgentConfig | None = None,
                     tracer: Tracer | None = None) -> PlanResult:
    """Plan, execute each step with ReAct, replan after each, synthesize the answer."""
    config, tracer = config or AgentConfig(), tracer or Tracer()
    model = AgentModel(client, config, tracer)  # noqa: F841
    raise NotImplementedError("write it: see 'The loop' of the lesson")

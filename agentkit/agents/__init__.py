"""The three agent loops, their guards, and the runner that traces them.

    from agentkit.agents import AgentConfig, react, reflect, plan_and_execute, run_agent

    result = react(client, toolbox, "What's the weather in Paris?", AgentConfig(thinking=True))
    result.answer, result.observations

    tracer = Tracer(TraceWriter("runs/paris.jsonl"))
    run_agent("plan", client, toolbox, "Add the temperatures of Paris and Oslo.", tracer=tracer)

Read the modules in this order: `config` (every setting), `guards` (what
stops a loop, what is told to the model), `model_call` (one request, as
every loop makes it), `react` (the loop), `json_reply` (structured replies),
`reflection`, `plan_execute`, `runner` (a traced run), `command`
(`agentkit run`). Every prompt they send is in `agentkit/prompts/`.
"""

from agentkit.agents.config import AgentConfig
from agentkit.agents.guards import (
    AgentLimitError, ContextBudgetError, FormatRetriesError, MaxStepsError, ModelMistake, RepeatedCallError,
)
from agentkit.agents.json_reply import InvalidReply, parse_json_reply
from agentkit.agents.plan_execute import Plan, PlanError, PlanResult, StepDone, plan_and_execute
from agentkit.agents.react import ReactResult, react
from agentkit.agents.reflection import Critique, ReflectionResult, reflect
from agentkit.agents.runner import PATTERNS, run_agent

__all__ = [
    "PATTERNS",
    "AgentConfig",
    "AgentLimitError",
    "ContextBudgetError",
    "Critique",
    "FormatRetriesError",
    "InvalidReply",
    "MaxStepsError",
    "ModelMistake",
    "Plan",
    "PlanError",
    "PlanResult",
    "ReactResult",
    "ReflectionResult",
    "RepeatedCallError",
    "StepDone",
    "parse_json_reply",
    "plan_and_execute",
    "react",
    "reflect",
    "run_agent",
]

"""`run_agent`: one run of a pattern, framed by `run_start` and `run_end` in its trace.

The patterns record what they do; the runner records that a run began (task,
model, tools, config), its final answer, and how it ended, whatever happens:
an answer (`ok`), a guard's limit (`stopped`), any other exception (`error`,
with an `error` event carrying the message and fix), or Ctrl-C
(`interrupted`). The exception still propagates, so the caller decides what
to show; the trace is complete either way.
"""

from __future__ import annotations

import time
from typing import Callable, Literal

from pydantic import BaseModel

from agentkit.agents.config import AgentConfig
from agentkit.agents.guards import AgentLimitError
from agentkit.agents.plan_execute import plan_and_execute
from agentkit.agents.react import react
from agentkit.agents.reflection import reflect
from agentkit.client import Client
from agentkit.tools import ToolBox
from agentkit.trace.events import ErrorEvent, FinalAnswer, RunEnd, RunStart, RunStatus
from agentkit.trace.tracer import Tracer

Pattern = Literal["react", "reflection", "plan"]

PATTERNS: dict[str, Callable[..., BaseModel]] = {
    "react": react,
    "reflection": reflect,
    "plan": plan_and_execute,
}
"""Each pattern is `fn(client, toolbox, task, config, tracer)` returning a result with `.answer`."""


def run_agent(pattern: Pattern, client: Client, toolbox: ToolBox, task: str, config: AgentConfig | None = None,
              tracer: Tracer | None = None, *, model_name: str | None = None) -> BaseModel:
    """Run one pattern on `task`, recording the whole run in `tracer`; returns the pattern's result."""
    if pattern not in PATTERNS:
        raise ValueError(f"unknown pattern {pattern!r}; use one of {', '.join(PATTERNS)}")
    config, tracer = config or AgentConfig(), tracer or Tracer()
    started = time.perf_counter()
    tracer.emit(RunStart(agent=pattern, task=task, model=model_name or client.model, tools=toolbox.names,
                         config=config.model_dump()))
    status: RunStatus = "error"
    try:
        result = PATTERNS[pattern](client, toolbox, task, config, tracer)
        tracer.emit(FinalAnswer(answer=result.answer))
        status = "ok"
        return result
    except AgentLimitError:
        status = "stopped"  # the guard already recorded why
        raise
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except Exception as error:
        tracer.emit(ErrorEvent(kind=type(error).__name__, message=getattr(error, "message", str(error)),
                               fix=getattr(error, "fix", None)))
        raise
    finally:
        tracer.emit(RunEnd(status=status, model_calls=tracer.model_calls, tool_calls=tracer.tool_calls,
                           wall_s=time.perf_counter() - started))

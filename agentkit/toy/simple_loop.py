"""The plainest tool-using agent: ask, run the calls, feed results back, repeat.

This is the loop `agentkit toy eval` scores the toy models with. It lets
mlx_lm.server parse the tool calls and streams every request through the
kit's client, which times it (TTFT, decode tok/s). The lessons build richer
loops (ReAct with guards, Reflection, Plan-and-Execute) step by step in
`agentkit/agents/`.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel, Field

from agentkit.client import OpenAIClient
from agentkit.client.history import assistant_message, tool_message
from agentkit.serving.endpoint import Endpoint
from agentkit.tools import ToolBox
from agentkit.trace.turn import RequestStats


class CallRecord(BaseModel):
    """One tool call the model made and what the tool answered."""

    name: str = Field(description="Tool name as the model wrote it.")
    arguments: dict[str, Any] | None = Field(description="Decoded arguments; None when they were not a JSON object.")
    observation: str = Field(description="What was sent back to the model.")


class LoopRun(BaseModel):
    """Everything one run of the loop did."""

    steps: list[list[CallRecord]] = Field(default_factory=list, description="Tool calls per model turn.")
    answer: str | None = Field(default=None, description="Final answer, None if the loop never got one.")
    requests: list[RequestStats] = Field(default_factory=list, description="One entry per model request.")
    error: str | None = Field(default=None, description="Why the run stopped without an answer, if it did.")
    wall_s: float = Field(default=0.0, description="Wall time of the whole run.")


def run_loop(endpoint: Endpoint, messages: list[dict], toolbox: ToolBox, tools: list[dict],
             thinking: bool = False, max_steps: int = 6, max_tokens: int = 256) -> LoopRun:
    """Run until the model answers without calling a tool, or max_steps turns."""
    client = OpenAIClient(endpoint)
    messages = list(messages)
    run, start = LoopRun(), time.perf_counter()
    for _ in range(max_steps):
        # preserve_thinking off: the template's default, which is how the toy
        # models' training conversations were rendered.
        turn = client.complete(messages, tools or None, thinking=thinking, preserve_thinking=False,
                               max_tokens=max_tokens)
        run.requests.append(RequestStats.from_turn(len(run.requests) + 1, turn))
        if not turn.tool_calls:
            run.answer = turn.content.strip()
            break
        # Echo the assistant turn back as the model wrote it (reasoning
        # included) so the next request's prompt extends this one: cache hits.
        messages.append(assistant_message(turn))
        step = []
        for call, call_id in zip(turn.tool_calls, turn.call_ids):
            observation = toolbox.run(call.name, call.arguments).content
            step.append(CallRecord(name=call.name, arguments=call.arguments, observation=observation))
            messages.append(tool_message(call_id, observation))
        run.steps.append(step)
    else:
        run.error = f"no final answer after {max_steps} model turns"
    run.wall_s = time.perf_counter() - start
    return run

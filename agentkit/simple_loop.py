"""The plainest tool-using agent: ask, run the calls, feed results back, repeat.

This is the loop the toy-model evaluation and the first `agentkit compare`
use. It lets mlx_lm.server parse the tool calls and streams every request so
it can time it: TTFT is the wait until the first generated piece arrives,
decode speed is the rate of the pieces after it. The lessons build richer
loops (ReAct with guards, Reflection, Plan-and-Execute) step by step.
"""

from __future__ import annotations

import json
import time
from typing import Any

from pydantic import BaseModel, Field

from agentkit.endpoint import Endpoint
from agentkit.tools import ToolBox


class CallRecord(BaseModel):
    """One tool call the model made and what the tool answered."""

    name: str = Field(description="Tool name as the model wrote it.")
    arguments: dict[str, Any] | None = Field(description="Decoded arguments; None when they were not a JSON object.")
    observation: str = Field(description="What was sent back to the model.")


class RequestStats(BaseModel):
    """Timing and token counts of one chat completion request."""

    ttft_s: float = Field(description="Seconds from sending the request to the first generated chunk.")
    total_s: float = Field(description="Seconds from sending the request to the end of the stream.")
    prompt_tokens: int = Field(description="Prompt tokens as reported by the server.")
    cached_tokens: int = Field(description="Prompt tokens served from the server's prompt cache.")
    completion_tokens: int = Field(description="Generated tokens as reported by the server.")
    decode_tps: float | None = Field(description="Text chunks per second after the first one (None if too few).")


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
    client = endpoint.openai()
    messages = list(messages)
    run, start = LoopRun(), time.perf_counter()
    for _ in range(max_steps):
        message, stats = _stream_turn(client, endpoint.model_id, messages, tools, thinking, max_tokens)
        run.requests.append(stats)
        calls = message.get("tool_calls") or []
        if not calls:
            run.answer = (message.get("content") or "").strip()
            break
        # Echo the assistant turn back as the server produced it (reasoning
        # included) so the next request's prompt extends this one: cache hits.
        messages.append(message)
        step = []
        for call in calls:
            name, arguments = call["function"]["name"], _decode(call["function"]["arguments"])
            result = toolbox.run(name, arguments) if arguments is not None else None
            observation = result.content if result else "Error: arguments must be a JSON object."
            step.append(CallRecord(name=name, arguments=arguments, observation=observation))
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": observation})
        run.steps.append(step)
    else:
        run.error = f"no final answer after {max_steps} model turns"
    run.wall_s = time.perf_counter() - start
    return run


def _stream_turn(client, model: str, messages, tools, thinking, max_tokens) -> tuple[dict, RequestStats]:
    sent = time.perf_counter()
    stream = client.chat.completions.create(
        model=model, messages=messages, tools=tools or None, max_tokens=max_tokens, temperature=0.0,
        stream=True, stream_options={"include_usage": True},
        extra_body={"chat_template_kwargs": {"enable_thinking": thinking}})
    content, reasoning, calls, usage = [], [], [], None
    first = None
    text_times: list[float] = []
    for chunk in stream:
        usage = chunk.usage or usage
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        piece = (delta.content or "") + (getattr(delta, "reasoning", None) or "")
        now = time.perf_counter()
        if piece or delta.tool_calls:
            first = first or now
        if piece:
            # mlx_lm.server streams text about one token per chunk, but holds a
            # tool call back and sends it whole: only text chunks time decoding.
            text_times.append(now)
        content.append(delta.content or "")
        reasoning.append(getattr(delta, "reasoning", None) or "")
        for tc in delta.tool_calls or []:
            calls.append({"id": tc.id or f"call_{len(calls)}", "type": "function",
                          "function": {"name": tc.function.name, "arguments": tc.function.arguments or "{}"}})
    end = time.perf_counter()
    completion = usage.completion_tokens if usage else 0
    cached = (getattr(usage, "prompt_tokens_details", None) and usage.prompt_tokens_details.cached_tokens) or 0
    span = text_times[-1] - text_times[0] if len(text_times) >= 3 else 0.0
    decode = (len(text_times) - 1) / span if span > 0 else None
    stats = RequestStats(ttft_s=(first or end) - sent, total_s=end - sent,
                         prompt_tokens=usage.prompt_tokens if usage else 0, cached_tokens=cached,
                         completion_tokens=completion, decode_tps=decode)
    message: dict[str, Any] = {"role": "assistant", "content": "".join(content)}
    if any(reasoning):
        message["reasoning_content"] = "".join(reasoning)
    if calls:
        message["tool_calls"] = calls
    return message, stats


def _decode(arguments: str) -> dict | None:
    try:
        value = json.loads(arguments)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None

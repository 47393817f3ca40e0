"""Bench 2: thinking on vs off, on a trivial and a hard prompt (the "80 seconds to say OK" trap).

    agentkit bench thinking                    # toy-dense, one run per setting
    agentkit bench thinking --repeats 3        # medians of 3 runs
    agentkit bench thinking --url http://127.0.0.1:8080/v1 --max-tokens 4096

Qwen3 and Qwen3.6 think by default: before a single visible token, they write
a `<think>` block. On a hard question that is what makes them right; on
"Say OK." it is pure cost, and a user on a Mac reported 80 s for it against
0.12 s of real generation. This bench sends both prompts (`prompts.py`) with
`enable_thinking` off and on and records, per run: tokens generated, how many
of them were reasoning, TTFT (reasoning streams, so the first token comes
early either way), **time to answer** (first visible text, or the complete
tool calls: the wait a user or an agent loop actually feels), and the total.

The two settings alternate run by run, so a slow moment of the machine hits
both. Before a case is measured, one untimed request puts the part of the
prompt both settings share (the tool schemas, hundreds of tokens) in the
server's prompt cache; without it, whichever setting ran first would pay for
prefilling them and look slower for a reason that has nothing to do with
thinking.
"""

from __future__ import annotations

import time

from pydantic import BaseModel
from rich.table import Table

from agentkit.bench.prompts import HARD_PROMPT, TRIVIAL_PROMPT
from agentkit.bench.tables import median, ms, new_table
from agentkit.client import OpenAIClient, Turn
from agentkit.parsing import ContentDelta, Event

CASES = {"trivial": TRIVIAL_PROMPT, "hard": HARD_PROMPT}
"""Case name -> prompt. The hard one is sent with tools, as an agent would send it."""


class ThinkingRun(BaseModel):
    """One request with thinking on or off."""

    case: str
    """`trivial` or `hard`."""
    thinking: bool
    """The `enable_thinking` setting sent."""
    completion_tokens: int
    """Tokens generated, reasoning included."""
    reasoning_tokens: int
    """Tokens of the reasoning (0 with thinking off)."""
    ttft: float | None
    """Seconds to the first output chunk, reasoning or not."""
    time_to_answer: float | None
    """Seconds to the first visible text, or to the end of the turn for an answer that is only
    tool calls (the client knows the calls for sure only then); None when there was neither."""
    total: float
    """Seconds to the end of the answer."""
    finish_reason: str | None
    """`length` means max_tokens cut it, often still inside `<think>`."""
    tool_calls: int
    """Tool calls in the answer."""


class ThinkingResult(BaseModel):
    """Every run of the thinking bench on one model."""

    model: str
    """The model id the requests named."""
    max_tokens: int
    """The cap per request."""
    runs: list[ThinkingRun]
    """All runs, in the order they were sent."""

    def of(self, case: str, thinking: bool) -> list[ThinkingRun]:
        """The runs of one case with one setting."""
        return [r for r in self.runs if r.case == case and r.thinking == thinking]


def run_thinking(client: OpenAIClient, tools: list[dict], *, repeats: int = 1,
                 max_tokens: int = 1024) -> ThinkingResult:
    """Each case, `repeats` times, thinking off then on."""
    runs = []
    for case, prompt in CASES.items():
        case_tools = tools if case == "hard" else None
        client.complete([{"role": "user", "content": prompt}], case_tools, thinking=False, max_tokens=1)
        for _ in range(repeats):
            for thinking in (False, True):
                runs.append(_one_run(client, case, prompt, case_tools, thinking, max_tokens))
    return ThinkingResult(model=client.model, max_tokens=max_tokens, runs=runs)


def _one_run(client: OpenAIClient, case: str, prompt: str, tools: list[dict] | None, thinking: bool,
             max_tokens: int) -> ThinkingRun:
    answered_at: list[float] = []

    def on_delta(event: Event) -> None:
        # The first visible text ends the wait; reasoning deltas do not.
        if isinstance(event, ContentDelta) and event.text.strip() and not answered_at:
            answered_at.append(time.time())

    turn = client.complete([{"role": "user", "content": prompt}], tools, thinking=thinking, max_tokens=max_tokens,
                           on_delta=on_delta)
    reasoning = turn.reasoning or ""
    # The model's own tokenizer counts the reasoning exactly; without its files, estimate 4 characters a token.
    reasoning_tokens = client.count_tokens(reasoning) if client.local is not None else round(len(reasoning) / 4)
    return ThinkingRun(
        case=case, thinking=thinking, completion_tokens=turn.usage.completion_tokens if turn.usage else 0,
        reasoning_tokens=reasoning_tokens, ttft=turn.timings.ttft,
        time_to_answer=_time_to_answer(turn, answered_at),
        total=turn.timings.total, finish_reason=turn.finish_reason, tool_calls=len(turn.tool_calls))


def _time_to_answer(turn: Turn, answered_at: list[float]) -> float | None:
    if answered_at:
        # request_start is wall-clock time, total a monotonic interval: clamp the microseconds they may differ.
        return min(answered_at[0] - turn.timings.request_start, turn.timings.total)
    return turn.timings.total if turn.tool_calls else None


def thinking_table(result: ThinkingResult, label: str = "") -> Table:
    """One row per case and setting (medians over repeats), and the cost of thinking per case."""
    repeats = len(result.of("trivial", False))
    table = new_table(f"thinking: {label or result.model} (median of {repeats} run{'s' * (repeats > 1)})",
                      ("case", "thinking", "tokens", "reasoning", "TTFT ms", "to answer ms", "total ms",
                       "finish", "calls"))
    for case in CASES:
        for thinking in (False, True):
            runs = result.of(case, thinking)
            table.add_row(case, "on" if thinking else "off", f"{median(r.completion_tokens for r in runs):.0f}",
                          f"{median(r.reasoning_tokens for r in runs):.0f}", ms(median(r.ttft for r in runs)),
                          ms(median(r.time_to_answer for r in runs)), ms(median(r.total for r in runs)),
                          runs[-1].finish_reason or "-", str(runs[-1].tool_calls))
    ratios = []
    for case in CASES:
        off, on = (median(r.total for r in result.of(case, t)) for t in (False, True))
        ratios.append(f"{case} {on / off:.1f}x" if off and on else f"{case} -")
    prompts = ", ".join(map(repr, CASES.values()))
    table.caption = f"thinking on / off, total time: {', '.join(ratios)}; prompts: {prompts}"
    return table

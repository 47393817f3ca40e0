"""Bench 3: the 10-round multi-turn pressure test: TTFT and cached tokens, round by round.

    agentkit bench multiturn                    # toy-dense, 10 rounds, the kit's history
    agentkit bench multiturn --history kit,naive --thinking on,off
    agentkit bench multiturn --models toy-dense,toy-attn   # hybrid vs full attention
    agentkit bench multiturn --parser raw       # echo the exact output (no TTFT)
    agentkit bench multiturn --rounds 20

An agent's conversation only grows: every round resends the whole history and
adds a question, a tool result or an answer. If the server reuses its prompt
cache, each round prefills only what is new and TTFT stays flat; if the
history breaks the cached prefix, each round prefills more and TTFT climbs
with the conversation. The write-ups watched the 10th round; this bench prints
every round.

A round is one request (one model turn): the conversation of
`agentkit.bench.cache_report` (weather, arithmetic and unit questions the toy
models answer with tools), played with the history variant you choose. The
questions repeat when more rounds are asked for than they fill.
"""

from __future__ import annotations

import itertools
from typing import Literal

from pydantic import BaseModel
from rich.table import Table

from agentkit.bench.cache_report import (QUESTIONS, SLACK_TOKENS, RequestCost, run_conversation, target_met,
                                         unechoable_caption)
from agentkit.bench.tables import ms, new_table
from agentkit.client import OpenAIClient
from agentkit.errors import ModelFilesMissingError
from agentkit.tools import ToolBox
from agentkit.trace.turn import ParserMode

HistoryName = Literal["kit", "naive", "no-preserve"]
HISTORIES: dict[str, dict[str, bool]] = {
    "kit": {"echo_reasoning": True, "preserve_thinking": True},
    "naive": {"echo_reasoning": False, "preserve_thinking": True},
    "no-preserve": {"echo_reasoning": True, "preserve_thinking": False},
}
"""How the history is rebuilt each round (see lesson 09): the kit's, or one of two common mistakes."""


class MultiturnResult(BaseModel):
    """Every round of one conversation."""

    model: str
    """The model id the requests named."""
    history: HistoryName
    """Which history variant built the requests."""
    thinking: bool | None = None
    """`enable_thinking` as sent; None for the template's default (on for Qwen3.6)."""
    parser: ParserMode = "server"
    """`server`: streamed, the server parses; `raw`: exact output, echoed verbatim when needed."""
    rounds: list[RequestCost]
    """One entry per request: prompt, cached and new tokens, TTFT."""

    @property
    def last(self) -> RequestCost:
        """The final round: the write-ups' round 10."""
        return self.rounds[-1]

    @property
    def cached_share(self) -> float:
        """Cached tokens / prompt tokens over the rounds after the first."""
        later = self.rounds[1:]
        prompt = sum(r.prompt_tokens for r in later)
        return sum(r.cached_tokens for r in later) / prompt if prompt else 0.0

    @property
    def target(self) -> tuple[bool, int, int]:
        """(met, rounds within new + slack, rounds checked), from round 2."""
        return target_met(self.rounds)


def run_multiturn(client: OpenAIClient, toolbox: ToolBox, *, rounds: int = 10, history: HistoryName = "kit",
                  thinking: bool | None = None, parser: ParserMode = "server",
                  max_tokens: int = 256) -> MultiturnResult:
    """Play the cache_report conversation for `rounds` requests with the chosen history."""
    if history not in HISTORIES:
        raise ValueError(f"history must be one of {', '.join(HISTORIES)}, got {history!r}")
    if client.local is None:
        # "new tokens" per round are counted with the model's own tokenizer and template.
        raise ModelFilesMissingError(
            f"The multiturn bench needs the files of {client.model!r} (tokenizer, chat template) on this machine.",
            fix="serve a toy model, a model directory, or a Hugging Face model downloaded here")
    # Enough questions for any number of rounds: each question takes one to four model turns.
    questions = list(itertools.islice(itertools.cycle(QUESTIONS), rounds))
    costs = run_conversation(client, toolbox, questions=questions, max_requests=rounds, max_tokens=max_tokens,
                             thinking=thinking, parser=parser, **HISTORIES[history])
    return MultiturnResult(model=client.model, history=history, thinking=thinking, parser=parser, rounds=costs)


def multiturn_table(result: MultiturnResult, label: str = "") -> Table:
    """One row per round: prompt, cached, prefilled and new tokens, the entry reused, TTFT (fits 80 columns)."""
    table = new_table(f"multiturn: {label or result.model}, {describe(result)}",
                      ("round", "calls", "prompt", "cached", "prefill", "new", "reused", "TTFT", "total"))
    for r in result.rounds:
        calls = str(r.tool_calls) + (f"[red]+{r.lost_calls}![/]" if r.lost_calls else "")
        table.add_row(str(r.turn), calls, str(r.prompt_tokens), str(r.cached_tokens), str(r.uncached_tokens),
                      str(r.new_tokens), r.reused, ms(r.timings.ttft), ms(r.timings.total))
    first, last = result.rounds[0], result.last
    met, within, checked = result.target
    # Raw mode is not streamed: no TTFT, only the whole request's time.
    timing = "TTFT" if last.timings.ttft is not None else "total"
    first_s, last_s = ((first.timings.ttft, last.timings.ttft) if timing == "TTFT"
                       else (first.timings.total, last.timings.total))
    lines = [f"round {last.turn}: {timing} {ms(last_s)} ms (round 1: {ms(first_s)} ms), "
             f"{last.cached_tokens}/{last.prompt_tokens} prompt tokens cached",
             f"rounds 2+: {result.cached_share:.0%} of prompt tokens cached, "
             f"{sum(r.uncached_tokens for r in result.rounds)} prefilled in all; "
             f"{within}/{checked} prefilled at most new + {SLACK_TOKENS}",
             "prefill = prompt - cached; new = tokens of the messages added since the last round; "
             "reused = the previous round's cache entry the server used (reply: all of it; "
             "prompt: the reply was prefilled again); times in ms"]
    lost = ", ".join(str(r.turn) for r in result.rounds if r.lost_calls)
    if lost and result.parser == "server":
        lines.append(f"+N! = calls lost in round {lost}: the server dropped a call it could not parse, "
                     "so the echoed history cannot match what the model wrote (--parser raw echoes it exactly)")
    elif lost:
        lines.append(f"+N! = calls the kit's parser could not read in round {lost}; "
                     "the history echoed the text as the model wrote it")
    unechoable = unechoable_caption(result.rounds)
    if unechoable:
        lines.append(unechoable)
    table.caption = "\n".join(lines)
    return table


def summary_table(results: list[tuple[str, MultiturnResult]]) -> Table:
    """One row per run, side by side: rounds within target, prefilled tokens, cached share, TTFT."""
    table = new_table("multiturn summary", ("model", "history", "think", "target", "prefill", "cached",
                                            "TTFT 1", "TTFT N"))
    for label, result in results:
        met, within, checked = result.target
        table.add_row(label, result.history, _thinking(result.thinking),
                      f"{'[green]' if met else '[red]'}{within}/{checked}[/]",
                      str(sum(r.uncached_tokens for r in result.rounds)), f"{result.cached_share:.0%}",
                      ms(result.rounds[0].timings.ttft), ms(result.last.timings.ttft))
    table.caption = (f"target: rounds 2+ prefilling at most the new messages + {SLACK_TOKENS} tokens; "
                     "prefill: tokens prefilled over all rounds; cached: share of prompt tokens from "
                     "the cache, rounds 2+; TTFT of round 1 and of the last round, in ms")
    return table


def describe(result: MultiturnResult) -> str:
    """`kit history, thinking on, server parser`: what a run was."""
    return f"{result.history} history, thinking {_thinking(result.thinking)}, {result.parser} parser"


def _thinking(thinking: bool | None) -> str:
    return "default" if thinking is None else "on" if thinking else "off"

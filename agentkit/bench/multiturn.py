"""Bench 3: the 10-round multi-turn pressure test: TTFT and cached tokens, round by round.

    agentkit bench multiturn                    # toy-dense, 10 rounds, the kit's history
    agentkit bench multiturn --history naive    # reasoning dropped from the echoed turns
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

from agentkit.bench.cache_report import QUESTIONS, RequestCost, run_conversation
from agentkit.bench.tables import ms, new_table
from agentkit.client import OpenAIClient
from agentkit.errors import ModelFilesMissingError
from agentkit.tools import ToolBox

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


def run_multiturn(client: OpenAIClient, toolbox: ToolBox, *, rounds: int = 10, history: HistoryName = "kit",
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
                             **HISTORIES[history])
    return MultiturnResult(model=client.model, history=history, rounds=costs)


def multiturn_table(result: MultiturnResult, label: str = "") -> Table:
    """One row per round: prompt, cached, new and prefilled tokens, TTFT."""
    table = new_table(f"multiturn: {label or result.model} ({result.history} history)",
                      ("round", "calls", "prompt", "cached", "new", "prefilled", "TTFT ms", "total ms"))
    for r in result.rounds:
        table.add_row(str(r.turn), str(r.tool_calls), str(r.prompt_tokens), str(r.cached_tokens),
                      str(r.new_tokens), str(r.uncached_tokens), ms(r.timings.ttft), ms(r.timings.total))
    first, last = result.rounds[0], result.last
    table.caption = (f"round {last.turn}: TTFT {ms(last.timings.ttft)} ms (round 1: {ms(first.timings.ttft)} ms), "
                     f"{last.cached_tokens}/{last.prompt_tokens} prompt tokens cached; "
                     f"rounds 2+: {result.cached_share:.0%} of prompt tokens cached, "
                     f"{sum(r.uncached_tokens for r in result.rounds)} prefilled in all")
    return table

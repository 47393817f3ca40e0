"""What one call to the model returns: a `Turn`, with its `Usage` and `Timings`.

`RequestStats` is the same request flattened to numbers, one row of a table.

A `Turn` is the same in both tool-call modes, so an agent never needs to know
which one produced it: in `server` mode mlx_lm.server split the output and the
client converted its answer; in `raw` mode the client got the exact generated
text and split it with `agentkit.parsing`. Tool calls are always the parser's
`ToolCall`.

It is defined here, in the trace layer, because a trace keeps every `Turn` as
it came back (`ModelCall.turn`), and the trace sits below the client that
builds it; `agentkit.client` re-exports it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agentkit.parsing import ParseIssue, ToolCall
from agentkit.trace.timing import percentile

ParserMode = Literal["server", "raw"]


class Usage(BaseModel):
    """Token counts the server reported for one request."""

    prompt_tokens: int
    """Tokens in the prompt the chat template built."""
    completion_tokens: int
    """Tokens the model generated (the stop token included, as servers count it)."""
    cached_tokens: int | None = None
    """Prompt tokens the server took from its prompt cache; None when it does not say."""

    @property
    def uncached_tokens(self) -> int:
        """Prompt tokens the server had to prefill (all of them when it reports no cache)."""
        return self.prompt_tokens - (self.cached_tokens or 0)


class Timings(BaseModel):
    """When things happened during one request, measured on the client."""

    request_start: float
    """Wall-clock time (`time.time()`) when the request was sent."""
    ttft: float | None = None
    """Seconds from sending to the first chunk with output; None when not streamed."""
    gaps: list[float] = Field(default_factory=list)
    """Every gap in seconds between two consecutive chunks with output (inter-token latency)."""
    total: float
    """Seconds from sending to the end of the answer."""
    decode_tps: float | None = None
    """Generated tokens per second after the first one; None without a stream or usage."""
    prefill_tps: float | None = None
    """Estimate: uncached prompt tokens / TTFT (the first token's decode step is in TTFT too)."""

    @property
    def itl_median(self) -> float | None:
        """The median inter-token gap in seconds."""
        return percentile(self.gaps, 50)

    @property
    def itl_p95(self) -> float | None:
        """The 95th-percentile inter-token gap: the stalls a reader notices."""
        return percentile(self.gaps, 95)


class Turn(BaseModel):
    """One assistant answer: text, reasoning, tool calls, and what it cost."""

    content: str
    """The visible answer, think and tool-call markup removed, ends trimmed."""
    reasoning: str | None = None
    """The text the model wrote inside `<think>`; None when there was none."""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    """The calls to run, in the order the model wrote them."""
    call_ids: list[str] = Field(default_factory=list)
    """One id per tool call, to send back as `tool_call_id` with its result."""
    finish_reason: str | None = None
    """`stop`, `tool_calls` or `length` (cut by max_tokens)."""
    usage: Usage | None = None
    """Token counts; None when the server reported none."""
    timings: Timings
    """Latency measured on the client."""
    mode: ParserMode = "server"
    """Who split the output: the server (`server`) or the kit's parser (`raw`)."""
    raw_text: str | None = None
    """Raw mode only: the exact text the model generated, stop token excluded."""
    token_ids: list[int] | None = None
    """Raw mode only: the generated token ids as the server returned them."""
    errors: list[ParseIssue] = Field(default_factory=list)
    """Calls that were lost (raw mode: the kit's parser; server mode: unreadable arguments)."""
    warnings: list[ParseIssue] = Field(default_factory=list)
    """Problems the kit's parser recovered from (raw mode)."""


class RequestStats(BaseModel):
    """One request's numbers, flat: what the benches, the toy evaluation and reports tabulate."""

    index: int
    """1 for the first request of its run (a bench, a conversation, an agent loop)."""
    prompt_tokens: int
    """Tokens of the prompt."""
    cached_tokens: int
    """Prompt tokens the server took from its prompt cache (0 when it does not say)."""
    completion_tokens: int
    """Tokens generated."""
    ttft: float | None
    """Seconds from sending to the first output chunk."""
    decode_tps: float | None
    """Generated tokens per second after the first one."""
    prefill_tps: float | None
    """Uncached prompt tokens / TTFT: an estimate that includes the first decode step."""
    itl_median: float | None
    """Median gap between output chunks, in seconds."""
    itl_p95: float | None
    """95th-percentile gap between output chunks: the stalls."""
    total: float
    """Seconds from sending to the end of the answer."""
    started: float
    """Wall-clock time (`time.time()`) when the request was sent."""
    finish_reason: str | None
    """`stop`, `length` or `tool_calls`."""

    @classmethod
    def from_turn(cls, index: int, turn: Turn) -> RequestStats:
        """Flatten one `Turn`: zeros for token counts the server did not report."""
        usage, timings = turn.usage, turn.timings
        return cls(index=index, prompt_tokens=usage.prompt_tokens if usage else 0,
                   cached_tokens=(usage.cached_tokens or 0) if usage else 0,
                   completion_tokens=usage.completion_tokens if usage else 0,
                   ttft=timings.ttft, decode_tps=timings.decode_tps, prefill_tps=timings.prefill_tps,
                   itl_median=timings.itl_median, itl_p95=timings.itl_p95, total=timings.total,
                   started=timings.request_start, finish_reason=turn.finish_reason)

    @property
    def ended(self) -> float:
        """Wall-clock time when the answer was complete."""
        return self.started + self.total

    @property
    def uncached_tokens(self) -> int:
        """Prompt tokens the server had to prefill."""
        return self.prompt_tokens - self.cached_tokens

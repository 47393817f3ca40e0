"""One measured request: the numbers every bench records, and how to fix the output length.

Every bench sends streamed requests through `OpenAIClient`, which times each
chunk (see `agentkit.trace.timing`), and keeps a `RequestTiming` per request.

Speed numbers only compare when every request generates the same number of
tokens: a model that stops after 12 tokens gives a decode rate measured over
eleven gaps, mostly noise. So the speed and concurrency benches ban the
model's end-of-turn tokens with `logit_bias` (what llama.cpp's llama-bench and
vLLM's benchmarks call "ignore EOS"): each request writes exactly
`max_tokens` tokens. What it writes after its answer is nonsense, and that is
fine: the time per token is the same.

The same request also bans the tokens that open or close a tool call or a
think block. mlx_lm.server holds a tool call back until its block is complete
and sends it as one chunk, so an output that starts with `<tool_call>` (the
toy models' favourite first token) would stream nothing until the end and its
TTFT would read as its total time. Without those tokens every generated token
arrives in its own chunk.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from agentkit.client import OpenAIClient, Turn
from agentkit.parsing.tags import CALL_CLOSE, CALL_OPEN, THINK_CLOSE, THINK_OPEN

BANNED = -1000.0
"""Added to a banned token's logit: it is never sampled, at any temperature the kit uses."""
MARKUP_TOKENS = (CALL_OPEN, CALL_CLOSE, THINK_OPEN, THINK_CLOSE)
"""Tokens after which the server buffers or re-routes output instead of streaming it as content."""


class RequestTiming(BaseModel):
    """What one request cost and how long it took, as the client measured it."""

    index: int
    """1 for the first request a bench sent."""
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
    def from_turn(cls, index: int, turn: Turn) -> RequestTiming:
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


def fixed_length_body(client: OpenAIClient) -> dict[str, Any] | None:
    """`extra_body` that bans the end-of-turn and markup tokens; None when the model's files are not here.

    The stop tokens' ids come from the model's own files (config.json,
    generation_config.json, the tokenizer). Against a server whose model is
    not on this machine the model stops when it wants; benches say so.
    """
    if client.local is None or not client.local.eos_ids:
        return None
    markup = {client.local.tokenizer.token_to_id(text) for text in MARKUP_TOKENS}
    banned = sorted(client.local.eos_ids | (markup - {None}))
    return {"logit_bias": {str(token): BANNED for token in banned}}

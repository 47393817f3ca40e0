"""Bench 1: generation speed and TTFT on a fixed prompt, cold and warm.

    agentkit bench speed                       # toy-dense, 4 requests of 128 tokens
    agentkit bench speed --model toy-moe --requests 8
    agentkit bench speed --url http://127.0.0.1:8080/v1 --max-tokens 512

The same prompt (`prompts.SPEED_PROMPT`) is sent `requests` times, one after
another. The first request is *cold*: the server has never seen this prompt,
so it prefills all of it, and it is the first real generation of the process
(when the kit started the server, its warm-up loaded the weights with a
one-token request; that time is the `server start` line). The later requests
are *warm*: the server's prompt cache already holds the prompt, so TTFT drops
to about one decode step. `--no-cache` prefixes each request with its number
so every request prefills again: then cold vs warm shows what the process
itself warms up (kernels, memory), not the cache.

Decode tok/s is measured after the first token and needs a fixed output
length to compare (see `measure.fixed_length_body`).
"""

from __future__ import annotations

from pydantic import BaseModel
from rich.table import Table

from agentkit.bench.measure import fixed_length_body
from agentkit.bench.prompts import SPEED_PROMPT
from agentkit.bench.tables import median, ms, new_table, rate
from agentkit.client import OpenAIClient
from agentkit.trace.turn import RequestStats


class SpeedResult(BaseModel):
    """Cold and warm requests of the same prompt on one model."""

    model: str
    """The model id the requests named."""
    max_tokens: int
    """Tokens each request was allowed (and, with fixed_length, made) to generate."""
    fixed_length: bool
    """True when the end-of-turn tokens were banned, so every request generated max_tokens."""
    reuse_prompt: bool
    """True when every request sent the identical prompt (the cache can serve warm requests)."""
    server_start_s: float | None = None
    """Seconds from starting the server to its first answer, when the kit started it."""
    requests: list[RequestStats]
    """One entry per request, the cold one first."""

    @property
    def cold(self) -> RequestStats:
        """The first request."""
        return self.requests[0]

    @property
    def warm(self) -> list[RequestStats]:
        """Every request after the first."""
        return self.requests[1:]

    @property
    def warm_ttft(self) -> float | None:
        """Median TTFT of the warm requests."""
        return median(r.ttft for r in self.warm)

    @property
    def warm_decode_tps(self) -> float | None:
        """Median decode rate of the warm requests."""
        return median(r.decode_tps for r in self.warm)


def run_speed(client: OpenAIClient, *, requests: int = 4, max_tokens: int = 128, reuse_prompt: bool = True,
              fixed_length: bool = True, server_start_s: float | None = None) -> SpeedResult:
    """Send the speed prompt `requests` times in a row; the first one is the cold request."""
    if requests < 2:
        raise ValueError("the speed bench needs at least 2 requests: one cold, one warm")
    body = fixed_length_body(client) if fixed_length else None
    timings = []
    for index in range(1, requests + 1):
        text = SPEED_PROMPT if reuse_prompt else f"Request {index}. {SPEED_PROMPT}"
        # Thinking off: this bench measures the machine, not how long the model deliberates.
        turn = client.complete([{"role": "user", "content": text}], thinking=False, max_tokens=max_tokens,
                               extra_body=body)
        timings.append(RequestStats.from_turn(index, turn))
    return SpeedResult(model=client.model, max_tokens=max_tokens, fixed_length=body is not None,
                       reuse_prompt=reuse_prompt, server_start_s=server_start_s, requests=timings)


def speed_table(result: SpeedResult, label: str = "") -> Table:
    """One row per request, then the cold and warm summary in the caption."""
    length = f"exactly {result.max_tokens}" if result.fixed_length else f"up to {result.max_tokens}"
    table = new_table(
        f"speed: {label or result.model} ({length} tokens per request)",
        ("request", "prompt", "cached", "generated", "TTFT ms", "decode tok/s", "prefill tok/s",
         "ITL p50 ms", "ITL p95 ms", "total ms"))
    for r in result.requests:
        name = "1 (cold)" if r.index == 1 else str(r.index)
        table.add_row(name, str(r.prompt_tokens), str(r.cached_tokens), str(r.completion_tokens), ms(r.ttft),
                      rate(r.decode_tps), rate(r.prefill_tps), ms(r.itl_median), ms(r.itl_p95), ms(r.total))
    start = f"server start {result.server_start_s:.1f} s; " if result.server_start_s is not None else ""
    cache = "same prompt each time" if result.reuse_prompt else "a new prompt each time (--no-cache)"
    table.caption = (f"{start}TTFT cold {ms(result.cold.ttft)} ms, warm {ms(result.warm_ttft)} ms (median); "
                     f"decode warm {rate(result.warm_decode_tps)} tok/s (median); {cache}")
    return table

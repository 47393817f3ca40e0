"""Latency numbers from timestamps: TTFT, inter-token gaps, decode and prefill tok/s.

mlx_lm.server sends no timing fields, so the client measures what a user
feels. During prefill the server only sends `: keepalive` comments; then about
one chunk per generated token (a tool call arrives as one chunk when its block
is complete). From the send time, the arrival time of each chunk that carries
output, and the token counts in `usage`:

- TTFT (time to first token) = first output chunk - send. It holds the HTTP
  round trip, the prefill of the uncached prompt, and the first decode step.
- inter-token latency = the gaps between consecutive output chunks.
- decode tok/s = (completion_tokens - 1) / (last chunk - first chunk): the
  first token's time is in TTFT, so it is left out of the rate.
- prefill tok/s ~ uncached prompt tokens / TTFT: an underestimate, since TTFT
  also holds the first decode step and the network, but the right order of
  magnitude once prompts are long.

Everything here is a pure function of numbers, so it is tested on made-up
timestamps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def gaps_between(times: Sequence[float]) -> list[float]:
    """The differences between consecutive timestamps."""
    return [later - earlier for earlier, later in zip(times, times[1:])]


def decode_rate(completion_tokens: int, first: float, last: float) -> float | None:
    """Tokens per second after the first token; None when it cannot be measured."""
    # One token, or every token in one chunk: no interval to divide by.
    if completion_tokens < 2 or last <= first:
        return None
    return (completion_tokens - 1) / (last - first)


def prefill_rate(uncached_prompt_tokens: int, ttft: float | None) -> float | None:
    """Estimated prompt tokens per second: uncached tokens over TTFT."""
    if ttft is None or ttft <= 0 or uncached_prompt_tokens <= 0:
        return None
    return uncached_prompt_tokens / ttft


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def stream_timings(
    sent: float,
    output_times: Sequence[float],
    end: float,
    completion_tokens: int | None,
    uncached_prompt_tokens: int | None,
) -> dict[str, float | list[float] | None]:
    """TTFT, gaps, total, decode and prefill rates from one streamed request.

    `sent`, `output_times` and `end` come from the same monotonic clock
    (`time.perf_counter()`); `output_times` are the arrivals of chunks with output.
    Returns the fields of `Timings` except `request_start`.
    """
    ttft = output_times[0] - sent if output_times else None
    decode_tps = None
    if output_times and completion_tokens is not None:
        decode_tps = decode_rate(completion_tokens, output_times[0], output_times[-1])
    return {
        "ttft": ttft,
        "gaps": gaps_between(output_times),
        "total": end - sent,
        "decode_tps": decode_tps,
        "prefill_tps": prefill_rate(uncached_prompt_tokens or 0, ttft),
    }

"""What a run cost: latency and tokens from a trace, then per task and per model.

Every `model_call` in a trace carries the client's timings (TTFT, the gaps
between streamed chunks, decode and prefill rates) and the server's usage
(prompt, cached and completion tokens). `run_metrics` sums one trace;
`pool_metrics` puts many traces together: percentiles over every request of
a model (a p95 over nine tasks means little, over forty requests it does),
medians with their spread over repeats.

Reasoning tokens are not reported by mlx_lm.server apart from completion
tokens, so they are estimated: the completion tokens times the reasoning's
share of the generated characters. Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from agentkit.trace.events import ModelCall, RunEnd
from agentkit.trace.reader import Trace
from agentkit.trace.timing import percentile


class TimelineBar(BaseModel):
    """One request of a run, for the timeline chart."""

    start_s: float = Field(description="Seconds from the run's first request to this one's start.")
    total_s: float = Field(description="Seconds the request took.")
    ttft_s: float | None = Field(default=None, description="Time to first token, seconds.")
    purpose: str = Field(description="react, critique, revise, plan, replan or synthesize.")


class RunMetrics(BaseModel):
    """One trace's latency and tokens."""

    steps: int = Field(description="Model requests.")
    wall_s: float = Field(description="Seconds from run start to run end (0 when the run did not end).")
    prompt_tokens: int = Field(description="Prompt tokens over all requests.")
    cached_tokens: int = Field(description="Of those, tokens the server's prompt cache supplied.")
    cache_reported: bool = Field(default=True, description="False when no request's usage said how many were cached.")
    completion_tokens: int = Field(description="Generated tokens over all requests.")
    reasoning_tokens: int = Field(description="Estimated generated tokens spent inside <think>.")
    ttft_s: list[float] = Field(description="TTFT of each request that streamed.")
    itl_s: list[float] = Field(description="Every inter-token gap of every request.")
    decode_tps: list[float] = Field(description="Decode rate of each request that has one.")
    prefill_tps: list[float] = Field(description="Prefill rate estimate of each request that has one.")
    requests: list[TimelineBar] = Field(description="Each request's start and length, in order.")


class Spread(BaseModel):
    """The median of some values and how far they range."""

    median: float | None = Field(description="Median (None without values).")
    low: float | None = Field(description="Smallest value.")
    high: float | None = Field(description="Largest value.")


class PooledMetrics(BaseModel):
    """Many runs together (one model's whole suite, or one task's repeats)."""

    runs: int = Field(description="Traces pooled.")
    requests: int = Field(description="Model requests over all of them.")
    ttft_p50_ms: float | None = Field(description="Median TTFT over all requests, ms.")
    ttft_p95_ms: float | None = Field(description="95th-percentile TTFT, ms.")
    itl_p50_ms: float | None = Field(description="Median inter-token gap, ms.")
    itl_p95_ms: float | None = Field(description="95th-percentile inter-token gap, ms.")
    decode_tps: float | None = Field(description="Median decode rate over requests, tokens/s.")
    prefill_tps: float | None = Field(description="Median prefill rate estimate over requests, tokens/s.")
    cached_ratio: float | None = Field(description="Cached prompt tokens / prompt tokens.")
    steps: Spread = Field(description="Requests per run.")
    wall_s: Spread = Field(description="Seconds per run.")
    prompt_tokens: int = Field(description="Prompt tokens, summed.")
    cached_tokens: int = Field(default=0, description="Of those, tokens from the server's prompt cache, summed.")
    completion_tokens: int = Field(description="Generated tokens, summed.")
    reasoning_tokens: int = Field(description="Estimated reasoning tokens, summed.")
    total_wall_s: float = Field(description="Seconds over all runs.")

    @property
    def prefilled_tokens(self) -> int:
        """Prompt tokens the server computed: what an inexact history inflates on a hybrid model."""
        return self.prompt_tokens - self.cached_tokens


def run_metrics(trace: Trace) -> RunMetrics:
    """Latency and token counts of one run."""
    calls = [e for e in trace.events if isinstance(e, ModelCall)]
    end = next((e for e in trace.events if isinstance(e, RunEnd)), None)
    first = calls[0].turn.timings.request_start if calls else 0.0
    usage = [c.turn.usage for c in calls if c.turn.usage is not None]
    return RunMetrics(
        steps=len(calls),
        wall_s=end.wall_s if end else 0.0,
        prompt_tokens=sum(u.prompt_tokens for u in usage),
        cached_tokens=sum(u.cached_tokens or 0 for u in usage),
        cache_reported=any(u.cached_tokens is not None for u in usage),
        completion_tokens=sum(u.completion_tokens for u in usage),
        reasoning_tokens=sum(_reasoning_tokens(c) for c in calls),
        ttft_s=[c.turn.timings.ttft for c in calls if c.turn.timings.ttft is not None],
        itl_s=[gap for c in calls for gap in c.turn.timings.gaps],
        decode_tps=[c.turn.timings.decode_tps for c in calls if c.turn.timings.decode_tps],
        prefill_tps=[c.turn.timings.prefill_tps for c in calls if c.turn.timings.prefill_tps],
        requests=[TimelineBar(start_s=c.turn.timings.request_start - first, total_s=c.turn.timings.total,
                                ttft_s=c.turn.timings.ttft, purpose=c.purpose) for c in calls],
    )


def pool_metrics(runs: Sequence[RunMetrics]) -> PooledMetrics:
    """Percentiles over every request of `runs`, spreads over the runs."""
    ttft = [t for r in runs for t in r.ttft_s]
    itl = [g for r in runs for g in r.itl_s]
    prompt = sum(r.prompt_tokens for r in runs)
    return PooledMetrics(
        runs=len(runs),
        requests=sum(r.steps for r in runs),
        ttft_p50_ms=_ms(percentile(ttft, 50)),
        ttft_p95_ms=_ms(percentile(ttft, 95)),
        itl_p50_ms=_ms(percentile(itl, 50)),
        itl_p95_ms=_ms(percentile(itl, 95)),
        decode_tps=percentile([v for r in runs for v in r.decode_tps], 50),
        prefill_tps=percentile([v for r in runs for v in r.prefill_tps], 50),
        # Unknown, not 0%, when the server reported no cached tokens at all (mlx_lm.server always does).
        cached_ratio=sum(r.cached_tokens for r in runs) / prompt if prompt and any(r.cache_reported for r in runs)
        else None,
        steps=spread([r.steps for r in runs]),
        wall_s=spread([r.wall_s for r in runs]),
        prompt_tokens=prompt,
        cached_tokens=sum(r.cached_tokens for r in runs),
        completion_tokens=sum(r.completion_tokens for r in runs),
        reasoning_tokens=sum(r.reasoning_tokens for r in runs),
        total_wall_s=sum(r.wall_s for r in runs),
    )


def spread(values: Sequence[float]) -> Spread:
    """Median, smallest and largest of `values`."""
    if not values:
        return Spread(median=None, low=None, high=None)
    return Spread(median=percentile(values, 50), low=min(values), high=max(values))


def changed_between_repeats(keys: Sequence[str]) -> int:
    """How many repeats decided differently from the first one (0: the model was repeatable)."""
    return sum(key != keys[0] for key in keys[1:]) if keys else 0


def _reasoning_tokens(call: ModelCall) -> int:
    turn = call.turn
    if not turn.reasoning or turn.usage is None:
        return 0
    generated = len(turn.reasoning) + len(turn.content) + sum(len(c.raw or "") for c in turn.tool_calls)
    return round(turn.usage.completion_tokens * len(turn.reasoning) / generated)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000

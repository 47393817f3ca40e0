"""Latency and token metrics from traces: one run, pooled runs, spreads, repeat stability."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentkit.trace.turn import Timings, Turn, Usage
from agentkit.harness.metrics import (
    changed_between_repeats,
    pool_metrics,
    run_metrics,
    spread,
)
from agentkit.trace import ModelCall, RunEnd, Trace, read_trace

ROOT = Path(__file__).resolve().parent.parent


def model_call(start: float, ttft: float, gaps: list[float], prompt: int, cached: int, completion: int,
               reasoning: str | None = None, content: str = "answer", tps: float | None = 50.0) -> ModelCall:
    turn = Turn(content=content, reasoning=reasoning, usage=Usage(prompt_tokens=prompt, completion_tokens=completion,
                                                                  cached_tokens=cached),
                timings=Timings(request_start=start, ttft=ttft, gaps=gaps, total=ttft + sum(gaps),
                                decode_tps=tps, prefill_tps=100.0))
    return ModelCall(purpose="react", step=1, new_messages=[], tools=[], turn=turn)


def test_run_metrics_sums_tokens_and_collects_timings():
    trace = Trace(events=[
        model_call(100.0, 0.5, [0.01, 0.03], prompt=400, cached=0, completion=10),
        model_call(101.0, 0.2, [0.02], prompt=500, cached=400, completion=20, reasoning="x" * 30, content="y" * 10),
        RunEnd(status="ok", model_calls=2, tool_calls=1, wall_s=1.5),
    ])
    m = run_metrics(trace)
    assert (m.steps, m.prompt_tokens, m.cached_tokens, m.completion_tokens) == (2, 900, 400, 30)
    assert m.reasoning_tokens == 15  # 20 tokens x 30 of 40 characters
    assert m.ttft_s == [0.5, 0.2] and m.itl_s == [0.01, 0.03, 0.02] and m.wall_s == 1.5
    assert [r.start_s for r in m.requests] == [0.0, 1.0]


def test_pooled_percentiles_run_over_all_requests():
    runs = [run_metrics(Trace(events=[model_call(0, t, [g], 100, 50, 5) for t, g in ((0.1, 0.01), (0.3, 0.03))])),
            run_metrics(Trace(events=[model_call(0, 0.2, [0.02], 100, 0, 5)]))]
    pooled = pool_metrics(runs)
    assert pooled.requests == 3 and pooled.runs == 2
    assert pooled.ttft_p50_ms == pytest.approx(200)
    assert pooled.ttft_p95_ms == pytest.approx(290)
    assert pooled.itl_p50_ms == pytest.approx(20)
    assert pooled.cached_ratio == pytest.approx(100 / 300) and pooled.cached_tokens == 100
    assert pooled.steps.median == 1.5 and (pooled.steps.low, pooled.steps.high) == (1, 2)


def test_a_run_without_requests_pools_to_empty_numbers():
    pooled = pool_metrics([run_metrics(Trace(events=[]))])
    assert pooled.ttft_p50_ms is None and pooled.decode_tps is None and pooled.cached_ratio is None
    assert spread([]).median is None


def test_metrics_of_a_recorded_trace():
    trace = read_trace(ROOT / "fixtures" / "traces" / "plan_temperatures.jsonl")
    m = run_metrics(trace)
    assert m.steps == len(trace.model_calls()) == trace.end.model_calls and m.wall_s == trace.end.wall_s
    assert m.prompt_tokens > m.cached_tokens > 0 and len(m.ttft_s) == 10


def test_changed_between_repeats_counts_repeats_unlike_the_first():
    assert changed_between_repeats(["a", "a", "a"]) == 0
    assert changed_between_repeats(["a", "b", "a", "c"]) == 2
    assert changed_between_repeats([]) == 0


def test_cached_tokens_the_server_did_not_report_are_unknown_not_zero():
    # A server without prompt_tokens_details: "0% cached" would claim the cache never helped.
    unreported = run_metrics(Trace(events=[model_call(0, 0.1, [0.01], 300, None, 5)]))
    pooled = pool_metrics([unreported])
    assert not unreported.cache_reported and pooled.cached_ratio is None
    assert pooled.prefilled_tokens == 300
    # Reported by one request of the pool: the ratio is over all prompt tokens.
    reported = run_metrics(Trace(events=[model_call(0, 0.1, [0.01], 100, 90, 5)]))
    pooled = pool_metrics([unreported, reported])
    assert pooled.cached_ratio == pytest.approx(90 / 400) and pooled.prefilled_tokens == 310

"""Lesson 21: measuring like the write-ups: the four benches, and how to read their tables.

    python lessons/21_measuring.py                  # toy-dense, one server for all four benches
    python lessons/21_measuring.py --model toy-moe
    python lessons/21_measuring.py --url http://127.0.0.1:8080/v1   # your server, your model

The same four measurements people made by hand on their Macs, each one call
to `agentkit.bench` (and one command: `agentkit bench NAME`): speed cold and
warm, thinking on and off, ten rounds of a tool-using conversation, and 1 to 8
requests at once. After each table, the line to read in it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

from rich.console import Console

from agentkit.bench.concurrency import concurrency_table, run_concurrency
from agentkit.bench.multiturn import multiturn_table, run_multiturn
from agentkit.bench.speed import run_speed, speed_table
from agentkit.bench.tables import ms, rate
from agentkit.bench.thinking import run_thinking, thinking_table
from agentkit.client import OpenAIClient
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import example_tools

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes


def step_1_speed(console: Console, client: OpenAIClient, label: str, server_start: float | None) -> None:
    console.rule("1. Speed: one prompt, cold then warm (agentkit bench speed)")
    result = run_speed(client, requests=4, max_tokens=128, server_start_s=server_start)
    console.print(speed_table(result, label))
    cold, warm = result.cold, result.warm
    console.print(f"Read: TTFT {ms(cold.ttft)} ms cold vs {ms(result.warm_ttft)} ms warm. The cold request "
                  f"prefilled {cold.prompt_tokens - cold.cached_tokens} tokens; the warm ones found "
                  f"{warm[0].cached_tokens} of {warm[0].prompt_tokens} in the prompt cache and prefilled "
                  f"{warm[0].prompt_tokens - warm[0].cached_tokens}. "
                  f"Decode ({rate(result.warm_decode_tps)} tok/s) does not depend on the cache: it is the speed "
                  "of reading the weights once per token.")
    fact("speed_prompt_tokens", cold.prompt_tokens)
    fact("cold_prefilled", cold.prompt_tokens - cold.cached_tokens)
    fact("warm_prefilled", warm[0].prompt_tokens - warm[0].cached_tokens)
    if server_start is not None:
        fact("server_start_s", f"{server_start:.1f}", timing=True)
    fact("ttft_cold_ms", ms(cold.ttft), timing=True)
    fact("ttft_warm_ms", ms(result.warm_ttft), timing=True)
    fact("decode_warm_tps", rate(result.warm_decode_tps), timing=True)


def step_2_multiturn(console: Console, client: OpenAIClient, label: str) -> None:
    console.rule("2. Ten rounds of an agent conversation (agentkit bench multiturn)")
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson21-") as workspace:
        result = run_multiturn(client, example_tools(workspace), rounds=10)
    console.print(multiturn_table(result, label))
    first, last = result.rounds[0], result.last
    console.print(f"Read the prefilled column: round 1 pays for the whole prompt ({first.uncached_tokens} tokens, "
                  f"mostly the tool schemas), round {last.turn} only for what is new ({last.uncached_tokens} of "
                  f"{last.prompt_tokens}). Then TTFT: {ms(first.timings.ttft)} ms in round 1, "
                  f"{ms(last.timings.ttft)} ms in round {last.turn}. With a history that breaks the cached "
                  "prefix (`--history naive` or `no-preserve`, lesson 09), rounds prefill more than what is "
                  "new; on a real model, with long reasoning and tool results, TTFT then climbs round after round.")
    for cost in result.rounds:
        if cost.turn in (1, 2, 5, 10):
            fact(f"round{cost.turn}_prompt", cost.prompt_tokens)
            fact(f"round{cost.turn}_cached", cost.cached_tokens)
            fact(f"round{cost.turn}_prefilled", cost.uncached_tokens)
            fact(f"round{cost.turn}_ttft_ms", ms(cost.timings.ttft), timing=True)
    fact("cached_percent", f"{result.cached_share:.0%}".rstrip("%"))


def step_3_thinking(console: Console, client: OpenAIClient, label: str) -> None:
    console.rule("3. Thinking on vs off (agentkit bench thinking)")
    # Only the schemas are needed, so the file tools' workspace can go at once.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson21-") as workspace:
        tools = example_tools(workspace).schemas()
    result = run_thinking(client, tools, max_tokens=512)
    console.print(thinking_table(result, label))
    off, on = result.of("trivial", False)[0], result.of("trivial", True)[0]
    console.print(f"Read 'to answer': the wait before anything visible. 'Say OK.' took {ms(off.time_to_answer)} "
                  f"ms without thinking and {ms(on.time_to_answer)} ms with it ({on.reasoning_tokens} reasoning "
                  "tokens). TTFT hides this: reasoning streams, so the first token comes early either way. The "
                  "toy reasons for one sentence; a real Qwen3.6 can reason for thousands of tokens, which is how "
                  "'Say OK' took 80 s on a Mac.")
    for case in ("trivial", "hard"):
        for thinking, setting in ((False, "off"), (True, "on")):
            run = result.of(case, thinking)[0]
            fact(f"{case}_{setting}_tokens", run.completion_tokens)
            fact(f"{case}_{setting}_reasoning", run.reasoning_tokens)
            fact(f"{case}_{setting}_answer_ms", ms(run.time_to_answer), timing=True)


def step_4_concurrency(console: Console, client: OpenAIClient, label: str) -> None:
    console.rule("4. Requests at once (agentkit bench concurrency)")
    result = run_concurrency(client, levels=(1, 2, 4, 8), max_tokens=64)
    console.print(concurrency_table(result, label))
    one, eight = result.levels[0], result.levels[-1]
    console.print(f"Read aggregate vs per stream: {rate(one.aggregate_tps)} tok/s for one request, "
                  f"{rate(eight.aggregate_tps)} tok/s for eight together, each stream getting "
                  f"{rate(eight.stream_tps)}. On a Mac's GPU, a batch reads the weights once for all its streams, "
                  "so the total grows while each stream slows a little. Where the total barely grows, as on two "
                  "CPU cores, compute and not memory is the limit already at one stream, and an extra stream "
                  f"mostly waits: TTFT p95 {ms(eight.ttft_p95)} ms at 8. Same bench, different machine, different "
                  "bottleneck.")
    for level in result.levels:
        fact(f"together{level.concurrency}_tps", rate(level.aggregate_tps), timing=True)
        fact(f"together{level.concurrency}_ttft_ms", ms(level.ttft_p50), timing=True)
    fact("together_gain", f"{eight.aggregate_tps / one.aggregate_tps:.1f}", timing=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 21: measuring like the write-ups")
    add_endpoint_arguments(parser)
    args = parser.parse_args()
    console = Console()
    console.print("starting the model server (or connecting to --url)...")
    started = time.perf_counter()
    with endpoint_from_args(args) as endpoint:
        server_start = None if args.url else time.perf_counter() - started
        client = OpenAIClient(endpoint)
        label = args.model if not args.url else client.model
        step_1_speed(console, client, label, server_start)
        # Before the thinking bench: it puts the tool schemas in the cache, and round 1 here should pay for them.
        step_2_multiturn(console, client, label)
        step_3_thinking(console, client, label)
        step_4_concurrency(console, client, label)
    return 0


if __name__ == "__main__":
    sys.exit(main())

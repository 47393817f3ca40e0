"""Lesson 01: your first request, streamed, with TTFT and inter-token latency measured live.

    python lessons/01_first_request.py                 # starts mlx_lm.server on toy-dense
    python lessons/01_first_request.py --model toy-moe
    python lessons/01_first_request.py --url http://127.0.0.1:8080/v1   # a server you started

Three steps: one complete request with the plain openai SDK; the same request
streamed, timing every chunk as it arrives; then the kit's client, which does
that timing for you, on a short and a long prompt.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agentkit.client import OpenAIClient
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import example_tools
from agentkit.trace.timing import percentile

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

QUESTION = [{"role": "user", "content": "Hello"}]


def step_1_complete_request(console: Console, sdk, model: str) -> None:
    console.rule("1. One request, one complete answer")
    response = sdk.chat.completions.create(model=model, messages=QUESTION, max_tokens=64, temperature=0.0)
    message = response.choices[0].message
    # mlx_lm.server puts the <think> text in a field the OpenAI schema does not
    # have, `reasoning`; the SDK keeps unknown fields in model_extra.
    console.print(f"reasoning:     {message.model_extra.get('reasoning')!r}")
    console.print(f"content:       {message.content!r}")
    console.print(f"finish_reason: {response.choices[0].finish_reason}")
    console.print(f"usage:         {response.usage.prompt_tokens} prompt + "
                  f"{response.usage.completion_tokens} completion tokens")
    fact("hello_prompt_tokens", response.usage.prompt_tokens)


def step_2_stream_and_time(console: Console, sdk, model: str) -> None:
    console.rule("2. The same request, streamed: time every chunk")
    reasoning, content, arrivals = "", "", []
    sent = time.perf_counter()
    stream = sdk.chat.completions.create(
        model=model, messages=QUESTION, max_tokens=64, temperature=0.0, stream=True,
        # Without this a stream carries no token counts at all.
        stream_options={"include_usage": True},
    )
    usage = None
    with Live(console=console, refresh_per_second=20) as live:
        for chunk in stream:
            now = time.perf_counter()
            usage = chunk.usage or usage
            if not chunk.choices:
                continue  # the last chunk carries only the usage
            delta = chunk.choices[0].delta
            piece_of_reasoning = (delta.model_extra or {}).get("reasoning")
            if piece_of_reasoning or delta.content:
                arrivals.append(now)  # only chunks with output count as tokens
            reasoning += piece_of_reasoning or ""
            content += delta.content or ""
            live.update(Group(Text(reasoning.strip(), style="dim italic"), Text(content.strip(), style="bold"),
                              Text(_stats_line(sent, arrivals), style="cyan")))
    console.print()

    ttft = arrivals[0] - sent
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    # The first token's time is in TTFT; the decode rate counts the others.
    decode_tps = (usage.completion_tokens - 1) / (arrivals[-1] - arrivals[0])
    table = Table(title="measured on the client", title_justify="left")
    for column in ("TTFT ms", "ITL median ms", "ITL p95 ms", "chunks", "tokens", "decode tok/s"):
        table.add_column(column, justify="right")
    table.add_row(f"{ttft * 1000:.1f}", f"{percentile(gaps, 50) * 1000:.1f}", f"{percentile(gaps, 95) * 1000:.1f}",
                  str(len(arrivals)), str(usage.completion_tokens), f"{decode_tps:.0f}")
    console.print(table)


def _stats_line(sent: float, arrivals: list[float]) -> str:
    if not arrivals:
        return f"waiting for the first token... {time.perf_counter() - sent:.2f} s"
    elapsed = arrivals[-1] - arrivals[0]
    rate = f"{(len(arrivals) - 1) / elapsed:.0f} tok/s" if elapsed > 0 else "-"
    return f"TTFT {(arrivals[0] - sent) * 1000:.0f} ms | {len(arrivals)} chunks | {rate}"


def step_3_the_kit_client(console: Console, endpoint) -> None:
    console.rule("3. The kit's client times it for you")
    client = OpenAIClient(endpoint)
    # Only the schemas are needed, so the file tools' workspace can go at once.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson01-") as workspace:
        tools = example_tools(workspace).schemas()
    table = Table(title_justify="left")
    for column in ("prompt", "tokens", "uncached", "TTFT ms", "prefill tok/s", "ITL ms", "decode tok/s"):
        table.add_column(column, justify="right")
    # Seven tool schemas make the prompt ~60x longer: watch TTFT grow with it
    # (prefill), and shrink again when the server finds the same prompt in its cache.
    turns = {}
    for label, tools_sent in (("short", None), ("with tools", tools), ("same again", tools)):
        turn = turns[label] = client.complete(QUESTION, tools_sent, max_tokens=64)
        t, usage = turn.timings, turn.usage
        # A prefill rate from a handful of tokens measures only overhead: leave it out.
        prefill = f"{t.prefill_tps:.0f}" if t.prefill_tps and usage.uncached_tokens >= 64 else "-"
        table.add_row(label, str(usage.prompt_tokens), str(usage.uncached_tokens), f"{t.ttft * 1000:.0f}",
                      prefill, f"{t.itl_median * 1000:.1f}", f"{t.decode_tps:.0f}" if t.decode_tps else "-")
    console.print(table)
    short, long, again = turns["short"], turns["with tools"], turns["same again"]
    fact("tools_prompt_tokens", long.usage.prompt_tokens)
    fact("tools_uncached_tokens", long.usage.uncached_tokens)
    fact("prompt_growth", round(long.usage.prompt_tokens / short.usage.prompt_tokens))
    fact("ttft_short_ms", f"{short.timings.ttft * 1000:.0f}", timing=True)
    fact("ttft_tools_s", f"{long.timings.ttft:.1f}", timing=True)
    fact("prefill_tps", f"{long.timings.prefill_tps or 0:.0f}", timing=True)
    fact("itl_ms", f"{again.timings.itl_median * 1000:.0f}", timing=True)
    fact("decode_tps", f"{again.timings.decode_tps or 0:.0f}", timing=True)
    console.print(Panel("TTFT = prefill of the uncached prompt + the first decode step + the HTTP round trip.\n"
                        "Inter-token latency (ITL) is the decode step: it barely depends on the prompt.",
                        title="what to see"))


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 01: your first request")
    add_endpoint_arguments(parser)
    args = parser.parse_args()
    console = Console()
    console.print("starting the model server (or connecting to --url)...")
    with endpoint_from_args(args) as endpoint:
        console.print(f"server: {endpoint.base_url}  model: {endpoint.label}", highlight=False)
        # No retries: a failing request should fail now, not three times quietly.
        sdk = endpoint.openai(timeout=60)
        step_1_complete_request(console, sdk, endpoint.model_id)
        step_2_stream_and_time(console, sdk, endpoint.model_id)
        step_3_the_kit_client(console, endpoint)
    return 0


if __name__ == "__main__":
    sys.exit(main())

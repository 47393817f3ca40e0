"""Lesson 09: the prompt cache and multi-turn cost: what an agent's history does to prefill.

    python lessons/09_prompt_cache.py                  # toy-dense; one fresh server per history
    python lessons/09_prompt_cache.py --model toy-moe
    python lessons/09_prompt_cache.py --url http://127.0.0.1:8080/v1   # shares one server

Two steps: first see, byte by byte, where a history that drops the reasoning
stops matching what the server has cached; then play the same 10-turn
tool-using conversation with three histories and compare what the server had
to prefill on each turn (the table of benchmarks/bench_prompt_cache.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from agentkit.bench.cache_report import cost_table, run_conversation, target_met
from agentkit.client import History, OpenAIClient
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import ToolBox, example_tools

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

HISTORIES = {
    "kit": {"echo_reasoning": True, "preserve_thinking": True},
    "naive": {"echo_reasoning": False, "preserve_thinking": True},
    "no-preserve": {"echo_reasoning": True, "preserve_thinking": False},
}


def step_1_where_the_prefix_breaks(console: Console, client: OpenAIClient, toolbox: ToolBox) -> None:
    console.rule("1. What the server cached vs what the next request sends")
    history = History(tools=toolbox.schemas())
    history.add_user("What's the weather in Paris?")
    prompt = client.render_prompt(history.messages, history.tools)
    # Raw mode gives the exact generated text: prompt + that text is what the server now holds.
    turn = client.complete(history.messages, **history.request_options(), parser="raw", max_tokens=128)
    cached = prompt + turn.raw_text
    for name in ("kit", "naive"):
        echoed = History(tools=toolbox.schemas(), **HISTORIES[name])
        echoed.add_user("What's the weather in Paris?")
        echoed.add_assistant(turn)
        for call, call_id in zip(turn.tool_calls, turn.call_ids):
            echoed.add_tool_result(call_id, toolbox.run(call.name, call.arguments).content)
        following = client.render_prompt(echoed.messages, echoed.tools)
        same = _common_prefix(cached, following)
        verdict = "the whole turn is reused" if same == len(cached) else f"diverges at character {same}"
        console.print(Panel(
            f"[dim]...{_show(cached[max(0, same - 60):same])}[/][red]{_show(following[same:same + 60])}[/]...",
            title=f"{name} history: {verdict} (red = not in the cache)", title_align="left"))
    console.print(f"The server cached {client.count_tokens(cached)} tokens. Everything from the first red "
                  "character on is prefilled again, on every turn.")


def step_2_ten_turns_three_histories(console: Console, args: argparse.Namespace, toolbox: ToolBox) -> None:
    console.rule("2. Ten tool-using turns, three ways to build the history")
    summary = Table(title="summary", title_justify="left")
    for column in ("history", "target met", "prefilled tokens", "mean TTFT ms (turns 2+)"):
        summary.add_column(column, justify="right")
    for name, options in HISTORIES.items():
        # A fresh server per history, so no history reads another's cache.
        with endpoint_from_args(args) as endpoint:
            client = OpenAIClient(endpoint)
            costs = run_conversation(client, toolbox, **options)
        console.print(cost_table(f"{name} history", costs))
        met, within, checked = target_met(costs)
        later = [c.timings.ttft for c in costs[1:] if c.timings.ttft is not None]
        summary.add_row(name, f"{'yes' if met else 'no'} ({within}/{checked})",
                        str(sum(c.uncached_tokens for c in costs)),
                        f"{1000 * sum(later) / len(later):.0f}" if later else "-")
        key = name.replace("-", "_")
        fact(f"{key}_within", within)
        fact(f"{key}_checked", checked)
        fact(f"{key}_prefilled", sum(c.uncached_tokens for c in costs))
        if later:
            fact(f"{key}_ttft_ms", f"{1000 * sum(later) / len(later):.0f}", timing=True)
    console.print(summary)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _show(text: str) -> str:
    # Newlines visible, and no rich markup inside the model's text.
    return text.replace("[", "\\[").replace("\n", "\\n")


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 09: the prompt cache and multi-turn cost")
    add_endpoint_arguments(parser)
    args = parser.parse_args()
    console = Console()
    # The file tools work in a scratch folder, removed when the lesson ends.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson09-") as workspace:
        toolbox = example_tools(workspace)
        console.print("starting the model server (or connecting to --url)...")
        with endpoint_from_args(args) as endpoint:
            step_1_where_the_prefix_breaks(console, OpenAIClient(endpoint), toolbox)
        step_2_ten_turns_three_histories(console, args, toolbox)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The agent framework's own cost per step: time outside the model call.

    python benchmarks/bench_agent_overhead.py             # 300 runs of 11 model calls each
    python benchmarks/bench_agent_overhead.py --runs 50   # quicker

A scripted client answers instantly (10 turns that each call a tool, then an
answer), so whatever time a run takes is the loop's own work. A wrapper
clocks every `complete` call and the time outside those calls is divided by
the number of model calls. Five loops run on the same script, in the same
process, interleaved run by run so that drift hits them all alike:

- bare: the reference, a for loop with dict messages that calls the tool's
  Python function directly (no validation, no timeout, no record);
- bare + Tool.run: the same, through `Tool.run` (pydantic validation of the
  arguments, the call in a worker thread with a timeout);
- react: the kit's ReAct loop with its guards, History and an in-memory Tracer;
- react + trace file: the same, every event written to a JSONL file;
- react + trace file + live view: the same, rendered with rich to a string.

The model call itself is not part of any of these numbers. On a real model a
step takes 100 ms (a toy model on CPU) to seconds; the table says what share
the framework adds.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console

from agentkit.agents import AgentConfig, react
from agentkit.client import tool_message
from agentkit.client.history import assistant_message
from agentkit.client.scripted import ScriptedClient, call_turn, text_turn
from agentkit.tools import ToolBox, tool
from agentkit.trace import Tracer, TraceWriter
from agentkit.trace.show import TraceView


@tool
def lookup(n: int) -> dict:
    """Look up record n.

    Args:
        n: Record number.
    """
    return {"n": n, "value": n * 2}


class TimedClient:
    """Wraps a client and adds up the seconds spent inside `complete`."""

    def __init__(self, inner: ScriptedClient) -> None:
        self.inner, self.model, self.inside = inner, inner.model, 0.0

    def complete(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.inner.complete(*args, **kwargs)
        finally:
            self.inside += time.perf_counter() - start


def script(steps: int) -> list:
    turns = [call_turn(("lookup", {"n": n}), reasoning=f"I need record {n}.") for n in range(steps)]
    return turns + [text_turn("All records read.", reasoning="Done.")]


def bare_loop(client, toolbox: ToolBox, task: str, via_tool_run: bool) -> str:
    messages = [{"role": "system", "content": "You are a concise assistant."}, {"role": "user", "content": task}]
    tools = toolbox.schemas()
    while True:
        turn = client.complete(messages, tools)
        messages.append(assistant_message(turn))
        if not turn.tool_calls:
            return turn.content
        for call, call_id in zip(turn.tool_calls, turn.call_ids):
            if via_tool_run:
                content = toolbox.run(call.name, call.arguments).content
            else:
                content = str(toolbox[call.name].fn(**call.arguments))
            messages.append(tool_message(call_id, content))


def run_once(variant: str, turns: list, toolbox: ToolBox, folder: Path) -> tuple[float, int]:
    """Seconds outside the model calls, and the number of model calls, for one run."""
    client = TimedClient(ScriptedClient(turns))
    config = AgentConfig(max_steps=len(turns))
    start = time.perf_counter()
    if variant == "bare":
        bare_loop(client, toolbox, "Read records.", via_tool_run=False)
    elif variant == "bare + Tool.run":
        bare_loop(client, toolbox, "Read records.", via_tool_run=True)
    elif variant == "react":
        react(client, toolbox, "Read records.", config, Tracer())
    else:
        with TraceWriter(folder / f"{time.perf_counter_ns()}.jsonl") as writer:
            tracer = Tracer(writer)
            if variant.endswith("live view"):
                view = TraceView(Console(file=io.StringIO(), width=120), live=True)
                tracer.on_event, tracer.on_delta = view.event, view.delta
            react(client, toolbox, "Read records.", config, tracer)
    total = time.perf_counter() - start
    return total - client.inside, len(client.inner.requests)


VARIANTS = ["bare", "bare + Tool.run", "react", "react + trace file", "react + trace file + live view"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=300, help="runs per loop (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=10, help="tool-calling turns per run (default: %(default)s)")
    args = parser.parse_args()
    turns, toolbox = script(args.steps), ToolBox([lookup])
    per_step: dict[str, list[float]] = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory() as folder:
        for variant in VARIANTS:  # warm-up: imports, pydantic schemas, jinja templates
            run_once(variant, turns, toolbox, Path(folder))
        for _ in range(args.runs):
            for variant in VARIANTS:
                outside, calls = run_once(variant, turns, toolbox, Path(folder))
                per_step[variant].append(outside / calls)
    bare = statistics.median(per_step["bare"])
    print(f"{args.runs} runs x {args.steps + 1} model calls (scripted, instant); time outside the model call per step")
    print(f"{'loop':<32}{'median us':>10}{'p90 us':>10}{'vs bare us':>12}")
    for variant, values in per_step.items():
        median, p90 = statistics.median(values), statistics.quantiles(values, n=10)[-1]
        print(f"{variant:<32}{median * 1e6:>10.0f}{p90 * 1e6:>10.0f}{(median - bare) * 1e6:>+12.0f}")


if __name__ == "__main__":
    main()

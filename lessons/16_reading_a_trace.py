"""Lesson 16: reading a trace: what happened, where a wrong value came from, where the time went.

    python lessons/16_reading_a_trace.py               # the recorded traces, then one fresh run on toy-dense
    python lessons/16_reading_a_trace.py --offline     # the recorded traces only
    python lessons/16_reading_a_trace.py --trace runs/20260101-120000-react.jsonl

Six steps on traces recorded by `agentkit run` (fixtures/traces/): the raw
lines, the rendering of `agentkit trace show`, tracking where each tool
argument came from (with the run verdict of `agentkit.trace.verdict`), where the time and the tokens went, replaying the trace
offline through the agent, and checking a recording against the model today.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from agentkit.agents import AgentConfig, react
from agentkit.agents.command import select_tools
from agentkit.client import OpenAIClient
from agentkit.client.scripted import RecordingClient, ScriptedClient
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import example_tools
from agentkit.trace import ToolCallEvent, Trace, read_trace
from agentkit.trace.show import show_trace
from agentkit.trace.verdict import judge

TRACES = Path(__file__).resolve().parent.parent / "fixtures" / "traces"


def step_1_the_file(console: Console, path: Path) -> Trace:
    console.rule(f"1. The file: one JSON event per line ({path.name})")
    lines = path.read_text(encoding="utf-8").splitlines()
    console.print(lines[0][:300] + " ...", markup=False, highlight=False)
    trace = read_trace(path)
    console.print(f"{len(lines)} lines -> events: {dict(Counter(event.type for event in trace.events))}",
                  markup=False)
    return trace


def step_2_rendered(console: Console, path: Path) -> None:
    console.rule("2. The same trace rendered (agentkit trace show FILE)")
    show_trace(path, console)


def step_3_where_values_came_from(console: Console, paths: list[Path]) -> None:
    console.rule("3. Where did each tool argument come from? (the run verdict)")
    for path in paths:
        trace = read_trace(path)
        verdict = judge(trace)
        # The verdict names each argument it could not trace back to the task or an earlier tool result.
        ungrounded = {(p.call_id, p.argument) for p in verdict.problems if p.kind == "ungrounded_argument"}
        console.print(f"{path.name} ({trace.start.model}): {trace.start.task}", markup=False, style="bold")
        for event in trace.events:
            if isinstance(event, ToolCallEvent):
                for name, value in event.arguments.items():
                    source = ("NOT in the task or any earlier result" if (event.call_id, name) in ungrounded
                              else "in the task or an earlier result, or built from earlier numbers")
                    console.print(f"  {event.name}.{name} = {json.dumps(value)}: {source}", markup=False)
        console.print(f"  verdict: {verdict.status_line()}", markup=False)


def step_4_time_and_tokens(console: Console, trace: Trace) -> None:
    console.rule("4. Where the time and the tokens went, request by request")
    table = Table()
    for column in ("request", "prompt", "cached", "new", "out", "TTFT ms", "model s", "agent s before"):
        table.add_column(column, justify="right")
    model_s = agent_s = 0.0
    for call in trace.model_calls():
        usage, timings = call.turn.usage, call.turn.timings
        model_s, agent_s = model_s + timings.total, agent_s + call.agent_s
        table.add_row(f"{call.purpose} #{call.step}", str(usage.prompt_tokens), str(usage.cached_tokens),
                      str(usage.uncached_tokens), str(usage.completion_tokens),
                      f"{timings.ttft * 1000:.0f}" if timings.ttft is not None else "-",
                      f"{timings.total:.2f}", f"{call.agent_s:.4f}")
    console.print(table)
    console.print(f"in the model: {model_s:.2f} s; in the agent and its tools between requests: {agent_s:.4f} s; "
                  f"whole run: {trace.end.wall_s:.2f} s")


def step_5_replay(console: Console, trace: Trace) -> None:
    console.rule("5. Replay: the recorded turns, through the agent, with no model")
    client = ScriptedClient.from_trace(TRACES / "react_weather_kelvin.jsonl")
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson16-") as workspace:
        toolbox = select_tools(example_tools(workspace), ",".join(trace.start.tools))
        result = react(client, toolbox, trace.start.task, AgentConfig(**trace.start.config))
    recorded = [message for call in trace.model_calls() for message in call.new_messages]
    sent = client.requests[-1].messages
    console.print(f"answer: {result.answer!r} (recorded: {trace.events[-2].answer!r})", markup=False)
    console.print(f"the agent sent the recorded conversation again, message for message: {sent == recorded}")


def step_6_is_the_recording_current(console: Console, args: argparse.Namespace, trace: Trace) -> None:
    console.rule("6. Does the model still answer as recorded?")
    # One scratch folder for the file tools and the recording, removed once it is read back.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson16-") as scratch:
        folder = Path(scratch)
        toolbox = select_tools(example_tools(folder), ",".join(trace.start.tools))
        with endpoint_from_args(args) as endpoint:
            # RecordingClient saves every turn the real client returns (one JSON line each).
            recorder = RecordingClient(OpenAIClient(endpoint), folder / "turns.jsonl")
            result = react(recorder, toolbox, trace.start.task, AgentConfig(**trace.start.config))
        turns_now = ScriptedClient.load(folder / "turns.jsonl").turns
    for number, (old, new) in enumerate(zip(trace.model_calls(), turns_now), start=1):
        same = (old.turn.content, old.turn.tool_calls) == (new.content, new.tool_calls)
        console.print(f"request {number}: {'same' if same else 'DIFFERENT'} "
                      f"(recorded calls {[c.name for c in old.turn.tool_calls]}, "
                      f"now {[c.name for c in new.tool_calls]})", markup=False)
    console.print(f"answer now: {result.answer!r}", markup=False)
    console.print("A different turn means the recording is stale: re-record it (fixtures/traces/README.md).")


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 16: reading a trace")
    add_endpoint_arguments(parser)
    parser.add_argument("--trace", type=Path, default=None,
                        help="your trace for steps 1-4 (default: the recorded ReAct run for steps 1-3 and the "
                             "recorded Plan-and-Execute run, which has more requests, for step 4)")
    parser.add_argument("--offline", action="store_true", help="skip step 6, which runs the model")
    args = parser.parse_args()
    console = Console()
    if args.trace is not None and not args.trace.is_file():
        console.print(f"no trace at {args.trace}: give the .jsonl file an `agentkit run ... --trace FILE` wrote",
                      markup=False)
        return 2
    first = args.trace or TRACES / "react_weather_kelvin.jsonl"
    trace = step_1_the_file(console, first)
    step_2_rendered(console, first)
    step_3_where_values_came_from(console, [first, TRACES / "toy_failure_react_tags.jsonl",
                                            TRACES / "toy_failure_plan_difference.jsonl"])
    # Your trace when you give one; otherwise the recorded plan run, whose many requests show more.
    step_4_time_and_tokens(console, trace if args.trace else read_trace(TRACES / "plan_temperatures.jsonl"))
    step_5_replay(console, read_trace(TRACES / "react_weather_kelvin.jsonl"))
    if not args.offline:
        step_6_is_the_recording_current(console, args, read_trace(TRACES / "react_weather_kelvin.jsonl"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

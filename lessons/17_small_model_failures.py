"""Lesson 17: when small models fail: real toy failures, what catches them, what wording they handle.

    python lessons/17_small_model_failures.py                 # steps 1-2 offline, step 3 on toy-dense
    python lessons/17_small_model_failures.py --offline       # skip step 3, which runs the model
    python lessons/17_small_model_failures.py --model toy-moe

Step 1 reads real failures recorded through the real mlx_lm.server
(fixtures/traces/toy_failure_*.jsonl): the older ones on the previous
generation of toys (full attention), the `toy_failure_hybrid_*` ones on
today's hybrid toys. Step 2 asks, for each, what caught it: a guard during
the run, the run verdict after it (agentkit/trace/verdict.py), or only a
checker that knows the task. Step 3 asks the live toy one question in
wordings it was trained on and in wordings it never saw.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from agentkit.agents import AgentConfig, run_agent
from agentkit.client import OpenAIClient
from agentkit.errors import AgentkitError
from agentkit.harness.suite import AnswerCheck, check_answer
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import example_tools
from agentkit.trace import FinalAnswer, GuardEvent, ToolCallEvent, Trace, Tracer, read_trace
from agentkit.trace.verdict import judge

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

TRACES = Path(__file__).resolve().parent.parent / "fixtures" / "traces"
# What a right answer to each recorded task holds (the example tools' world: Cairo 7°C = 280.15 K,
# Paris 12°C and Rome 20°C, 12 miles = 19.3121 km, Vienna 12°C; the older traces as in lesson 12).
CHECKS = {
    "toy_failure_react_tags": AnswerCheck(kind="numeric", number=285.15, values=["Paris"]),
    "toy_failure_notes_think_leak": AnswerCheck(kind="contains", values=["[coffee]", "roasted"]),
    "toy_failure_plan_difference": AnswerCheck(kind="numeric", number=17, tolerance=0, values=["Oslo", "Madrid"]),
    "toy_failure_notes_volcanoes": AnswerCheck(kind="contains", values=["[volcanoes]", "opening"]),
    "toy_failure_hybrid_thermometer": AnswerCheck(kind="numeric", number=280.15, values=["Cairo"]),
    "toy_failure_hybrid_difference": AnswerCheck(kind="numeric", number=8, tolerance=0, values=["Paris", "Rome"]),
    "toy_failure_hybrid_convert": AnswerCheck(kind="numeric", number=19.31, values=["km"]),
    "toy_failure_hybrid_moe_loop": AnswerCheck(kind="contains", values=["Vienna", "12"]),
}
# One intent, "the temperature of a city in kelvin": wordings from training, then unseen ones.
# The unseen ones are agentkit/toy/wording.py's PARAPHRASE["weather_unit"], filled in.
WORDINGS = {
    "trained": ["What is the temperature in Cairo in kelvin?", "How hot is Cairo in kelvin?",
                "Give me the temperature of Cairo in kelvin.", "Cairo temperature in kelvin?"],
    "unseen": ["How hot is it in Cairo, in kelvin?", "I'd like the temperature of Cairo expressed in kelvin.",
               "Tell me Cairo's temperature, but in kelvin.", "What does the thermometer read in Cairo, in kelvin?"],
}


def step_1_recorded(console: Console) -> list[tuple[str, Trace]]:
    console.rule("1. Real failures, recorded through the server (fixtures/traces)")
    traces = []
    for path in sorted(TRACES.glob("toy_failure_*.jsonl")):
        trace = read_trace(path)
        name = path.stem
        generation = "today's hybrid" if name.startswith("toy_failure_hybrid_") else "previous (qwen3)"
        calls = [f"{e.name}({', '.join(f'{k}={v!r}' for k, v in e.arguments.items())})"
                 for e in trace.events if isinstance(e, ToolCallEvent)]
        answer = next((e.answer for e in trace.events if isinstance(e, FinalAnswer)), None)
        console.print(f"[bold]{name}[/] ({trace.start.model}, {generation} toys)", highlight=False)
        # One toy answer repeats itself until max_tokens: show its start and its length.
        shown = repr(answer) if answer is None or len(answer) <= 150 else \
            f"{answer[:150]!r}... ({len(answer)} chars)"
        console.print(f"  task:   {trace.start.task}\n  calls:  {'; '.join(calls) or '-'}\n"
                      f"  answer: {shown}", markup=False, highlight=False)
        traces.append((name, trace))
    fact("recorded", len(traces))
    fact("recorded_hybrid", sum(name.startswith("toy_failure_hybrid_") for name, _ in traces))
    return traces


def step_2_what_catches_them(console: Console, traces: list[tuple[str, Trace]]) -> None:
    console.rule("2. What caught each: a guard, the verdict, or only a task checker")
    table = Table(caption="guards: events during the run (agentkit/agents/guards.py); verdict: "
                  "problems found after it; checker: a test that knows the right answer",
                  caption_justify="left")
    for column in ("trace", "guards", "verdict", "checker"):
        table.add_column(column)
    caught_by_verdict = caught_by_checker_only = tripped_guard = rejected = 0
    for name, trace in traces:
        guards = sorted({e.guard for e in trace.events if isinstance(e, GuardEvent)})
        verdict = judge(trace)
        answer = next((e.answer for e in trace.events if isinstance(e, FinalAnswer)), None)
        passed = check_answer(CHECKS[name], answer) if name in CHECKS else None
        kinds = sorted({p.kind for p in verdict.problems})
        table.add_row(name.removeprefix("toy_failure_"), ", ".join(guards) or "-",
                      ", ".join(kinds) or "no problem", {True: "passes", False: "rejects", None: "-"}[passed])
        tripped_guard += bool(guards)
        rejected += passed is False
        caught_by_verdict += not verdict.ok
        caught_by_checker_only += verdict.ok and passed is False
    console.print(table)
    fact("tripped_guard", tripped_guard)
    fact("caught_by_verdict", caught_by_verdict)
    fact("rejected_by_checker", rejected)
    fact("caught_by_checker_only", caught_by_checker_only)


def step_3_wording(console: Console, args: argparse.Namespace) -> None:
    console.rule(f"3. One question, trained and unseen wordings ({args.model}, live)")
    table = Table(caption="right: get_weather(Cairo), then a conversion to kelvin, an answer with "
                  "280.15, and a verdict with no problem", caption_justify="left")
    for column in ("wording", "seen", "calls", "right"):
        table.add_column(column)
    check = AnswerCheck(kind="numeric", number=280.15, values=["Cairo"])
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson17-") as workspace, endpoint_from_args(args) as endpoint:
        client, toolbox = OpenAIClient(endpoint), example_tools(workspace)
        for seen, wordings in WORDINGS.items():
            right = 0
            for task in wordings:
                tracer = Tracer()
                try:
                    answer = run_agent("react", client, toolbox, task, AgentConfig(), tracer,
                                       model_name=args.model).answer
                except AgentkitError:
                    answer = None  # a guard stopped the run: the trace says which
                trace = Trace(events=tracer.events)
                calls = [f"{e.name}({', '.join(str(v) for v in e.arguments.values())})"
                         for e in tracer.events if isinstance(e, ToolCallEvent)]
                ok = judge(trace).ok and check_answer(check, answer)
                right += ok
                table.add_row(task, seen, "; ".join(calls) or "-", "yes" if ok else "no")
            fact(f"{seen}_right", right)
            fact(f"{seen}_asked", len(wordings))
    console.print(table)


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 17: when small models fail")
    add_endpoint_arguments(parser)
    parser.add_argument("--offline", action="store_true", help="skip step 3, which runs the model")
    args = parser.parse_args()
    console = Console()
    traces = step_1_recorded(console)
    step_2_what_catches_them(console, traces)
    if not args.offline:
        console.print("starting the model server (or connecting to --url)...")
        step_3_wording(console, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

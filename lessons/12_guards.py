"""Lesson 12: guards: what the loop does when the model loops, breaks the format, or runs too long.

    python lessons/12_guards.py                        # steps 1-4 and 6 offline, step 5 on toy-dense
    python lessons/12_guards.py --model toy-moe
    python lessons/12_guards.py --offline              # skip step 5, which runs the model

The toy models rarely misbehave on demand, so steps 1-4 replay scripted model
turns (`ScriptedClient`: the same `Client` the agent always talks to, with
answers written in advance) through the real ReAct loop; each run ends with
its verdict (`agentkit.trace.verdict`). Step 5 hits the limits with the real
model. Step 6 is what guards cannot see: real toy runs that ended "ok" with a
wrong answer, recorded in fixtures/traces/, and what the verdict and a task's
checker say about them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from agentkit.agents import AgentConfig, run_agent
from agentkit.client import Client, OpenAIClient
from agentkit.client.scripted import ScriptedClient, call_turn, raw_turn, text_turn
from agentkit.errors import AgentkitError
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import ToolBox, example_tools
from agentkit.harness.suite import AnswerCheck, check_answer
from agentkit.trace import FinalAnswer, GuardEvent, ToolResultEvent, Trace, Tracer, read_trace
from agentkit.trace.verdict import judge

TRACES = Path(__file__).resolve().parent.parent / "fixtures" / "traces"
PARIS = ("get_weather", {"city": "Paris"})
BROKEN = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Par'
HIDDEN = ("<think>\nI should call <tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n"
          "</function>\n</tool_call>\n</think>\n\nLet me check the weather.")


def run(console: Console, title: str, client: Client, toolbox: ToolBox, config: AgentConfig,
        task: str = "What's the weather in Paris?") -> None:
    """Run ReAct and print what the guards did, the observations, how it ended, and its verdict."""
    console.print(f"[bold]{title}[/]")
    tracer = Tracer()
    try:
        result = run_agent("react", client, toolbox, task, config, tracer)
        outcome = f"answer: {result.answer!r}"
    except AgentkitError as error:
        outcome = f"stopped by {type(error).__name__}: {error.message}\n    fix: {error.fix}"
    for event in tracer.events:
        if isinstance(event, ToolResultEvent):
            console.print(f"  tool {event.name} -> {event.content[:90]}", markup=False)
        elif isinstance(event, GuardEvent):
            said = f"\n    the model is told: {event.message}" if event.message else ""
            console.print(f"  guard {event.guard} ({event.action}): {event.detail}{said}", markup=False,
                          style="yellow")
    console.print(f"  {outcome}", markup=False)
    console.print(f"  verdict: {judge(Trace(events=tracer.events)).status_line()}\n", markup=False)


def step_1_a_model_that_loops(console: Console, toolbox: ToolBox) -> None:
    console.rule("1. The same call again and again")
    looping = ScriptedClient([call_turn(PARIS)] * 3)
    run(console, "A model that calls get_weather(Paris) forever, max_repeats=2:", looping, toolbox,
        AgentConfig(max_repeats=2))
    listening = ScriptedClient([call_turn(PARIS), call_turn(PARIS), text_turn("It is 12 °C in Paris.")])
    run(console, "The same model, but it listens when told:", listening, toolbox, AgentConfig(max_repeats=2))


def step_2_broken_calls(console: Console, toolbox: ToolBox) -> None:
    console.rule("2. A malformed call gets the parser's message back")
    console.print("(a bounded number of times)")
    tools = toolbox.schemas()
    fixed = ScriptedClient([raw_turn(BROKEN, tools), call_turn(PARIS), text_turn("It is 12 °C in Paris.")])
    run(console, "A call cut off mid-JSON, then written again:", fixed, toolbox, AgentConfig(parser="raw"))
    stubborn = ScriptedClient([raw_turn(BROKEN, tools)] * 3)
    run(console, "A model that never gets it right, max_format_retries=2:", stubborn, toolbox,
        AgentConfig(parser="raw", max_format_retries=2))


def step_3_unknown_tool(console: Console, toolbox: ToolBox) -> None:
    console.rule("3. An unknown tool: the toolbox's answer is the observation")
    typo = ScriptedClient([call_turn(("get_wether", {"city": "Paris"})), call_turn(PARIS), text_turn("12 °C.")])
    run(console, "A typo in the tool name, then the right one:", typo, toolbox, AgentConfig())


def step_4_call_in_reasoning(console: Console, toolbox: ToolBox) -> None:
    console.rule("4. A call written inside <think> is not a call: pointed out once")
    hidden = ScriptedClient([raw_turn(HIDDEN, toolbox.schemas()), call_turn(PARIS), text_turn("12 °C in Paris.")])
    run(console, "The model plans the call in its reasoning and never makes it:", hidden, toolbox,
        AgentConfig(parser="raw", thinking=True))


def step_5_limits_on_the_real_model(console: Console, client: Client, toolbox: ToolBox) -> None:
    console.rule("5. Limits, on the real model")
    task = "What is the temperature in Paris in kelvin?"
    run(console, "A two-call task with max_steps=2 (it needs 3 requests):", client, toolbox,
        AgentConfig(max_steps=2, max_tokens=256), task)
    run(console, "A context budget of 600 tokens (seven tool schemas alone are more):", client, toolbox,
        AgentConfig(context_budget=600, max_tokens=256), task)
    run(console, "The defaults (max_steps=8, context_budget=32000):", client, toolbox,
        AgentConfig(max_tokens=256), task)


# Recorded with `bash fixtures/traces/record.sh` (the toy_failure_* lines): real runs, not scripts. Each comes
# with a checker that knows what its task must answer (the same kinds as fixtures/suites/default.json).
RECORDED_FAILURES = [
    ("toy_failure_react_tags.jsonl", AnswerCheck(kind="numeric", number=285.15, values=["Paris"])),
    ("toy_failure_notes_think_leak.jsonl", AnswerCheck(kind="contains", values=["[coffee]", "roasted"])),
    ("toy_failure_plan_difference.jsonl", AnswerCheck(kind="numeric", number=17, tolerance=0,
                                                      values=["Oslo", "Madrid"])),
    ("toy_failure_notes_volcanoes.jsonl", AnswerCheck(kind="contains", values=["[volcanoes]", "opening"])),
]


def step_6_real_failures(console: Console) -> None:
    console.rule("6. Runs that ended 'ok' and were wrong: the verdict, then a checker")
    for name, check in RECORDED_FAILURES:
        trace = read_trace(TRACES / name)
        answer = next(e.answer for e in trace.events if isinstance(e, FinalAnswer))
        verdict = judge(trace)
        console.print(f"[bold]{name}[/] ({trace.start.model}, run_end status {trace.end.status!r}): "
                      f"{trace.start.task}", highlight=False)
        console.print(f"  answer: {answer!r}", markup=False)
        console.print(f"  verdict: {verdict.status_line()}", markup=False,
                      style="green" if verdict.ok else "red")
        for problem in verdict.problems:
            console.print(f"    request {problem.step}: {problem.evidence}", markup=False)
        # The verdict only knows what the trace proves; the checker knows what this kind of task must answer.
        passed = check_answer(check, answer)
        wants = f"{check.number:g} and " if check.number is not None else ""
        console.print(f"  a checker that wants {wants}{', '.join(check.values)}: "
                      f"{'passes' if passed else 'rejects'} this answer\n", markup=False)


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 12: guards")
    add_endpoint_arguments(parser)
    parser.add_argument("--offline", action="store_true", help="skip step 5, which runs the model")
    args = parser.parse_args()
    console = Console()
    # The file tools work in a scratch folder, removed when the lesson ends.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson12-") as workspace:
        toolbox = example_tools(workspace)
        step_1_a_model_that_loops(console, toolbox)
        step_2_broken_calls(console, toolbox)
        step_3_unknown_tool(console, toolbox)
        step_4_call_in_reasoning(console, toolbox)
        if not args.offline:
            console.print("starting the model server (or connecting to --url)...")
            with endpoint_from_args(args) as endpoint:
                step_5_limits_on_the_real_model(console, OpenAIClient(endpoint), toolbox)
    step_6_real_failures(console)
    return 0


if __name__ == "__main__":
    sys.exit(main())

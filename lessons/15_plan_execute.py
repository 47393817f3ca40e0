"""Lesson 15: Plan-and-Execute: a plan as JSON, one ReAct run per step, replanning, a synthesis.

    python lessons/15_plan_execute.py                  # toy-dense, started for you
    python lessons/15_plan_execute.py --model toy-moe --thinking on

Four steps: the whole pattern on a task that chains three tool calls, shown
live; what each step's executor is told; replanning on and off; and the same
task with plain ReAct, to compare requests, time and answer.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter

from rich.console import Console
from rich.panel import Panel

from agentkit.agents import AgentConfig, plan_and_execute, react
from agentkit.client import Client, OpenAIClient
from agentkit.prompts import render_prompt
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import ToolBox, example_tools
from agentkit.trace import ModelCall, Tracer
from agentkit.trace.show import TraceView

TASK = "Add up the temperatures of Paris and Rome."


def step_1_the_pattern(console: Console, client: Client, toolbox: ToolBox, config: AgentConfig):
    console.rule("1. Plan, execute each step with ReAct, replan, synthesize")
    view = TraceView(console)
    result = plan_and_execute(client, toolbox, TASK, config, Tracer(on_event=view.event, on_delta=view.delta))
    console.print(f"first plan: {result.plan}", markup=False)
    for number, done in enumerate(result.done, start=1):
        console.print(f"step {number}: {done.step} -> {done.result}", markup=False)
    return result


def step_2_what_a_step_sees(console: Console, result) -> None:
    console.rule("2. What the executor of the last step was told")
    # Each step is a fresh ReAct run; earlier results reach it only through this message.
    message = render_prompt("plan_execute_step", task=TASK, done=result.done[:-1], step=result.done[-1].step)
    console.print(Panel(message, title="user message of the last step's ReAct run"))


def step_3_replanning(console: Console, client: Client, toolbox: ToolBox, config: AgentConfig) -> None:
    console.rule("3. Replanning on and off")
    for replan in (True, False):
        tracer, start = Tracer(), time.perf_counter()
        answer = plan_and_execute(client, toolbox, TASK, config.model_copy(update={"replan": replan}), tracer).answer
        purposes = Counter(event.purpose for event in tracer.events if isinstance(event, ModelCall))
        console.print(f"replan={replan!s:<5}: {dict(purposes)} = {sum(purposes.values())} requests, "
                      f"{time.perf_counter() - start:.2f} s, answer {answer!r}", markup=False)


def step_4_against_react(console: Console, client: Client, toolbox: ToolBox, config: AgentConfig) -> None:
    console.rule("4. The same task with ReAct alone")
    tracer, start = Tracer(), time.perf_counter()
    answer = react(client, toolbox, TASK, config, tracer).answer
    console.print(f"react: {tracer.model_calls} requests, {time.perf_counter() - start:.2f} s, answer {answer!r}",
                  markup=False)


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 15: Plan-and-Execute")
    add_endpoint_arguments(parser)
    parser.add_argument("--thinking", choices=["on", "off"], default="off")
    args = parser.parse_args()
    console = Console()
    config = AgentConfig(thinking=args.thinking == "on", max_tokens=256)
    console.print("starting the model server (or connecting to --url)...")
    # The file tools work in a scratch folder, removed when the lesson ends.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson15-") as workspace, endpoint_from_args(args) as endpoint:
        toolbox = example_tools(workspace)
        client = OpenAIClient(endpoint)
        result = step_1_the_pattern(console, client, toolbox, config)
        step_2_what_a_step_sees(console, result)
        step_3_replanning(console, client, toolbox, config)
        step_4_against_react(console, client, toolbox, config)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Lesson 14: Reflection: draft, critique as JSON, revise, until the critique passes.

    python lessons/14_reflection.py                    # toy-dense, started for you
    python lessons/14_reflection.py --model toy-moe --thinking on

Four steps: the whole pattern on one task, shown live; the critic alone, on a
right and a wrong draft; how a JSON reply is read (and what happens when it
is not JSON); what the extra requests cost compared with ReAct alone.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

from rich.console import Console

from agentkit.agents import AgentConfig, Critique, InvalidReply, parse_json_reply, react, reflect
from agentkit.agents.json_reply import ask_json
from agentkit.agents.model_call import AgentModel
from agentkit.client import Client, History, OpenAIClient
from agentkit.prompts import render_prompt
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import ToolBox, example_tools
from agentkit.trace import Tracer
from agentkit.trace.show import TraceView

TASK = "What is 17 * 23?"


def step_1_the_pattern(console: Console, client: Client, toolbox: ToolBox, config: AgentConfig) -> None:
    console.rule("1. Draft with ReAct, critique, revise")
    view = TraceView(console)
    result = reflect(client, toolbox, TASK, config, Tracer(on_event=view.event, on_delta=view.delta))
    console.print(f"evidence (the draft run's tool results): {result.evidence}", markup=False)
    console.print(f"drafts: {result.drafts}", markup=False)
    console.print(f"critiques: {[c.model_dump() for c in result.critiques]}", markup=False)


def step_2_the_critic_alone(console: Console, client: Client, config: AgentConfig) -> None:
    console.rule("2. The critic on its own: a right draft and a wrong one")
    model = AgentModel(client, config, Tracer())
    for draft in ("17 * 23 = 391.", "17 * 23 = 401."):
        reviewer = History(system=render_prompt("reflection_critique_system"), thinking=config.thinking)
        reviewer.add_user(render_prompt("reflection_critique", task=TASK, evidence=["391"], draft=draft))
        critique = ask_json(model, reviewer, Critique, "critique")
        # The loop branches on a field of a validated object, never on the wording.
        verdict = critique.model_dump() if critique else "no valid JSON twice"
        console.print(f"draft {draft!r} -> {verdict}", markup=False)


def step_3_reading_json(console: Console) -> None:
    console.rule("3. Reading a JSON reply: tolerant of wrapping, strict about the shape")
    for text in ('{"verdict": "pass", "problems": []}',
                 'Here you go:\n```json\n{"verdict": "revise", "problems": ["The sum is wrong."]}\n```',
                 "The draft looks right to me.",
                 '{"verdict": "fine"}'):
        try:
            console.print(f"{text!r}\n    -> {parse_json_reply(text, Critique)!r}", markup=False)
        except InvalidReply as invalid:
            console.print(f"{text!r}\n    -> InvalidReply, sent back to the model: {invalid.message}", markup=False)


def step_4_what_it_costs(console: Console, client: Client, toolbox: ToolBox, config: AgentConfig) -> None:
    console.rule("4. What the second opinion costs")
    for name, pattern in (("react", react), ("reflection", reflect)):
        tracer, start = Tracer(), time.perf_counter()
        answer = pattern(client, toolbox, TASK, config, tracer).answer
        console.print(f"{name:>10}: {tracer.model_calls} model calls, {time.perf_counter() - start:.2f} s, "
                      f"answer {answer!r}", markup=False)


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 14: Reflection")
    add_endpoint_arguments(parser)
    parser.add_argument("--thinking", choices=["on", "off"], default="off")
    args = parser.parse_args()
    console = Console()
    config = AgentConfig(thinking=args.thinking == "on", max_tokens=256)
    console.print("starting the model server (or connecting to --url)...")
    # The file tools work in a scratch folder, removed when the lesson ends.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson13-") as workspace, endpoint_from_args(args) as endpoint:
        toolbox = example_tools(workspace)
        client = OpenAIClient(endpoint)
        step_1_the_pattern(console, client, toolbox, config)
        step_2_the_critic_alone(console, client, config)
        step_3_reading_json(console)
        step_4_what_it_costs(console, client, toolbox, config)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Lesson 14: Reflection: draft, critique as JSON, revise, until the critique passes.

    python lessons/14_reflection.py                    # toy-dense, started for you
    python lessons/14_reflection.py --model toy-moe --thinking on

Five steps: the whole pattern on one task, shown live; the critic alone, on
right drafts and on two kinds of wrong ones, with its measured rates; a wrong
draft caught and revised by the live model (the draft planted, the critique
and the revision real); how a JSON reply is read (and what happens when it
is not JSON); what the extra requests cost compared with ReAct alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time

from rich.console import Console
from rich.table import Table

from agentkit.agents import AgentConfig, Critique, InvalidReply, parse_json_reply, react, reflect
from agentkit.agents.json_reply import ask_json
from agentkit.agents.model_call import AgentModel
from agentkit.client import Client, History, OpenAIClient
from agentkit.client.scripted import call_turn, text_turn
from agentkit.prompts import render_prompt
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import ToolBox, example_tools
from agentkit.trace import Tracer
from agentkit.trace.show import TraceView
from agentkit.trace.turn import Turn

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

TASK = "What is 17 * 23?"
WRONG_PRODUCT = "17 * 23 = 401."
CITIES = ("Tokyo", "Lisbon", "Paris", "Oslo", "Seoul")
DRAFT_KINDS = ("right", "wrong number", "fact left out")
CAUGHT_CITY = "Tokyo"
"""Step 3's task: its draft without the condition is one the toy critic catches at temperature 0."""


def step_1_the_pattern(console: Console, client: Client, toolbox: ToolBox, config: AgentConfig) -> None:
    console.rule("1. Draft with ReAct, critique, revise")
    view = TraceView(console)
    result = reflect(client, toolbox, TASK, config, Tracer(on_event=view.event, on_delta=view.delta))
    console.print(f"evidence (the draft run's tool results): {result.evidence}", markup=False)
    console.print(f"drafts: {result.drafts}", markup=False)
    console.print(f"critiques: {[c.model_dump() for c in result.critiques]}", markup=False)


def step_2_the_critic_alone(console: Console, client: Client, toolbox: ToolBox, config: AgentConfig) -> None:
    console.rule("2. The critic on its own: right drafts and two kinds of wrong")
    model = AgentModel(client, config, Tracer())
    critic_was_right: dict[tuple[str, str], bool] = {}  # (task, kind of draft) -> right or not
    table = Table(title="what the critic said (right: pass; wrong: revise)", title_justify="left")
    for column in ("draft", "kind", "verdict"):
        table.add_column(column)
    for task, evidence, drafts in critic_cases(toolbox):
        for kind, draft in drafts.items():
            critique = critique_of(model, config, task, evidence, draft)
            verdict = critique.verdict if critique else "no JSON"
            # Right when a right draft passes and a wrong one is sent back.
            critic_was_right[(task, kind)] = verdict == ("pass" if kind == "right" else "revise")
            problem = f": {critique.problems[0]}" if critique and critique.problems else ""
            table.add_row(draft, kind, verdict + problem)
    console.print(table)
    judged = {kind: [right for (_, k), right in critic_was_right.items() if k == kind] for kind in DRAFT_KINDS}
    for kind, outcomes in judged.items():
        fact(f"critic_{kind.replace(' ', '_')}_ok", sum(outcomes))
        fact(f"critic_{kind.replace(' ', '_')}_of", len(outcomes))
    # The wrong numbers apart, temperatures and the product: the text says which ones the critic lets through.
    temperatures = [right for (task, kind), right in critic_was_right.items()
                    if kind == "wrong number" and task != TASK]
    product_caught = critic_was_right[(TASK, "wrong number")]
    fact("critic_wrong_temperature_ok", sum(temperatures))
    fact("critic_wrong_temperature_of", len(temperatures))
    fact("critic_passed_wrong_product", int(not product_caught))
    console.print(f"right drafts passed: {sum(judged['right'])}/{len(judged['right'])}; wrong temperatures "
                  f"caught: {sum(temperatures)}/{len(temperatures)}; {WRONG_PRODUCT!r} "
                  f"{'caught' if product_caught else 'passed'}; left-out facts caught: "
                  f"{sum(judged['fact left out'])}/{len(judged['fact left out'])}")


def step_3_a_caught_draft_revised(console: Console, client: Client, toolbox: ToolBox, config: AgentConfig) -> None:
    console.rule("3. A wrong draft caught and revised, live")
    weather = json.loads(toolbox.run("get_weather", {"city": CAUGHT_CITY}).content)
    wrong = f"It is {weather['temperature']}°C in {CAUGHT_CITY}."
    console.print(f"The ReAct draft is planted: a call to get_weather, then {wrong!r} (the condition left "
                  "out). The critique and the revision after it come from the model, live.", markup=False)
    # The drafting run's two turns are scripted; every later request goes to the real server.
    planted = PlantedDraft([call_turn(("get_weather", {"city": CAUGHT_CITY})), text_turn(wrong)], client)
    view = TraceView(console)
    result = reflect(planted, toolbox, f"What's the weather in {CAUGHT_CITY}?", config,
                     Tracer(on_event=view.event, on_delta=view.delta))
    console.print(f"drafts: {result.drafts}", markup=False)
    console.print(f"critiques: {[c.model_dump() for c in result.critiques]}", markup=False)
    caught = bool(result.critiques) and result.critiques[0].verdict == "revise"
    fixed = weather["condition"] in result.answer and result.critiques[-1].verdict == "pass"
    fact("live_caught", int(caught))
    fact("live_revised_and_passed", int(fixed))
    fact("live_model_calls", planted.live_calls)


class PlantedDraft:
    """A `Client` that replays the given turns first, then passes every request to the real client."""

    def __init__(self, planted: list[Turn], live: Client) -> None:
        self.model = live.model
        self.planted = list(planted)
        self.live = live
        self.live_calls = 0

    def complete(self, messages: list[dict], tools: list[dict] | None = None, **options) -> Turn:
        if self.planted:
            return self.planted.pop(0)
        self.live_calls += 1
        return self.live.complete(messages, tools, **options)


def critic_cases(toolbox: ToolBox) -> list[tuple[str, list[str], dict[str, str]]]:
    """(task, evidence, {kind: draft}) for each city, from the real weather tool; and 17 * 23."""
    cases = []
    for city in CITIES:
        evidence = toolbox.run("get_weather", {"city": city}).content
        weather = json.loads(evidence)
        degrees, condition = weather["temperature"], weather["condition"]
        cases.append((f"What's the weather in {city}?", [evidence], {
            "right": f"It is {degrees}°C and {condition} in {city}.",
            "wrong number": f"It is {degrees + 5}°C and {condition} in {city}.",
            "fact left out": f"It is {degrees}°C in {city}."}))
    cases.append((TASK, ["391"], {"right": "17 * 23 = 391.", "wrong number": WRONG_PRODUCT}))
    return cases


def critique_of(model: AgentModel, config: AgentConfig, task: str, evidence: list[str], draft: str) -> Critique | None:
    """The critic's verdict, asked exactly as `reflect` asks it."""
    reviewer = History(system=render_prompt("reflection_critique_system"), thinking=config.thinking)
    reviewer.add_user(render_prompt("reflection_critique", task=task, evidence=evidence, draft=draft))
    return ask_json(model, reviewer, Critique, "critique")


def step_4_reading_json(console: Console) -> None:
    console.rule("4. Reading a JSON reply: tolerant of wrapping, strict about the shape")
    for text in ('{"verdict": "pass", "problems": []}',
                 'Here you go:\n```json\n{"verdict": "revise", "problems": ["The sum is wrong."]}\n```',
                 "The draft looks right to me.",
                 '{"verdict": "fine"}'):
        try:
            console.print(f"{text!r}\n    -> {parse_json_reply(text, Critique)!r}", markup=False)
        except InvalidReply as invalid:
            console.print(f"{text!r}\n    -> InvalidReply, sent back to the model: {invalid.message}", markup=False)


def step_5_what_it_costs(console: Console, client: Client, toolbox: ToolBox, config: AgentConfig) -> None:
    console.rule("5. What the second opinion costs")
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
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson14-") as workspace, endpoint_from_args(args) as endpoint:
        toolbox = example_tools(workspace)
        client = OpenAIClient(endpoint)
        step_1_the_pattern(console, client, toolbox, config)
        step_2_the_critic_alone(console, client, toolbox, config)
        step_3_a_caught_draft_revised(console, client, toolbox, config)
        step_4_reading_json(console)
        step_5_what_it_costs(console, client, toolbox, config)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Lesson 11: a ReAct loop: ask, run the calls, send the results back, repeat until an answer.

    python lessons/11_react_loop.py                    # toy-dense, started for you
    python lessons/11_react_loop.py --model toy-moe
    python lessons/11_react_loop.py --url http://127.0.0.1:8080/v1

Four steps: the loop written out in fifteen lines; the kit's `react()` on the
same task, shown live; parallel calls in one turn; thinking on and the kit's
raw parser, with the exact text the model wrote.
"""

from __future__ import annotations

import argparse
import sys
import tempfile

from rich.console import Console
from rich.panel import Panel

from agentkit.agents import AgentConfig, react
from agentkit.client import Client, History, OpenAIClient
from agentkit.prompts import render_prompt
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import ToolBox, example_tools
from agentkit.trace import ModelCall, Tracer
from agentkit.trace.show import TraceView

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

TASK = "What is the temperature in Paris in kelvin?"


def tiny_react(client: Client, toolbox: ToolBox, task: str, console: Console, max_steps: int = 6) -> str:
    """ReAct with nothing else: no guards, no trace."""
    history = History(system=render_prompt("react_system"), tools=toolbox.schemas(), thinking=False)
    history.add_user(task)
    for step in range(1, max_steps + 1):
        turn = client.complete(history.messages, **history.request_options(), max_tokens=256)  # ask
        history.add_assistant(turn)                                          # the model sees what it asked
        if not turn.tool_calls:                                              # no call: that is the answer
            return turn.content
        for call, call_id in zip(turn.tool_calls, turn.call_ids):            # act, in the order written
            result = toolbox.run(call.name, call.arguments)
            history.add_tool_result(call_id, result.content)                 # observe
            console.print(f"  step {step}: {call.name}({call.arguments}) -> {result.content}", markup=False)
    return "(no answer)"


def step_1_the_loop(console: Console, client: Client, toolbox: ToolBox) -> None:
    console.rule("1. The whole loop in fifteen lines")
    answer = tiny_react(client, toolbox, TASK, console)
    console.print(f"  answer: {answer}", markup=False)


def step_2_the_kits_react(console: Console, client: Client, toolbox: ToolBox) -> None:
    console.rule("2. The kit's react(): the same loop, with guards and a trace, shown live")
    view = TraceView(console)
    tracer = Tracer(on_event=view.event, on_delta=view.delta)
    result = react(client, toolbox, TASK, AgentConfig(max_tokens=256), tracer)
    # Request 1 is the prompt step 1 sent first (same system prompt, tools and task): the text
    # quotes how much of it the server already had.
    first = next(event for event in tracer.events if isinstance(event, ModelCall)).turn.usage
    fact("first_request_prompt", first.prompt_tokens)
    fact("first_request_cached", first.cached_tokens)
    roles = " -> ".join(message["role"] for message in result.messages)
    console.print(f"the conversation: {roles}")
    console.print(f"observations kept for later patterns: {result.observations}", markup=False)
    console.print(f"events recorded: {[event.type for event in tracer.events]}", markup=False)


def step_3_parallel_calls(console: Console, client: Client, toolbox: ToolBox) -> None:
    console.rule("3. Parallel calls: several in one turn, results back in the same order")
    result = react(client, toolbox, "Compare the weather in Tokyo and Seoul.", AgentConfig(max_tokens=256))
    for message in result.messages:
        if message["role"] == "assistant" and message.get("tool_calls"):
            console.print("  assistant asked: " + ", ".join(
                f"{c['function']['name']}({c['function']['arguments']}) id={c['id'][:12]}"
                for c in message["tool_calls"]), markup=False)
        elif message["role"] == "tool":
            console.print(f"  tool answered {message['tool_call_id'][:12]}: {message['content']}", markup=False)
    console.print(f"  answer: {result.answer}", markup=False)


def step_4_thinking_and_raw(console: Console, client: Client, toolbox: ToolBox) -> None:
    console.rule("4. Thinking on, and the kit's own parser on the exact text")
    tracer = Tracer()
    result = react(client, toolbox, TASK, AgentConfig(thinking=True, parser="raw", max_tokens=256), tracer)
    first = next(event for event in tracer.events if isinstance(event, ModelCall))
    console.print(Panel(first.turn.raw_text or "", title="what the model wrote in its first turn (raw_text)"))
    console.print(f"reasoning: {first.turn.reasoning!r}", markup=False)
    console.print(f"calls: {[(c.name, c.arguments) for c in first.turn.tool_calls]}", markup=False)
    console.print(f"answer: {result.answer}", markup=False)


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 11: a ReAct loop")
    add_endpoint_arguments(parser)
    args = parser.parse_args()
    console = Console()
    console.print("starting the model server (or connecting to --url)...")
    # The file tools work in a scratch folder, removed when the lesson ends.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson11-") as workspace, endpoint_from_args(args) as endpoint:
        toolbox = example_tools(workspace)
        client = OpenAIClient(endpoint)
        step_1_the_loop(console, client, toolbox)
        step_2_the_kits_react(console, client, toolbox)
        step_3_parallel_calls(console, client, toolbox)
        step_4_thinking_and_raw(console, client, toolbox)
    return 0


if __name__ == "__main__":
    sys.exit(main())

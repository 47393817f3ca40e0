"""Lesson 05: thinking: splitting <think>, what enable_thinking and the soft switches do, and what it costs.

    python lessons/05_thinking.py                  # starts mlx_lm.server on toy-dense
    python lessons/05_thinking.py --model toy-moe

Four steps: the prompt tails the qwen3.6 and hermes templates write for each
thinking setting; a real output split into reasoning and answer (and what
happens when the parser is not told that the prompt opened <think>); whether
the model obeys the /no_think soft switch; and the same tasks with thinking on
and off, measured.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agentkit.client import OpenAIClient
from agentkit.client.raw import prompt_opened_think
from agentkit.parsing import parse_assistant
from agentkit.serving.chat_template import load_chat_template, render_chat
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import example_tools

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

TASKS = ["What's the weather in Paris?", "What's the weather in Paris and Tokyo?", "What is 17 * 23?",
         "Convert 10 km to miles", "Hello"]
RUNS = 3  # per task and setting; the table shows the median time


def split_think(text: str, opened: bool) -> tuple[str | None, str]:
    """(reasoning, answer) of one output: the whole idea, without the kit's edge cases."""
    if not opened:
        before, found, text = text.partition("<think>")
        if not found:
            return None, before.strip()
    reasoning, found, answer = text.partition("</think>")
    if not found:  # cut off by max_tokens while still thinking: it is all reasoning
        return reasoning.strip(), ""
    return reasoning.strip(), answer.strip()


def step_2_split(console: Console, client: OpenAIClient, tools: list[dict]) -> None:
    console.rule("2. Splitting <think>")
    messages = [{"role": "user", "content": TASKS[0]}]
    turn = client.complete(messages, tools, parser="raw", max_tokens=200)
    opened = prompt_opened_think(client.render_prompt(messages, tools))
    console.print(Panel(Text(turn.raw_text), title="the exact text"))
    console.print(f"the prompt opened <think>: {opened}")
    reasoning, answer = split_think(turn.raw_text, opened)
    console.print(f"split_think:    reasoning={reasoning!r}", markup=False)
    right = parse_assistant(turn.raw_text, tools=tools, prompt_opened_think=opened)
    console.print(f"parse_assistant: reasoning={right.reasoning!r}, {len(right.tool_calls)} call(s)", markup=False)
    wrong = parse_assistant(turn.raw_text, tools=tools, prompt_opened_think=not opened)
    console.print(f"told the wrong thing (prompt_opened_think={not opened}): reasoning={wrong.reasoning!r}, "
                  f"content={wrong.content[:45]!r}..., warnings={[w.code for w in wrong.warnings]}", markup=False)
    cut = client.complete(messages, tools, parser="raw", max_tokens=6)
    console.print(f"cut off after 6 tokens: raw={cut.raw_text!r} -> reasoning={cut.reasoning!r}, "
                  f"content={cut.content!r}, warnings={[w.code for w in cut.warnings]}", markup=False)


def step_1_prompt_tails(console: Console) -> None:
    console.rule("1. What the templates write at the end of the prompt")
    settings = [("enable_thinking=True (the default)", "Hello", {"enable_thinking": True}),
                ("enable_thinking=False", "Hello", {"enable_thinking": False}),
                ("soft switch in the message", "Hello /no_think", {"enable_thinking": True})]
    # One tail under its heading, not a table: the tails are the point, and a table
    # column narrow enough for 80 columns would cut them off. Line by line, so a
    # wrap falls between two lines of the prompt, never inside a tag.
    for name in ("qwen3.6", "hermes"):
        template = load_chat_template(name)
        for label, text, kwargs in settings:
            prompt = render_chat(template, [{"role": "user", "content": text}], **kwargs)
            tail = prompt[prompt.rindex("<|im_start|>user"):]
            console.print(f"{name}, {label}:", style="bold", markup=False, highlight=False)
            console.print(Text("    " + " + ".join(repr(line) for line in tail.splitlines(keepends=True)),
                               overflow="fold"))
    console.print("The soft switch is only text in the user message: neither template does anything with it. "
                  "Whether it works is up to what the model learned.")


def step_3_soft_switches(console: Console, client: OpenAIClient, tools: list[dict]) -> None:
    console.rule("3. Does this model obey /no_think?")
    for switch, text in (("plain", TASKS[0]), ("no_think", TASKS[0] + " /no_think")):
        turn = client.complete([{"role": "user", "content": text}], tools, max_tokens=200)
        reasoning_tokens = client.count_tokens(turn.reasoning or "")
        console.print(f"{text!r}: {reasoning_tokens} reasoning tokens, {turn.usage.completion_tokens} in all",
                      markup=False)
        fact(f"reasoning_tokens_{switch}", reasoning_tokens)


def step_4_what_thinking_costs(console: Console, client: OpenAIClient, tools: list[dict]) -> None:
    console.rule("4. What thinking costs: the same tasks, thinking on and off")
    table = Table(title=f"median of {RUNS} runs, streamed, prompt cached", title_justify="left")
    # Short headings: seven columns must fit 80 characters with the task beside them.
    for column in ("task", "tokens off", "tokens on", "of them reasoning", "ms off", "ms on", "time x"):
        table.add_column(column, justify="left" if column == "task" else "right")
    totals = {False: [0, 0.0], True: [0, 0.0]}
    for number, task in enumerate(TASKS, start=1):
        messages = [{"role": "user", "content": task}]
        turns = {False: [], True: []}
        # Alternate the settings run by run, so a slow moment of the machine hits both.
        for _ in range(RUNS):
            for thinking in (False, True):
                turns[thinking].append(client.complete(messages, tools, thinking=thinking, max_tokens=300))
        results = {}
        for thinking, runs in turns.items():
            results[thinking] = (runs[0].usage.completion_tokens, statistics.median(t.timings.total for t in runs),
                                 client.count_tokens(runs[0].reasoning or ""))
            totals[thinking][0] += results[thinking][0]
            totals[thinking][1] += results[thinking][1]
        (tokens_off, time_off, _), (tokens_on, time_on, reasoning) = results[False], results[True]
        table.add_row(task, str(tokens_off), str(tokens_on), str(reasoning), f"{time_off * 1000:.0f}",
                      f"{time_on * 1000:.0f}", f"{time_on / time_off:.2f}")
        fact(f"task{number}_tokens_off", tokens_off)
        fact(f"task{number}_tokens_on", tokens_on)
        fact(f"task{number}_reasoning", reasoning)
    table.add_row("all tasks", str(totals[False][0]), str(totals[True][0]), "", f"{totals[False][1] * 1000:.0f}",
                  f"{totals[True][1] * 1000:.0f}", f"{totals[True][1] / totals[False][1]:.2f}", style="bold")
    console.print(table)
    fact("all_tokens_off", totals[False][0])
    fact("all_tokens_on", totals[True][0])
    fact("tokens_x", f"{totals[True][0] / totals[False][0]:.2f}")
    fact("all_ms_off", f"{totals[False][1] * 1000:.0f}", timing=True)
    fact("all_ms_on", f"{totals[True][1] * 1000:.0f}", timing=True)
    fact("time_x", f"{totals[True][1] / totals[False][1]:.2f}", timing=True)
    console.print(f"tokens with thinking / without: {totals[True][0] / totals[False][0]:.2f}; decode time grows "
                  "with the tokens, one step per token. A real Qwen3.6 thinks for hundreds of tokens where "
                  "the toy thinks for a dozen.")


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 05: thinking")
    add_endpoint_arguments(parser)
    args = parser.parse_args()
    console = Console()
    # Only the schemas are needed, so the file tools' workspace can go at once.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson05-") as workspace:
        tools = example_tools(workspace).schemas()
    step_1_prompt_tails(console)  # needs no model: rendered locally
    console.print("starting the model server (or connecting to --url)...")
    with endpoint_from_args(args) as endpoint:
        client = OpenAIClient(endpoint)
        step_2_split(console, client, tools)
        step_3_soft_switches(console, client, tools)
        step_4_what_thinking_costs(console, client, tools)
    return 0


if __name__ == "__main__":
    sys.exit(main())

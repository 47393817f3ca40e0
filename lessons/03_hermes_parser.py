"""Lesson 03: a parser for Hermes JSON tool calls, and the cases that break a naive one.

    python lessons/03_hermes_parser.py                  # toy-dense, served with the hermes template
    python lessons/03_hermes_parser.py --model toy-moe
    python lessons/exercises/check.py hermes --init     # the exercise this lesson sets

Three steps: a real Hermes-dialect output from the toy model, read by the
naive parser (split on the tags, json.loads); the naive parser against the
real-world cases of the exercise table, next to agentkit's parser; and how far
your own parser (your copy of lessons/exercises/hermes_parser.py) has come.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agentkit.client import OpenAIClient
from agentkit.parsing import parse_assistant
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import example_tools

sys.path.insert(0, str(Path(__file__).resolve().parent / "exercises"))
import check  # noqa: E402  (lessons/exercises/check.py)
from cases import HERMES_CASES  # noqa: E402

QUESTION = [{"role": "user", "content": "What's the weather in Paris and Tokyo?"}]


def naive_parse(text: str) -> list[dict]:
    """Split on the tags, json.loads each block: what most first attempts (and mlx-lm) do."""
    calls = []
    for piece in text.split("<tool_call>")[1:]:
        calls.append(json.loads(piece.split("</tool_call>")[0]))
    return calls


def step_1_a_real_output(console: Console, client: OpenAIClient, tools: list[dict]) -> None:
    console.rule("1. A real output in the Hermes dialect")
    turn = client.complete(QUESTION, tools, parser="raw", max_tokens=200)
    console.print(Panel(Text(turn.raw_text), title="the exact text (raw mode, lesson 02)"))
    console.print("naive_parse reads it:", markup=False)
    for call in naive_parse(turn.raw_text):
        console.print(f"  {json.dumps(call)}", markup=False)
    if not turn.tool_calls or turn.tool_calls[0].dialect != "hermes":
        console.print("(this server's template is not the hermes one: run with --template hermes)")


def naive_verdict(case) -> str:
    """What naive_parse makes of a case, in a few words."""
    try:
        calls = naive_parse(case.text)
    except (ValueError, AttributeError, TypeError) as error:
        return f"raised {type(error).__name__}"
    if calls != case.calls:
        shown = json.dumps(calls)
        return "wrong: " + (shown if len(shown) <= 60 else shown[:57] + "...")
    return "right" if not case.codes else "right calls, problem not reported"


def step_2_where_the_naive_parser_breaks(console: Console) -> None:
    console.rule("2. The naive parser against what real models write")
    table = Table()
    for column in ("case", "naive_parse", "agentkit's parse_assistant"):
        table.add_column(column)
    wrong = 0
    for case in HERMES_CASES:
        verdict = naive_verdict(case)
        wrong += verdict != "right"
        turn = parse_assistant(case.text)
        codes = [issue.code for issue in turn.errors + turn.warnings]
        table.add_row(case.name, Text(verdict, style="green" if verdict == "right" else "red"),
                      f"{len(turn.tool_calls)} call(s)" + (f", {', '.join(codes)}" if codes else ""))
    console.print(table)
    console.print(f"The naive parser gets {wrong} of {len(HERMES_CASES)} cases wrong: it raises, loses the call, "
                  "or passes on something that is not what the model meant, and never says so.")


def step_3_your_parser(console: Console) -> None:
    console.rule("3. Your parser: your copy of lessons/exercises/hermes_parser.py")
    console.print(f"your parser: {check.learner_progress('hermes')}", markup=False)
    console.print(f"agentkit's parser: {check.passing('hermes', check.EXERCISES['hermes'].solution())}", markup=False)
    console.print("Next: `python lessons/exercises/check.py hermes --init` copies the exercise to "
                  "lessons/exercises/mine/; follow the steps in lessons/03_hermes_parser.md and run "
                  "`python lessons/exercises/check.py hermes` after each change.", markup=False)


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 03: a Hermes parser")
    add_endpoint_arguments(parser)
    # The toy models speak both dialects; the hermes template asks for JSON calls.
    parser.set_defaults(template="hermes")
    args = parser.parse_args()
    console = Console()
    # Only the schemas are needed, so the file tools' workspace can go at once.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson03-") as workspace:
        tools = example_tools(workspace).schemas()
    console.print("starting the model server (or connecting to --url)...")
    with endpoint_from_args(args) as endpoint:
        step_1_a_real_output(console, OpenAIClient(endpoint), tools)
    step_2_where_the_naive_parser_breaks(console)
    step_3_your_parser(console)
    return 0


if __name__ == "__main__":
    sys.exit(main())

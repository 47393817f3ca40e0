"""Lesson 07: checking your parser against the reference: the differential test, as a lesson.

    python lessons/07_reference_check.py                   # starts mlx_lm.server on toy-dense
    python lessons/07_reference_check.py --template hermes

Four steps: make sure the reference is what the server really does (replay
vs the real server on real outputs); generate well-formed calls and check
that agentkit and mlx-lm agree on every one; the documented disagreements on
malformed input, with the verdict; and the exercise tables as a scoreboard
for mlx_lm.server, agentkit and your parsers.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

from mlx_lm.tool_parsers import json_tools, qwen3_coder
from rich.console import Console
from rich.table import Table
from rich.text import Text

from agentkit.client import OpenAIClient
from agentkit.client.raw import prompt_opened_think
from agentkit.parsing import parse_assistant, render_tool_call_hermes, render_tool_call_xml
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import example_tools

sys.path.insert(0, str(Path(__file__).resolve().parent / "exercises"))
import check  # noqa: E402  (lessons/exercises/check.py)
from cases import HERMES_CASES, XML_CASES, XML_TOOLS, Case  # noqa: E402
from mlx_reference import server_reading  # noqa: E402

PROMPTS = ["What's the weather in Paris?", "What's the weather in Paris and Tokyo?", "What is 17 * 23?",
           "Convert 10 km to miles", "Hello"]
GENERATED = 500  # calls per dialect
WORDS = ["Paris", "a b", "x<y", "{}", "[1]", "é", "中文", "tab\there", "two\nlines", "'quoted'", '"q"',
         "back\\slash", "", " pad ", "42", "true"]


def calls_of(reading_or_turn) -> list[dict]:
    """The calls of a kit `ParsedTurn`/`Turn` or of a `ServerReading`, as plain name/arguments dicts."""
    if hasattr(reading_or_turn, "tool_calls"):
        return [{"name": c.name, "arguments": c.arguments} for c in reading_or_turn.tool_calls]
    return [{"name": c["name"], "arguments": c["arguments"]} for c in reading_or_turn.calls]


def step_1_the_reference_is_faithful(console: Console, client: OpenAIClient, sdk, model: str,
                                     tools: list[dict]) -> None:
    console.rule("1. The reference: is the replay what the real server does?")
    dialect = client.local.dialect
    table = Table()
    for column in ("prompt", "real server", "replay of its parsing", "same", "agentkit agrees on the calls"):
        # Fold, never cut: the calls are what the columns compare.
        table.add_column(column, overflow="fold")
    faithful = 0
    for text in PROMPTS:
        messages = [{"role": "user", "content": text}]
        message = sdk.chat.completions.create(model=model, messages=messages, tools=tools, max_tokens=200,
                                              temperature=0.0).choices[0].message
        real = {"content": message.content or "", "reasoning": message.model_extra.get("reasoning") or "",
                "calls": [{"name": c.function.name, "arguments": json.loads(c.function.arguments)}
                          for c in message.tool_calls or []]}
        turn = client.complete(messages, tools, parser="raw", max_tokens=200)
        opened = prompt_opened_think(client.render_prompt(messages, tools))
        reading = server_reading(turn.raw_text, dialect, tools, prompt_opened_think=opened)
        replay = {"content": reading.content, "reasoning": reading.reasoning, "calls": calls_of(reading)}
        same = replay == real
        faithful += same
        table.add_row(text, _short(real["calls"]) or repr(real["content"].strip()), _short(replay["calls"])
                      or repr(replay["content"].strip()), str(same), str(calls_of(turn) == real["calls"]))
    console.print(table)
    console.print(f"the replay gives exactly the real server's content, reasoning and calls on {faithful}/"
                  f"{len(PROMPTS)} real outputs ({dialect} dialect)")


def _short(calls: list[dict]) -> str:
    return ", ".join(f"{c['name']}({json.dumps(c['arguments'], ensure_ascii=False)})" for c in calls)


def random_arguments(rng: random.Random, xml: bool) -> tuple[dict, dict]:
    """(arguments, properties schema) for one generated call."""
    arguments, properties = {}, {}
    for index in range(rng.randint(0, 4)):
        kind = rng.choice(["string", "integer", "number", "boolean", "array", "object"])
        name = f"p{index}_{kind}"
        value = {"string": lambda: rng.choice(WORDS) + rng.choice(WORDS),
                 "integer": lambda: rng.randint(-10**9, 10**9),
                 "number": lambda: round(rng.uniform(-1000, 1000), rng.randint(1, 6)),
                 "boolean": lambda: rng.random() < 0.5,
                 "array": lambda: [rng.choice(WORDS), rng.randint(0, 9), None],
                 "object": lambda: {rng.choice(WORDS): rng.choice([1, 2.5, "v", True, None, [1]])}}[kind]()
        if xml and kind == "string" and value.strip().lower() == "null":
            value = "not null"  # mlx-lm reads "null" as None whatever the schema: a known difference (step 3)
        arguments[name] = value
        properties[name] = {"type": kind}
    return arguments, properties


def step_2_agreement_on_generated_calls(console: Console) -> None:
    console.rule("2. Generated well-formed calls: agentkit and mlx-lm must agree on every one")
    rng = random.Random(7)
    for dialect, render, parser in (("hermes", render_tool_call_hermes, json_tools),
                                    ("xml", render_tool_call_xml, qwen3_coder)):
        agree, example = 0, None
        for number in range(GENERATED):
            arguments, properties = random_arguments(rng, dialect == "xml")
            name = f"tool_{number % 7}"
            tools = [{"type": "function", "function": {"name": name, "parameters": {
                "type": "object", "properties": properties}}}]
            block = render(name, arguments)
            theirs = parser.parse_tool_call(block[len("<tool_call>"):-len("</tool_call>")], tools)
            turn = parse_assistant(block, tools=tools)
            # == on purpose: mlx-lm turns a whole float into an int (2.0 -> 2), equal in Python.
            same = calls_of(turn) == [theirs] and not turn.errors and not turn.warnings
            agree += same
            if not same and example is None:
                example = block
        console.print(f"{dialect}: agentkit and mlx-lm agree on {agree}/{GENERATED} generated calls", markup=False)
        if example is not None:
            console.print(Text(f"first disagreement: {example!r}"))
    console.print("tests/test_parsing_differential.py does the same with hypothesis, which also shrinks a "
                  "failing input to the smallest one.")


# Malformed outputs where the two differ; the verdict is the kit's policy (agentkit/parsing/__init__.py).
WEATHER = [{"type": "function", "function": {"name": "w", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}, "days": {"type": "integer"}, "unit": {"type": ["string", "null"]},
    "limit": {"anyOf": [{"type": "integer"}, {"type": "null"}]}, "level": {"enum": [1, 2, 3]}}}}}]


def xml_call(**values: str) -> str:
    params = "".join(f"<parameter={k}>\n{v}\n</parameter>\n" for k, v in values.items())
    return f"<tool_call>\n<function=w>\n{params}</function>\n</tool_call>"


DISAGREEMENTS = [
    ("</tool_call> inside a JSON string", "hermes", render_tool_call_hermes("note", {"text": "say </tool_call>"}),
     False, "stop", "agentkit: the text is a valid call, and the string is the model's data"),
    ("trailing junk after the JSON", "hermes", '<tool_call>\n{"name": "f", "arguments": {"a": 1}}}\n</tool_call>',
     False, "stop", "agentkit by policy: the call itself is complete and unambiguous (warned)"),
    ("arguments as a JSON string", "hermes", '<tool_call>\n{"name": "f", "arguments": "{\\"a\\": 1}"}\n</tool_call>',
     False, "stop", "agentkit: a tool needs an object; mlx-lm passes a string on, encoded twice"),
    ("a call planned inside <think>", "hermes", "Maybe " + render_tool_call_hermes("f", {}) + " no.\n</think>\n\nOK.",
     True, "stop", "agentkit by policy: the model went on thinking and closed </think>; it was a plan"),
    ("a call cut off by max_tokens", "hermes", '<tool_call>\n{"name": "f", "arguments": {"a": ', False, "length",
     "agentkit: a silent loss leaves the agent waiting for a call that never comes"),
    ("XML without </function>", "xml", "<tool_call>\n<function=w>\n<parameter=city>\nSeoul\n</parameter>\n"
     "</tool_call>", False, "stop", "agentkit by policy: the block closed, the function is complete (warned)"),
    ('"3.5" for an integer', "xml", xml_call(city="Oslo", days="3.5"), False, "stop",
     "agentkit: keep the call, warn schema_mismatch, let the tool say what it expected"),
    ('"null" for a string', "xml", xml_call(city="null"), False, "stop",
     "agentkit: the schema says string, so the text is the value"),
    ('"123" for ["string", "null"]', "xml", xml_call(unit="123"), False, "stop",
     "agentkit: 123 is not a string or null; the schema does not allow it"),
    ('"5" for anyOf [integer, null]', "xml", xml_call(limit="5"), False, "stop",
     "agentkit: mlx-lm reads only \"type\" and misses the union"),
    ('"2" for enum [1, 2, 3]', "xml", xml_call(level="2"), False, "stop", "agentkit: only the number 2 is a member"),
    ("a line </parameter> inside a value", "xml", xml_call(city="a\n</parameter>\n<parameter=body>\nb"), False,
     "stop", "agentkit: w has no parameter body, so that line is text; mlx-lm cuts the value and invents one"),
    ("an example call inside a value", "xml", xml_call(city="see\n" + render_tool_call_xml("f", {"x": 1}) + "\nok"),
     False, "stop", "agentkit: the example is data; mlx-lm ends the block at its </tool_call>"),
    ("a call without its <tool_call>", "xml", "<function=w>\n<parameter=city>\nSeoul\n</parameter>\n</function>\n"
     "</tool_call>", False, "stop", "agentkit by policy: complete and names an offered tool (warned)"),
    ("a template placeholder as the name", "xml", xml_call(city="x").replace("<function=w>", "<function={{ name }}>"),
     False, "stop", "agentkit: a placeholder is never a tool; mlx-lm runs a tool named '{{'"),
    ('"parameters" instead of "arguments"', "hermes",
     '<tool_call>\n{"name": "f", "parameters": {"a": 1}}\n</tool_call>', False, "stop",
     "agentkit: an unknown key must not crash the server; accept it and warn"),
]


def step_3_disagreements(console: Console) -> None:
    console.rule("3. Malformed input: where they disagree, and who is right")
    table = Table(show_lines=True)
    for column in ("output", "mlx_lm.server (replayed)", "agentkit", "right, and why"):
        table.add_column(column, overflow="fold")
    for name, dialect, text, opened, finish, verdict in DISAGREEMENTS:
        tools = WEATHER if dialect == "xml" else None
        reading = server_reading(text, dialect, tools, prompt_opened_think=opened, finish_reason=finish)
        theirs = _short(calls_of(reading)) or "no call"
        theirs += f"; {reading.dropped} block dropped" if reading.dropped else ""
        theirs = f"the request fails ({reading.failure})" if reading.failure else theirs
        theirs += f"; content {reading.content.strip()[:30]!r}" if reading.content.strip() else ""
        turn = parse_assistant(text, tools=tools, prompt_opened_think=opened)
        issues = [issue.code for issue in turn.errors + turn.warnings]
        ours = (_short(calls_of(turn)) or "no call") + (f"; {', '.join(issues)}" if issues else "")
        table.add_row(name, Text(theirs), Text(ours), verdict)
    console.print(table)
    console.print(f"{len(DISAGREEMENTS)} documented disagreements. tests/test_parsing_differential.py asserts both "
                  "sides of all but the last, so an mlx-lm release that changes one shows up as a failing test.",
                  markup=False)


def step_4_scoreboard(console: Console) -> None:
    console.rule("4. The exercise tables as a scoreboard")
    console.print("(calls only: mlx-lm reports no issues at all)")
    table = Table()
    for column in ("cases", "mlx_lm.server (replayed)", "agentkit", "your parser"):
        table.add_column(column, justify="right")
    for dialect, cases, tools in (("hermes", HERMES_CASES, None), ("xml", XML_CASES, XML_TOOLS)):
        readings = [server_reading(case.text, dialect, tools, finish_reason=_finish(case)) for case in cases]
        theirs = sum(r.failure is None and calls_of(r) == case.calls for r, case in zip(readings, cases))
        failed = sum(r.failure is not None for r in readings)
        ours = check.passing(dialect, check.EXERCISES[dialect].solution()).split()[0]
        started = check.learner_file(dialect).exists()
        yours = check.learner_progress(dialect).removesuffix(" cases pass") if started else "not started"
        table.add_row(f"{dialect} ({len(cases)})", f"{theirs}/{len(cases)}"
                      + (f" ({failed} requests fail outright)" if failed else ""), ours, yours)
    console.print(table)


def _finish(case: Case) -> str:
    return "length" if "truncated_tool_call" in case.codes else "stop"


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 07: checking your parser against the reference")
    add_endpoint_arguments(parser)
    args = parser.parse_args()
    console = Console()
    # Only the schemas are needed, so the file tools' workspace can go at once.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson07-") as workspace:
        tools = example_tools(workspace).schemas()
    console.print("starting the model server (or connecting to --url)...")
    with endpoint_from_args(args) as endpoint:
        client = OpenAIClient(endpoint)
        step_1_the_reference_is_faithful(console, client, endpoint.openai(timeout=60), endpoint.model_id, tools)
    step_2_agreement_on_generated_calls(console)
    step_3_disagreements(console)
    step_4_scoreboard(console)
    return 0


if __name__ == "__main__":
    sys.exit(main())

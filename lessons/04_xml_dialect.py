"""Lesson 04: the Qwen3.6 XML tool-call dialect: values typed by the schema, and the drift real models write.

    python lessons/04_xml_dialect.py                  # starts mlx_lm.server on toy-dense (qwen3.6 template)
    python lessons/04_xml_dialect.py --model toy-moe
    python lessons/exercises/check.py xml --init      # the exercise this lesson sets

Four steps: a real XML call and how its text became typed arguments; the
conversion rules side by side with mlx-lm's; crafted outputs with the drift
real Qwen models produce, read by mlx_lm.server (replayed) and by agentkit;
and how far your own parser (your copy of lessons/exercises/xml_parser.py) has come.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from mlx_lm.tool_parsers import qwen3_coder
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agentkit.client import OpenAIClient
from agentkit.parsing import parse_assistant
from agentkit.parsing.schema import convert_value
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import example_tools

sys.path.insert(0, str(Path(__file__).resolve().parent / "exercises"))
import check  # noqa: E402  (lessons/exercises/check.py)
from mlx_reference import server_reading  # noqa: E402

QUESTION = [{"role": "user", "content": "Convert 10 km to miles"}]

# (text of a <parameter>, its schema): each row is a rule of agentkit/parsing/schema.py.
CONVERSIONS = [
    ("Paris", {"type": "string"}),
    ("007", {"type": "string"}),
    ("10", {"type": "number"}),
    ("3", {"type": "integer"}),
    ("3.5", {"type": "integer"}),
    ("true", {"type": "boolean"}),
    ("yes", {"type": "boolean"}),
    ('["a", "b"]', {"type": "array"}),
    ("null", {"type": "string"}),
    ("123", {"type": ["string", "null"]}),
    ("5", {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
    ("2", {"enum": [1, 2, 3]}),
]


def block(name: str, *params: tuple[str, str], close_function: str = "</function>\n",
          close_block: str = "</tool_call>") -> str:
    body = "".join(f"<parameter={param}>\n{value}\n</parameter>\n" for param, value in params)
    return f"<tool_call>\n<function={name}>\n{body}{close_function}{close_block}"


THOUGHT = "I will call get_weather for Paris.\n</think>\n\n"
PARIS = ("city", "Paris")
# Outputs as a Qwen3.6 model writes them (the prompt opened <think>), with the drift seen in real ones.
DRIFT = [
    ("well-formed", THOUGHT + block("get_weather", PARIS), "stop"),
    ("extra </function> (Qwen3.6-27B)", THOUGHT + block("get_weather", PARIS, close_function="</function>\n" * 2),
     "stop"),
    ("stray </function_invocation> (Qwen3.6-27B)",
     THOUGHT + block("get_weather", PARIS, close_function="</function>\n</function_invocation>\n"), "stop"),
    ("missing </parameter>", "I need to convert.\n</think>\n\n<tool_call>\n<function=convert_units>\n"
     "<parameter=value>\n10\n<parameter=from_unit>\nkm\n</parameter>\n<parameter=to_unit>\nmiles\n</parameter>\n"
     "</function>\n</tool_call>", "stop"),
    ("missing </function>", THOUGHT + block("get_weather", PARIS, close_function=""), "stop"),
    ("missing </tool_call>", THOUGHT + block("get_weather", PARIS, close_block=""), "stop"),
    ("a call planned inside <think>", "I could call the tool:\n" + block("get_weather", PARIS)
     + "\nbut the user only said hello.\n</think>\n\nHello! How can I help?", "stop"),
    ("cut off by max_tokens", THOUGHT + "<tool_call>\n<function=get_weather>\n<parameter=ci", "length"),
    ("a number that is not one", "I need to convert.\n</think>\n\n"
     + block("convert_units", ("value", "ten"), ("from_unit", "km"), ("to_unit", "miles")), "stop"),
]


def step_1_a_real_call(console: Console, client: OpenAIClient, sdk, model: str, tools: list[dict]) -> None:
    console.rule("1. A real XML call: every value is text")
    turn = client.complete(QUESTION, tools, parser="raw", max_tokens=200)
    console.print(Panel(Text(turn.raw_text), title="the exact text (raw mode)"))
    schema = next(t["function"]["parameters"]["properties"] for t in tools if t["function"]["name"] == "convert_units")
    console.print(f"convert_units's schema says: value {json.dumps(schema['value']['type'])}, "
                  f"from_unit {json.dumps(schema['from_unit']['type'])}", markup=False)
    for call in turn.tool_calls:
        kind = type(call.arguments.get("value")).__name__
        console.print(f"agentkit's arguments: {json.dumps(call.arguments)}  (value is {kind})", markup=False)
    message = sdk.chat.completions.create(model=model, messages=QUESTION, tools=tools, max_tokens=200,
                                          temperature=0.0).choices[0].message
    for call in message.tool_calls or []:
        console.print(f"mlx_lm.server's arguments: {call.function.arguments}", markup=False)
    console.print("Without the schema, '10' is just text. The parser must look the parameter up in the tool list.")


def step_2_conversion_rules(console: Console) -> None:
    console.rule("2. Text to value, by the schema: agentkit and mlx-lm")
    table = Table()
    for column in ("text", "schema", "agentkit", "mlx-lm (qwen3_coder)"):
        table.add_column(column)
    for text, schema in CONVERSIONS:
        value, expected = convert_value(text, schema)
        ours = f"{value!r}" + (f"  + schema_mismatch (expected {expected})" if expected else "")
        try:
            theirs = repr(qwen3_coder._convert_param_value(text, "p", {"p": schema}))
        except ValueError as error:  # mlx_lm.server drops the whole call when this raises
            theirs = f"raises ValueError ({error}): the call is dropped"
        same = ours == theirs
        table.add_row(repr(text), json.dumps(schema), Text(ours, style="" if same else "bold"),
                      Text(theirs, style="" if same else "bold"))
    console.print(table)


def step_3_drift(console: Console, tools: list[dict]) -> None:
    console.rule("3. Drift from real Qwen models: mlx_lm.server (replayed) and agentkit")
    table = Table(show_lines=True)
    for column in ("output", "mlx_lm.server", "agentkit"):
        # Fold, never cut: the tail of a drifted output is the drift.
        table.add_column(column, overflow="fold")
    dropped = 0
    for name, text, finish in DRIFT:
        server = server_reading(text, "xml", tools, prompt_opened_think=True, finish_reason=finish)
        theirs = ", ".join(f"{c['name']}({json.dumps(c['arguments'])})" for c in server.calls) or "no call"
        if server.dropped:
            dropped += 1
            theirs += f"; {server.dropped} block dropped silently"
        if server.content.strip():
            theirs += f"; content {server.content.strip()[:50]!r}"
        if server.failure:
            theirs = f"the request fails ({server.failure})"
        turn = parse_assistant(text, tools=tools, prompt_opened_think=True)
        ours = ", ".join(f"{c.name}({json.dumps(c.arguments)})" for c in turn.tool_calls) or "no call"
        issues = [issue.code for issue in turn.errors + turn.warnings]
        ours += f"; {', '.join(issues)}" if issues else ""
        if turn.content:
            ours += f"; content {turn.content[:50]!r}"
        table.add_row(name, theirs, ours)
    console.print(table)
    console.print(f"mlx_lm.server drops the call in {dropped} of these {len(DRIFT)} outputs without a word (a dropped "
                  "block still makes finish_reason 'tool_calls'), and runs the call the model only planned inside "
                  "<think>. agentkit recovers what the policy allows, and reports every problem with a code and a "
                  "message for the model.")


def step_4_your_parser(console: Console) -> None:
    console.rule("4. Your parser: your copy of lessons/exercises/xml_parser.py")
    console.print(f"your parser: {check.learner_progress('xml')}", markup=False)
    console.print(f"agentkit's parser: {check.passing('xml', check.EXERCISES['xml'].solution())}", markup=False)
    console.print("Next: `python lessons/exercises/check.py xml --init`, follow lessons/04_xml_dialect.md, then run "
                  "`python lessons/exercises/check.py xml`.", markup=False)


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 04: the Qwen3.6 XML dialect and schemas")
    add_endpoint_arguments(parser)
    args = parser.parse_args()
    console = Console()
    # Only the schemas are needed, so the file tools' workspace can go at once.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson04-") as workspace:
        tools = example_tools(workspace).schemas()
    console.print("starting the model server (or connecting to --url)...")
    with endpoint_from_args(args) as endpoint:
        client = OpenAIClient(endpoint)
        step_1_a_real_call(console, client, endpoint.openai(timeout=60), endpoint.model_id, tools)
    step_2_conversion_rules(console)
    step_3_drift(console, tools)
    step_4_your_parser(console)
    return 0


if __name__ == "__main__":
    sys.exit(main())

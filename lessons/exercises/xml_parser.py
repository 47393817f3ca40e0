"""Exercise for lesson 04: a parser for Qwen3.6 XML tool calls, written by you.

Follow lessons/04_xml_dialect.md: it builds the happy path of these functions,
then leaves the schema types and the drift recoveries to you. After each
change run

    python lessons/exercises/check.py xml

It runs a table of real-world cases (with the tool list in
lessons/exercises/cases.py) against `parse_tool_calls` and tells you which
ones it gets wrong, with a hint each. `--solution` runs the same table against
agentkit's own parser (agentkit/parsing/xml_calls.py and schema.py).

The contract check.py relies on:

    parse_tool_calls(text, tools) -> (calls, codes)
    calls  one {"name": str, "arguments": dict} per call, in output order
    codes  one issue code per problem, e.g. "stray_close_tag" (order does not matter)
"""

from __future__ import annotations

import json  # noqa: F401  (for array and object values, step 3)
import re
from typing import Any

CALL_OPEN, CALL_CLOSE = "<tool_call>", "</tool_call>"
FUNCTION = re.compile(r"<function=([^>\n]+)>")


def parameter_schemas(tools: list[dict], name: str) -> dict[str, dict]:
    """The JSON schema of each parameter of the tool called `name` ({} for an unknown tool). Given."""
    for tool in tools or []:
        function = tool.get("function", tool)
        if function.get("name") == name:
            return function.get("parameters", {}).get("properties", {})
    return {}


def parse_tool_calls(text: str, tools: list[dict]) -> tuple[list[dict], list[str]]:
    """Step 1: cut out each <tool_call> block, parse it, collect calls and codes."""
    raise NotImplementedError("step 1 of lesson 04: write parse_tool_calls")


def parse_block(body: str, closed: bool, tools: list[dict]) -> tuple[dict | None, list[str]]:
    """Step 2: the call in one block's body (None when there is none) and the codes found.

    `closed` is False when the output ended before </tool_call>.
    """
    raise NotImplementedError("step 2 of lesson 04: write parse_block")


def convert_value(text: str, schema: dict | None) -> tuple[Any, bool]:
    """Step 3: the value of a parameter's text under its JSON schema, and whether it fit."""
    raise NotImplementedError("step 3 of lesson 04: write convert_value")

"""Exercise for lesson 03: a parser for Hermes JSON tool calls, written by you.

Follow lessons/03_hermes_parser.md: it builds these three functions step by
step, then leaves the recoveries to you. After each change run

    python lessons/exercises/check.py hermes

It runs a table of real-world cases against `parse_tool_calls` and tells you
which ones it gets wrong, with a hint each. `--solution` runs the same table
against agentkit's own parser (agentkit/parsing/hermes.py), which passes them all.

The contract check.py relies on:

    parse_tool_calls(text) -> (calls, codes)
    calls  one {"name": str, "arguments": dict} per call, in output order
    codes  one issue code per problem, e.g. "trailing_junk" (order does not matter)
"""

from __future__ import annotations

import ast  # noqa: F401  (for the Python-literal recovery, step 4)
import json
from typing import Any

CALL_OPEN, CALL_CLOSE = "<tool_call>", "</tool_call>"
DECODER = json.JSONDecoder()


def parse_tool_calls(text: str) -> tuple[list[dict], list[str]]:
    """Step 1: find every <tool_call>, decode the block after it, collect calls and codes."""
    raise NotImplementedError("step 1 of lesson 03: write parse_tool_calls")


def decode_block(text: str, start: int) -> tuple[Any, int, list[str]]:
    """Step 2: decode the value that starts at `start`, just after a <tool_call>.

    Returns (value, end, codes): the decoded value (None when there is none),
    the index just after the block (after its </tool_call> when there is one),
    and the issue codes found on the way.
    """
    raise NotImplementedError("step 2 of lesson 03: write decode_block")


def read_call(value: Any) -> tuple[dict | None, list[str]]:
    """Step 3: make {"name": ..., "arguments": {...}} of a decoded value (None when it is no call)."""
    raise NotImplementedError("step 3 of lesson 03: write read_call")

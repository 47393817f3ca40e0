"""The graders of the two tool-call parsers: the cases of `cases.py`, one check each.

The learner's module defines `parse_tool_calls(text)` (Hermes) or
`parse_tool_calls(text, tools)` (XML), returning `(calls, codes)`: one
`{"name": ..., "arguments": {...}}` per call in output order, and one issue
code per problem. `solution(tools)` is agentkit's own parser in that shape,
which passes every case.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import SimpleNamespace

from cases import HERMES_CASES, XML_CASES, XML_TOOLS, Case
from grading import Check, canonical, short, where_they_differ

Parser = Callable[[Case], tuple[list[dict], list[str]]]


def learner_parser(module, tools: list[dict] | None) -> Parser:
    """The module's `parse_tool_calls`, as a function of one case."""
    if tools is None:
        return lambda case: module.parse_tool_calls(case.text)
    # A fresh copy per case: a parser that edits the tool list must not change the next case.
    return lambda case: module.parse_tool_calls(case.text, copy.deepcopy(tools))


def solution(tools: list[dict] | None) -> SimpleNamespace:
    """agentkit's `parse_assistant`, reduced to the exercise's `parse_tool_calls` shape."""
    from agentkit.parsing import parse_assistant

    def parse_tool_calls(text: str, tools_given: list[dict] | None = None) -> tuple[list[dict], list[str]]:
        turn = parse_assistant(text, tools=tools_given if tools is not None else None)
        calls = [{"name": c.name, "arguments": c.arguments} for c in turn.tool_calls]
        return calls, [issue.code for issue in turn.errors + turn.warnings]

    return SimpleNamespace(parse_tool_calls=parse_tool_calls)


def compare(result: object, case: Case) -> str | None:
    """None when `result` is what `case` expects, else what differs."""
    if not (isinstance(result, tuple) and len(result) == 2 and all(isinstance(part, list) for part in result)):
        return f"returned {short(result)}; expected a tuple (calls, codes) of two lists"
    calls, codes = result
    problems = []
    if canonical(calls) != canonical(case.calls):
        want, have = where_they_differ(case.calls, calls)
        problems.append(f"calls: expected {want}, got {have}")
    if sorted(map(str, codes)) != sorted(case.codes):
        problems.append(f"codes: expected {sorted(case.codes)}, got {sorted(map(str, codes))}")
    return "\n".join(problems) or None


def checks(cases: list[Case], tools: list[dict] | None) -> list[Check]:
    def check_of(case: Case) -> Check:
        return Check(case.name, lambda module: compare(learner_parser(module, tools)(case), case), case.hint)

    return [check_of(case) for case in cases]


HERMES_CHECKS = checks(HERMES_CASES, None)
XML_CHECKS = checks(XML_CASES, XML_TOOLS)

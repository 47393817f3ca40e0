"""Check your tool-call parser: run a table of real-world cases and see which ones it gets wrong.

    python lessons/exercises/check.py hermes             # your lessons/exercises/hermes_parser.py
    python lessons/exercises/check.py xml                # your lessons/exercises/xml_parser.py
    python lessons/exercises/check.py hermes --solution  # agentkit's own parser, on the same cases
    python lessons/exercises/check.py xml --file my_xml.py

Your module must define `parse_tool_calls`, taking the model's output (and,
for `xml`, the tool list) and returning `(calls, codes)`: one
`{"name": ..., "arguments": {...}}` per call in output order, and one issue
code per problem found. Each case is run with a time limit, so an endless
loop shows up as a failed case. Exit code 0 when every case passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))  # so `cases` imports when run from anywhere
from cases import HERMES_CASES, XML_CASES, XML_TOOLS, Case  # noqa: E402

HERE = Path(__file__).resolve().parent
EXERCISES = {
    "hermes": (HERE / "hermes_parser.py", HERMES_CASES, None, "lessons/03_hermes_parser.md"),
    "xml": (HERE / "xml_parser.py", XML_CASES, XML_TOOLS, "lessons/04_xml_dialect.md"),
}
SECONDS_PER_CASE = 2.0

Parser = Callable[[Case], tuple[list[dict], list[str]]]


def learner_parser(path: Path, tools: list[dict] | None) -> Parser:
    """The `parse_tool_calls` of the learner's file, as a function of one case."""
    module = load_module(path)
    parse = getattr(module, "parse_tool_calls", None)
    if not callable(parse):
        raise SystemExit(f"{path} defines no parse_tool_calls function; start from the exercise file.")
    if tools is None:
        return lambda case: parse(case.text)
    # A fresh copy per case: a parser that edits the tool list must not change the next case.
    return lambda case: parse(case.text, copy.deepcopy(tools))


def solution_parser(tools: list[dict] | None) -> Parser:
    """agentkit's `parse_assistant`, reduced to the same (calls, codes) shape."""
    from agentkit.parsing import parse_assistant

    def parse(case: Case) -> tuple[list[dict], list[str]]:
        turn = parse_assistant(case.text, tools=tools)
        calls = [{"name": c.name, "arguments": c.arguments} for c in turn.tool_calls]
        return calls, [issue.code for issue in turn.errors + turn.warnings]

    return parse


def load_module(path: Path) -> ModuleType:
    if not path.is_file():
        raise SystemExit(f"No file at {path}.")
    spec = importlib.util.spec_from_file_location(f"learner_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception:  # a syntax error in the learner's file is the answer, not a crash
        raise SystemExit(f"{path} does not import:\n{traceback.format_exc(limit=-1)}") from None
    return module


def run_case(parse: Parser, case: Case, seconds: float = SECONDS_PER_CASE) -> str | None:
    """None when the parser gets the case right, else what is wrong, in one or two lines."""
    try:
        with time_limit(seconds):
            result = parse(case)
    except CaseTimeout:
        return f"took longer than {seconds:g} s (an endless loop? check that each search moves forward)"
    except Exception as error:  # the learner's bug, reported as the case's result
        return f"raised {type(error).__name__}: {error}"
    if not (isinstance(result, tuple) and len(result) == 2 and all(isinstance(part, list) for part in result)):
        return f"returned {short(result)}; expected a tuple (calls, codes) of two lists"
    calls, codes = result
    problems = []
    # Compared as JSON text, so 3 and 3.0, 1 and True, "3" and 3 all differ.
    if canonical(calls) != canonical(case.calls):
        problems.append(f"calls: expected {short(case.calls)}, got {short(calls)}")
    if sorted(map(str, codes)) != sorted(case.codes):
        problems.append(f"codes: expected {sorted(case.codes)}, got {sorted(map(str, codes))}")
    return "\n".join(problems) or None


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class CaseTimeout(Exception):
    """A case ran past its time limit."""


class time_limit:
    """A SIGALRM timer (Unix); elsewhere the case just runs to the end."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = hasattr(signal, "SIGALRM")

    def __enter__(self) -> None:
        if self.armed:
            signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)

    @staticmethod
    def _expire(signum: int, frame: object) -> None:
        raise CaseTimeout


def report(console: Console, title: str, cases: list[Case], failures: dict[str, str]) -> None:
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("case")
    table.add_column("result")
    table.add_column("what is wrong / hint")
    for number, case in enumerate(cases, start=1):
        failure = failures.get(case.name)
        if failure is None:
            table.add_row(str(number), case.name, "[green]pass[/]", "")
        else:
            table.add_row(str(number), case.name, "[red]FAIL[/]", f"{failure}\n[dim]hint: {case.hint}[/]")
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a tool-call parser against real-world cases.")
    parser.add_argument("exercise", choices=sorted(EXERCISES),
                        help="which parser: hermes (lesson 03) or xml (lesson 04)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--solution", action="store_true", help="check agentkit's own parser instead of yours")
    which.add_argument("--file", type=Path, help="check this file instead of the exercise file")
    parser.add_argument("--seconds", type=float, default=SECONDS_PER_CASE,
                        help="time limit per case (default: %(default)s)")
    args = parser.parse_args(argv)

    default_file, cases, tools, lesson = EXERCISES[args.exercise]
    if args.solution:
        parse, subject = solution_parser(tools), "agentkit.parsing.parse_assistant"
    else:
        path = args.file or default_file
        parse, subject = learner_parser(path, tools), str(path)
    failures = {}
    for case in cases:
        failure = run_case(parse, case, args.seconds)
        if failure is not None:
            failures[case.name] = failure

    console = Console(width=max(Console().width, 110))
    report(console, f"{args.exercise} cases against {subject}", cases, failures)
    passed = len(cases) - len(failures)
    if failures:
        console.print(f"[bold]{passed}/{len(cases)} cases pass.[/] Fix the first failing one, run again. "
                      f"The rules are in {lesson}.")
        return 1
    console.print(f"[bold green]{passed}/{len(cases)} cases pass.[/]")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Lesson 10: tools from Python functions: schema, validation, timeouts, errors the model can read.

    python lessons/10_tools_from_functions.py          # no model needed: tools are plain Python

Five steps: a typed function becomes a tool and its JSON schema; arguments are
validated before the call; every failure (bad arguments, an exception, a hang)
comes back as an observation instead of a crash; a toolbox answers unknown
names with the names it knows; the file tools refuse to leave their workspace.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Literal

from rich.console import Console

from agentkit.tools import ToolBox, ToolError, example_tools, tool


@tool
def tip(bill: float, percent: int = 15, round_to: Literal["cent", "euro"] = "cent") -> dict:
    """Work out the tip and the total for a restaurant bill.

    Args:
        bill: The bill before the tip, in euros.
        percent: The tip as a percentage of the bill.
        round_to: Round the tip to whole cents or to whole euros.
    """
    if bill < 0:
        raise ToolError("bill must not be negative; pass the amount on the bill, e.g. 42.5.")
    amount = bill * percent / 100
    amount = round(amount, 2) if round_to == "cent" else float(round(amount))
    return {"tip": amount, "total": round(bill + amount, 2)}


@tool
def slow_lookup(key: str) -> str:
    """Look up a key in a slow remote store.

    Args:
        key: The key to look up.
    """
    time.sleep(5)
    return "never seen: the agent stops waiting first"


@tool
def divide(a: float, b: float) -> float:
    """Divide a by b.

    Args:
        a: The dividend.
        b: The divisor.
    """
    return a / b


def step_1_schema(console: Console) -> None:
    console.rule("1. A typed function with a docstring is a tool")
    # The model reads only this: the name, the first docstring line, and the
    # parameters built by pydantic from the type hints and the Args section.
    console.print_json(json.dumps(tip.schema))
    console.print(f"tip(42.5) called as plain Python still works: {tip(42.5)}")


def step_2_validation(console: Console) -> None:
    console.rule("2. Arguments are checked before the function runs")
    for arguments in ({"bill": "42.5", "percent": 20}, {"bill": "a lot"}, {"percent": 10},
                      {"bill": 40, "round_to": "dollar"}):
        result = tip.run(arguments)
        # A string "42.5" for a float is converted; nonsense is refused with the call's shape.
        console.print(f"tip.run({arguments}) -> ok={result.ok}: {result.content}", markup=False)


def step_3_failures_are_observations(console: Console) -> None:
    console.rule("3. Failures come back as text for the model, never as a crash")
    for name, result in [("ToolError", tip.run({"bill": -3})),
                         ("exception", divide.run({"a": 1, "b": 0})),
                         ("timeout", slow_lookup.run({"key": "x"}, timeout=0.2))]:
        console.print(f"{name:>9}: ok={result.ok} error_kind={result.error_kind} "
                      f"after {result.elapsed_s:.2f}s -> {result.content}", markup=False)


def step_4_toolbox(console: Console, workspace: str) -> None:
    console.rule("4. A toolbox: tools by name, and unknown names answered")
    toolbox = ToolBox([tip, divide, *example_tools(workspace)])
    console.print(f"names, in the order the model sees them: {toolbox.names}", markup=False)
    console.print(f"schemas for the request: {len(json.dumps(toolbox.schemas()))} characters of JSON")
    console.print(toolbox.run("tipp", {"bill": 10}).content, markup=False)


def step_5_sandbox(console: Console, workspace: str) -> None:
    console.rule("5. File tools live in a workspace and refuse to leave it")
    toolbox = example_tools(workspace)
    console.print(toolbox.run("write_file", {"path": "notes/todo.txt", "content": "Buy oat milk."}).content)
    console.print(toolbox.run("list_files", {"directory": "notes"}).content)
    # A symlink inside the workspace that points out of it is refused too.
    (Path(workspace) / "shortcut").symlink_to(Path(workspace).parent)
    for path in ("/etc/passwd", "../outside.txt", "notes/../../outside.txt", "shortcut/secret.txt"):
        console.print(f"read_file({path!r}) -> {toolbox.run('read_file', {'path': path}).content}", markup=False)


def main() -> int:
    console = Console()
    step_1_schema(console)
    step_2_validation(console)
    step_3_failures_are_observations(console)
    # A scratch folder for the file tools; removing it removes only the link
    # that step 5 plants in it, never what the link points to.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson10-") as workspace:
        step_4_toolbox(console, workspace)
        step_5_sandbox(console, workspace)
    return 0


if __name__ == "__main__":
    sys.exit(main())

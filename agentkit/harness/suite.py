"""Task suites: the tasks a comparison runs, as JSON files validated by pydantic.

A suite lives in `fixtures/suites/NAME.json`. Each task says what to ask,
which agent pattern runs it (ReAct unless it says otherwise), which of the
kit's example tools the model may use, which files the workspace holds before
the task starts, and how to check the outcome: the expected tool calls per
model turn and a checker for the final answer (contains / exact / numeric).

A checker must not be fooled by an answer that merely contains the right
string: values match as whole words ("12" is not found in "-12" or "120"),
a numeric check also needs its `values` (the city it is about), and an answer
with chat markup in it (`</think>`, `<tool_call>`) never passes. Whether the
calls behind the answer were grounded is the run verdict's part
(`agentkit.trace.verdict`); a comparison counts a run right only when both agree.

Checking is pure (`check_answer`, `check_calls`): a run's answer and calls in,
a verdict out, so the checkers are tested on strings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from agentkit.errors import AgentkitError
from agentkit.trace.verdict import find_leaked_markup

SUITES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "suites"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class ExpectedCall(BaseModel):
    """A tool call a correct agent makes."""

    name: str = Field(description="Tool name.")
    arguments: dict[str, Any] = Field(default_factory=dict, description="Arguments it passes.")


class AnswerCheck(BaseModel):
    """How to tell a right final answer from a wrong one."""

    kind: Literal["contains", "exact", "numeric"] = Field(
        default="contains", description="contains: every value appears as a whole word; exact: equals the value; "
        "numeric: some number in the answer is within tolerance of `number`, and every value appears.")
    values: list[str] = Field(default_factory=list,
                              description="The expected text (case-insensitive): the facts the answer must state.")
    number: float | None = Field(default=None, description="numeric: the expected number.")
    tolerance: float = Field(default=0.01, ge=0, description="numeric: the largest accepted absolute difference.")


class Task(BaseModel):
    """One task of a suite."""

    id: str = Field(description="Short unique name, used in reports.")
    prompt: str = Field(description="The user message.")
    tools: list[str] = Field(description="Names of the example tools offered to the model.")
    pattern: Literal["react", "reflection", "plan"] | None = Field(
        default=None, description="Agent pattern for this task; None: the comparison's --pattern.")
    thinking: bool = Field(default=False, description="Whether to ask for reasoning (enable_thinking).")
    files: dict[str, str] = Field(default_factory=dict, description="Workspace files before the task (path -> text).")
    expect_calls: list[list[ExpectedCall]] | None = Field(
        default=None, description="Expected calls per model turn that made calls; None: calls are not checked.")
    check: AnswerCheck = Field(default_factory=AnswerCheck, description="The checker for the final answer.")


class Suite(BaseModel):
    """A named list of tasks."""

    name: str = Field(description="Suite name.")
    description: str = Field(default="", description="What the suite covers.")
    tasks: list[Task] = Field(description="The tasks, run in order.")


class SuiteError(AgentkitError):
    """A suite file is missing or malformed."""


def load_suite(name_or_path: str) -> Suite:
    """Load a suite by name (fixtures/suites/NAME.json) or from a JSON file path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SUITES_DIR / f"{name_or_path}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in SUITES_DIR.glob("*.json"))) or "none"
        raise SuiteError(f"No suite at {path}.", fix=f"use one of: {known}, or pass a path to a suite JSON file")
    try:
        return Suite.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise SuiteError(f"Suite {path} is not valid: {exc}",
                         fix="compare it with fixtures/suites/default.json") from exc


def check_answer(check: AnswerCheck, answer: str | None) -> bool:
    """True when `answer` passes the checker; a run without an answer, or with markup in it, never does."""
    if answer is None or find_leaked_markup(answer):
        return False
    text = " ".join(answer.lower().split())
    if check.kind == "exact":
        # Trailing punctuation is not a decision the model made about the answer.
        return text.rstrip(".!") in {" ".join(value.lower().split()).rstrip(".!") for value in check.values}
    if not all(_states(text, value) for value in check.values):
        return False
    if check.kind == "contains":
        return True
    if check.number is None:
        return False
    # Numbers written with thousands separators ("69,104") count as one number.
    return any(abs(float(n) - check.number) <= check.tolerance for n in _NUMBER.findall(text.replace(",", "")))


def _states(text: str, value: str) -> bool:
    # A whole-word match: "12" is not in "-12", "120" or "12.5"; "[coffee]" is in "note [coffee]:".
    value = " ".join(value.lower().split())
    return re.search(rf"(?<![\w.-]){re.escape(value)}(?![\w]|\.\d)", text) is not None


def check_calls(expected: list[list[ExpectedCall]] | None, turns: list[list[tuple[str, dict[str, Any]]]]) -> bool | None:
    """Compare the calls made per turn with the expected ones (order within a turn ignored); None when unchecked."""
    if expected is None:
        return None
    want = [sorted(_canonical(c.name, c.arguments) for c in turn) for turn in expected]
    got = [sorted(_canonical(name, arguments) for name, arguments in turn) for turn in turns]
    return want == got


def _canonical(name: str, arguments: dict[str, Any]) -> str:
    # 20 and 20.0 are the same argument: the model wrote a number either way.
    normal = {k: float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
              for k, v in arguments.items()}
    return json.dumps([name, normal], sort_keys=True)

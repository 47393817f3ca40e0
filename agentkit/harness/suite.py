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
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from agentkit.errors import AgentkitError
from agentkit.tools.examples import EXAMPLE_TOOL_NAMES
from agentkit.trace.verdict import find_leaked_markup

SUITES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "suites"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# A task id names its trace file (`<id>-r0.jsonl`): no slash, no leading dot.
_TASK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


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

    # A suite is a file anyone can hand you: nothing in it may name a path
    # outside the run's folders, and a typo in a tool name must not run quietly.
    @field_validator("id")
    @classmethod
    def _id_is_a_file_name(cls, value: str) -> str:
        if not _TASK_ID.fullmatch(value):
            raise ValueError(f"{value!r} is not a plain name: use letters, digits, '-', '_' and '.', "
                             "starting with a letter or digit (it names the task's trace file)")
        return value

    @field_validator("tools")
    @classmethod
    def _tools_exist(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in EXAMPLE_TOOL_NAMES]
        if unknown:
            raise ValueError(f"no tool named {', '.join(map(repr, unknown))}; "
                             f"the example tools are: {', '.join(EXAMPLE_TOOL_NAMES)}")
        return value

    @field_validator("files")
    @classmethod
    def _files_stay_inside(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            posix = PurePosixPath(name.replace("\\", "/"))
            if (not name.strip() or "\0" in name or posix.is_absolute() or PureWindowsPath(name).is_absolute()
                    or name.startswith("~") or ".." in posix.parts or posix == PurePosixPath(".")):
                raise ValueError(f"{name!r} is not a relative path inside the workspace "
                                 "(no '..', no absolute path, e.g. 'notes/todo.txt')")
        return value


class Suite(BaseModel):
    """A named list of tasks."""

    name: str = Field(description="Suite name.")
    description: str = Field(default="", description="What the suite covers.")
    tasks: list[Task] = Field(description="The tasks, run in order.")

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Suite:
        ids = [task.id for task in self.tasks]
        repeated = sorted({task_id for task_id in ids if ids.count(task_id) > 1})
        if repeated:  # two tasks with one id would write one trace file
            raise ValueError(f"task ids must be unique; repeated: {', '.join(repeated)}")
        return self


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
    fix = "compare it with fixtures/suites/default.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SuiteError(f"Suite {path} is not a text file (not UTF-8).", fix=fix) from None
    except json.JSONDecodeError as exc:
        raise SuiteError(f"Suite {path} is not valid JSON: {exc}.", fix=fix) from None
    except OSError as exc:
        raise SuiteError(f"Cannot read suite {path}: {exc.strerror}.", fix=fix) from None
    try:
        return Suite.model_validate(data)
    except ValidationError as exc:
        raise SuiteError(f"Suite {path} is not valid: {_first_error(exc, data)}", fix=fix) from None


def _first_error(error: ValidationError, data: Any) -> str:
    """pydantic's first complaint on one line, its field named as the file names it (tasks[2].files)."""
    first = error.errors()[0]
    where = ""
    for part in first["loc"]:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    message = first["msg"].removeprefix("Value error, ")
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where or 'the file'}: {message}{more}".replace("\n", " ")


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

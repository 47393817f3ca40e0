"""What every exercise's grader shares: load the learner's file, run each case under a time limit, report.

A grader is a list of `Check`s. Each runs one check on the learner's
module and returns None when it is right, or what is wrong in a sentence or
two. A case that raises, or runs past its time limit, fails with that as its
result, so a crash or an endless loop in the learner's code is an answer, not
a traceback.
"""

from __future__ import annotations

import importlib.util
import json
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

SECONDS_PER_CASE = 2.0


@dataclass(frozen=True)
class Check:
    """One case a learner's module must get right."""

    name: str
    """Short name shown in the report."""
    check: Callable[[Any], str | None]
    """Runs the check on the module: None when right, else what is wrong."""
    hint: str = ""
    """What to look at when the case fails."""


class CaseFailure(Exception):
    """Raised by a check to fail its case with exactly this message."""


class ExerciseFileError(Exception):
    """The learner's file cannot be graded at all (missing, does not import, lacks a name)."""


def load_module(path: Path, needs: tuple[str, ...]) -> ModuleType:
    """Import the learner's file; check that it defines every name the grader calls."""
    if not path.is_file():
        raise ExerciseFileError(f"No file at {path}.")
    spec = importlib.util.spec_from_file_location(f"learner_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception:  # a syntax error in the learner's file is the answer, not a crash
        raise ExerciseFileError(f"{path} does not import:\n{traceback.format_exc(limit=-1)}") from None
    missing = [name for name in needs if not callable(getattr(module, name, None))]
    if missing:
        raise ExerciseFileError(f"{path} defines no {', '.join(missing)}; start from the exercise file (--init).")
    return module


def run_check(case: Check, module: Any, seconds: float = SECONDS_PER_CASE) -> str | None:
    """None when the module gets the case right, else what is wrong."""
    try:
        with time_limit(seconds):
            return case.check(module)
    except CaseFailure as failure:
        return str(failure)
    except CaseTimeout:
        return f"took longer than {seconds:g} s (an endless loop? check that each search moves forward)"
    except Exception as error:
        return crash_report(error, getattr(module, "__file__", None))


GRADERS = Path(__file__).resolve().parent


def crash_report(error: Exception, learner_file: str | None) -> str:
    """Whose crash it was, from the innermost frame in the learner's file or in a grader.

    The grader calls the learner's code, which calls the kit: an exception whose last
    stop among those two files is the learner's is the learner's bug, the case's result,
    with the line to look at; one that last passed through a grader is the grader's,
    and must not read as the learner's mistake.
    """
    learner = Path(learner_file).resolve() if learner_file else None
    frames = [(Path(frame.filename).resolve(), frame.lineno) for frame in traceback.extract_tb(error.__traceback__)]
    ours = [(path, line) for path, line in frames if path == learner or path.parent == GRADERS]
    what = f"{type(error).__name__}: {error}"
    if not ours:
        return f"raised {what}"
    path, line = ours[-1]
    if path == learner:
        return f"raised {what} (your line {line})"
    return (f"the grader itself failed ({what}, {path.name} line {line}); "
            "your code may be right: please report this case")


def run_checks(cases: list[Check], module: Any, seconds: float = SECONDS_PER_CASE) -> dict[str, str]:
    """{case name: what is wrong} for every case the module fails."""
    failures = {}
    for case in cases:
        failure = run_check(case, module, seconds)
        if failure is not None:
            failures[case.name] = failure
    return failures


def canonical(value: Any) -> str:
    """JSON text with sorted keys: 3 and 3.0, 1 and True, "3" and 3 all differ."""
    return json.dumps(value, sort_keys=True, default=repr)


def short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def where_they_differ(expected: Any, got: Any, limit: int = 160) -> tuple[str, str]:
    """Both values as JSON, cut to the same window around the first character where they
    differ: cut at the start instead, two long values that differ near their ends would
    print the same."""
    want, have = (json.dumps(value, ensure_ascii=False, default=repr) for value in (expected, got))
    at = next((i for i, (a, b) in enumerate(zip(want, have)) if a != b), min(len(want), len(have)))
    start = max(0, min(at - limit // 3, max(len(want), len(have)) - limit))
    return _window(want, start, limit), _window(have, start, limit)


def _window(text: str, start: int, limit: int) -> str:
    return ("..." if start > 0 else "") + text[start : start + limit] + ("..." if start + limit < len(text) else "")


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


def report(console: Console, title: str, cases: list[Check], failures: dict[str, str]) -> None:
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("case", overflow="fold")
    table.add_column("result")
    # Fold, never cut: the end of a long value is often exactly where it went wrong.
    table.add_column("what is wrong / hint", overflow="fold")
    for number, case in enumerate(cases, start=1):
        failure = failures.get(case.name)
        if failure is None:
            table.add_row(str(number), case.name, Text("pass", style="green"), "")
        else:
            # Text, not markup: a learner's value such as "[coffee]" must print as written.
            detail = Text(failure)
            detail.append(f"\nhint: {case.hint}", style="dim")
            table.add_row(str(number), case.name, Text("FAIL", style="red"), detail)
    console.print(table)

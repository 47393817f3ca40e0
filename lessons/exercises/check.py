"""Check your exercise: run its cases against your code and see which ones it gets wrong, and why.

    python lessons/exercises/check.py --list                    # every exercise, with its lesson
    python lessons/exercises/check.py think --init my_work      # copy the empty exercise to my_work/
    python lessons/exercises/check.py think --file my_work/think_split.py
    python lessons/exercises/check.py think                     # your copy in lessons/exercises/mine/
    python lessons/exercises/check.py hermes --solution         # agentkit's own code, on the same cases

You work on a copy, never on the files here: they stay empty, so the test
suite checks the exercises themselves, whatever you write. `--init` without a
folder copies to lessons/exercises/mine/ (ignored by git), which is where
`check.py NAME` looks when you give no `--file`.

Each case runs with a time limit, so an endless loop shows up as a failed
case. Exit code 0 when every case passes, 1 when one fails, 2 when there is
nothing to grade.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parent))  # so the graders import when run from anywhere
import grade_agents  # noqa: E402
import grade_diff  # noqa: E402
import grade_guard  # noqa: E402
import grade_parsers  # noqa: E402
import grade_patterns  # noqa: E402
import grade_streams  # noqa: E402
from cases import XML_TOOLS  # noqa: E402
from grading import SECONDS_PER_CASE, Check, ExerciseFileError, load_module, report, run_checks  # noqa: E402

HERE = Path(__file__).resolve().parent
WORK = HERE / "mine"  # the learner's copies; git ignores it


@dataclass(frozen=True)
class Exercise:
    """One exercise: the empty file a learner copies, the lesson that teaches it, and its cases."""

    stub: str
    """The exercise file in lessons/exercises/, copied out by --init."""
    lesson: str
    """The lesson's file name without .md (lessons are renumbered: this table is the one place to edit)."""
    about: str
    """What the learner writes, in one line."""
    needs: tuple[str, ...]
    """The names the grader calls in the learner's module."""
    checks: list[Check]
    """The cases."""
    solution: Callable[[], Any] | None = None
    """agentkit's own code in the exercise's shape, for --solution (None when the kit has no such function)."""


EXERCISES = {
    "hermes": Exercise("hermes_parser.py", "03_hermes_parser", "parse Hermes JSON tool calls, drift and all",
                       ("parse_tool_calls",), grade_parsers.HERMES_CHECKS, lambda: grade_parsers.solution(None)),
    "xml": Exercise("xml_parser.py", "04_xml_dialect", "parse Qwen3.6 XML tool calls, typed by the tool's schema",
                    ("parse_tool_calls",), grade_parsers.XML_CHECKS, lambda: grade_parsers.solution(XML_TOOLS)),
    "think": Exercise("think_split.py", "05_thinking", "split reasoning from the answer, told whether the prompt "
                      "opened <think>", ("split_think",), grade_streams.THINK_CHECKS),
    "stream": Exercise("stream_splitter.py", "06_streaming", "split a streamed output chunk by chunk, never "
                       "showing part of a tag", ("StreamSplitter",), grade_streams.STREAM_CHECKS),
    "react": Exercise("react_loop.py", "11_react_loop", "the ReAct loop: ask, run every call, observe, repeat",
                      ("react",), grade_agents.REACT_CHECKS, grade_agents.react_solution),
    "guard": Exercise("repeat_guard.py", "12_guards", "the repeated-call guard: warn the model once, then stop "
                      "the run", ("RepeatedCallGuard",), grade_guard.GUARD_CHECKS, grade_guard.guard_solution),
    "reflection": Exercise("reflection_loop.py", "14_reflection", "Reflection: critique the draft as JSON, "
                           "revise, stop on pass or the round limit", ("reflect",), grade_patterns.REFLECTION_CHECKS,
                           grade_patterns.reflection_solution),
    "plan": Exercise("plan_execute.py", "15_plan_execute", "Plan-and-Execute: plan, run each step, replan, "
                     "synthesize", ("plan_and_execute",), grade_patterns.PLAN_CHECKS, grade_patterns.plan_solution),
    "diff": Exercise("decision_diff.py", "18_dense_vs_moe", "the decision diff: align two runs' tool calls and "
                     "answers", ("align",), grade_diff.DIFF_CHECKS, grade_diff.solution),
}


def learner_file(name: str) -> Path:
    """Where `check.py NAME` looks for the learner's copy when no --file is given."""
    return WORK / EXERCISES[name].stub


def passing(name: str, module: Any) -> str:
    """"N/M cases pass" for `module` on the exercise's cases."""
    checks = EXERCISES[name].checks
    return f"{len(checks) - len(run_checks(checks, module))}/{len(checks)} cases pass"


def learner_progress(name: str) -> str:
    """How far the learner's copy has come, in a few words: what the lesson scripts print."""
    path = learner_file(name)
    if not path.exists():
        return f"not started (python lessons/exercises/check.py {name} --init)"
    try:
        module = load_module(path, EXERCISES[name].needs)
    except ExerciseFileError as problem:
        return str(problem).splitlines()[0]
    return passing(name, module)


def lesson_number(exercise: Exercise) -> str:
    return exercise.lesson.split("_")[0]


def list_exercises() -> str:
    width = max(map(len, EXERCISES))
    return "\n".join(f"{name:<{width}}  lesson {lesson_number(e)} ({e.lesson}.md): {e.about}"
                     for name, e in EXERCISES.items())


def init(name: str, folder: Path) -> int:
    """Copy the empty exercise into `folder`; never overwrite the learner's work."""
    exercise = EXERCISES[name]
    target = folder / exercise.stub
    if target.exists():
        print(f"{target} already exists: it may hold your work, so it was left as it is. "
              f"Grade it with: python lessons/exercises/check.py {name} --file {target}", file=sys.stderr)
        return 2
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / exercise.stub, target)
    grade = "" if target.resolve() == learner_file(name).resolve() else f" --file {target}"
    print(f"Copied the exercise to {target}. Read lessons/{exercise.lesson}.md, fill in the functions, "
          f"then run: python lessons/exercises/check.py {name}{grade}")
    return 0


def not_started(name: str) -> str:
    return (f"No copy of the {name} exercise at {learner_file(name)}. Start one with "
            f"`python lessons/exercises/check.py {name} --init` (or `--init DIR`, then grade it with "
            f"`--file DIR/{EXERCISES[name].stub}`).")


def grade(name: str, module: Any, subject: str, seconds: float, console: Console) -> int:
    exercise = EXERCISES[name]
    failures = run_checks(exercise.checks, module, seconds)
    report(console, f"{name} cases against {subject}", exercise.checks, failures)
    total, passed = len(exercise.checks), len(exercise.checks) - len(failures)
    if failures:
        console.print(f"[bold]{passed}/{total} cases pass.[/] Fix the first failing one, run again. "
                      f"The rules are in lessons/{exercise.lesson}.md.")
        return 1
    console.print(f"[bold green]{passed}/{total} cases pass.[/]")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check an exercise against its cases.")
    parser.add_argument("exercise", nargs="?", choices=list(EXERCISES), help="which exercise (see --list)")
    parser.add_argument("--list", action="store_true", help="list the exercises, one per line")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--init", nargs="?", const=WORK, type=Path, metavar="DIR",
                       help="copy the empty exercise to DIR (default: lessons/exercises/mine/)")
    which.add_argument("--file", type=Path, help="grade this file (default: your copy in lessons/exercises/mine/)")
    which.add_argument("--solution", action="store_true", help="grade agentkit's own code instead of yours")
    parser.add_argument("--seconds", type=float, default=SECONDS_PER_CASE,
                        help="time limit per case (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.list:
        print(list_exercises())
        return 0
    if args.exercise is None:
        parser.error("name an exercise, or use --list to see them")
    exercise = EXERCISES[args.exercise]
    if args.init is not None:
        return init(args.exercise, args.init)

    console = Console()  # the learner's own width: the table folds its cells to fit 80 columns
    if args.solution:
        if exercise.solution is None:
            print(f"agentkit has no function in the {args.exercise} exercise's shape; "
                  f"lessons/{exercise.lesson}.md names the code it teaches.", file=sys.stderr)
            return 2
        return grade(args.exercise, exercise.solution(), "agentkit's own code", args.seconds, console)
    path = args.file or learner_file(args.exercise)
    if args.file is None and not path.exists():
        print(not_started(args.exercise), file=sys.stderr)
        return 2
    try:
        module = load_module(path, exercise.needs)
    except ExerciseFileError as problem:
        print(problem, file=sys.stderr)
        return 1
    return grade(args.exercise, module, str(path), args.seconds, console)


if __name__ == "__main__":
    sys.exit(main())

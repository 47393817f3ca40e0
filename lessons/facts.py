"""Numbers that cannot go stale: a lesson prints its facts, its text quotes them, a test compares the two.

A lesson prints each number its text quotes, through `fact()`, one line each:

    fact prompt_tokens = 13        a count: the same on every run, so the text must quote it exactly
    fact ttft_short_ms ~ 25        a time: it varies from run to run and machine to machine, so the
                                   text says "about" and the check asks only that the run measured it
    fact train_s ? skipped         not measured: the part that measures it did not run (an optional
                                   extra is missing), so the text's quote is not checked this time

Its text (NN_name.md) quotes the number right after an invisible marker:

    a <!-- fact prompt_tokens -->13-token prompt, TTFT about <!-- fact ttft_short_ms -->25 ms

The runner adds one fact of its own, `run_s ~`, the lesson's wall time (unless the
lesson printed `fact run_s ? ...`: a run that skipped a part says nothing about the whole).
tests/test_lessons.py runs every lesson and fails on every count that disagrees
with the run and on every quote of a fact the run no longer prints. A quoted time is
not held to a range: it is what one run measured on the machine that wrote the text,
and a test that held another machine to it would be a timed test (CI's quiet machine
decoded toy-moe at 104 tok/s where the text, written on a loaded one, said 22).
When the toy models change, every count changes with them:

    python lessons/facts.py --update           # run every lesson, rewrite the quoted numbers in every text
    python lessons/facts.py --update 05 18     # only the lessons whose names start so

It also regenerates the course map in lessons/README.md (lessons/course_map.py).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel

LESSONS = Path(__file__).resolve().parent
REPO_ROOT = LESSONS.parent
# Narrow enough to be read in any terminal: every line a lesson prints must fit.
COLUMNS = 80

FACT_LINE = re.compile(r"^fact (?P<name>[\w.]+) (?P<kind>[=~?]) (?P<value>\S+)$", re.MULTILINE)
NUMBER = r"-?\d[\d,]*(?:\.\d+)?"
QUOTE = re.compile(rf"<!-- fact (?P<name>[\w.]+) -->(?P<value>{NUMBER})")


class Fact(BaseModel):
    """One number a lesson printed."""

    name: str
    """What it is, as the lesson's text names it in its marker."""
    value: str
    """The number as printed (thousands separators allowed): the text quotes these characters."""
    timing: bool
    """True for a time: it varies from run to run and machine to machine, so only its presence is checked."""
    skipped: bool = False
    """True when the lesson did not measure it this run (`fact NAME ? why`): its quotes are not checked."""


def fact(name: str, value: object, *, timing: bool = False) -> None:
    """Print one fact on a line of its own, where the test and `--update` find it."""
    print(f"fact {name} {'~' if timing else '='} {value}", flush=True)


def not_measured(*names: str) -> None:
    """Say that this run did not measure these facts (a part of the lesson was skipped)."""
    for name in names:
        print(f"fact {name} ? not-measured", flush=True)


def read_facts(stdout: str) -> dict[str, Fact]:
    """Every fact line of a lesson's output, by name (a fact printed twice keeps its last value)."""
    return {m["name"]: Fact(name=m["name"], value=m["value"], timing=m["kind"] == "~", skipped=m["kind"] == "?")
            for m in FACT_LINE.finditer(stdout)}


def _is_number(text: str) -> bool:
    return re.fullmatch(NUMBER, text) is not None


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def disagreements(text: str, facts: dict[str, Fact]) -> list[str]:
    """One line for each number the text quotes that the run did not print, or printed differently."""
    problems = []
    for quote in QUOTE.finditer(text):
        name, quoted = quote["name"], quote["value"]
        printed = facts.get(name)
        if printed is not None and printed.skipped:
            continue
        if printed is None:
            problems.append(f"the text quotes fact {name} ({quoted}), but the lesson printed no such fact")
        elif not _is_number(printed.value):
            problems.append(f"fact {name}: the lesson printed {printed.value!r}, not a number")
        elif not printed.timing and _number(quoted) != _number(printed.value):
            problems.append(f"fact {name}: the text says {quoted}, the lesson printed {printed.value}")
    return problems


def rewrite(text: str, facts: dict[str, Fact]) -> str:
    """The text with every quoted number replaced by what the run printed (unknown names are left alone)."""
    def fresh(quote: re.Match) -> str:
        printed = facts.get(quote["name"])
        if printed is None or not _is_number(printed.value):
            return quote[0]
        return f"<!-- fact {quote['name']} -->{printed.value}"
    return QUOTE.sub(fresh, text)


def lesson_scripts() -> list[Path]:
    """Every lesson script, found by name, so a new or renumbered lesson needs no list edited."""
    return sorted(LESSONS.glob("[0-9][0-9]_*.py"))


def run_lesson(script: Path, tmp: Path, timeout_s: float) -> tuple[subprocess.CompletedProcess, float]:
    """Run one lesson as a learner does, at COLUMNS wide; its output and its wall time in seconds."""
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
           "COLUMNS": str(COLUMNS),
           # The lesson's temporary files land where the caller can see what it leaves behind.
           "TMPDIR": str(tmp)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(script.relative_to(REPO_ROOT))], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout_s, stdin=subprocess.DEVNULL)
    return done, time.perf_counter() - started


def facts_of_run(stdout: str, wall_s: float) -> dict[str, Fact]:
    """The lesson's own facts plus the runner's: how long the whole lesson took."""
    # Whole seconds, except for a lesson that takes about one: "0 s" would say it took no time.
    seconds = f"{wall_s:.0f}" if wall_s >= 10 else f"{wall_s:.1f}"
    printed = read_facts(stdout)
    if "run_s" in printed and printed["run_s"].skipped:
        return printed
    return {**printed, "run_s": Fact(name="run_s", value=seconds, timing=True)}


def update(prefixes: list[str], timeout_s: float) -> int:
    """Run the lessons, rewrite their texts' quoted numbers, regenerate the course map."""
    # Imported here: course_map reads the texts this function has just rewritten.
    from course_map import write_course_map

    scripts = [s for s in lesson_scripts() if not prefixes or s.name.startswith(tuple(prefixes))]
    if not scripts:
        print(f"no lesson matches {' '.join(prefixes)}: give the start of a name, e.g. 05 or 05_thinking",
              file=sys.stderr)
        return 2
    failed = []
    for script in scripts:
        with tempfile.TemporaryDirectory(prefix="facts-") as tmp:
            done, wall_s = run_lesson(script, Path(tmp), timeout_s)
        if done.returncode != 0:
            failed.append(script.name)
            print(f"{script.name}: exited {done.returncode}, its text is left as it was\n"
                  f"{done.stderr[-1500:]}", file=sys.stderr)
            continue
        text_path = script.with_suffix(".md")
        text = text_path.read_text(encoding="utf-8")
        facts = facts_of_run(done.stdout, wall_s)
        new = rewrite(text, facts)
        # What is still wrong after the rewrite cannot be fixed by a number: a quote names a fact
        # the lesson no longer prints, or the lesson printed something that is not a number.
        left = disagreements(new, facts)
        text_path.write_text(new, encoding="utf-8")
        changed = sum(a != b for a, b in zip(QUOTE.findall(text), QUOTE.findall(new)))
        print(f"{script.name}: {wall_s:.0f} s, {len(facts)} facts, {changed} quoted number(s) rewritten"
              + "".join(f"\n  still wrong, fix by hand: {problem}" for problem in left))
        failed += [script.name] if left else []
    write_course_map()
    print("lessons/README.md: course map regenerated")
    if failed:
        print(f"not brought up to date: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description="Check or rewrite the numbers the lesson texts quote.")
    parser.add_argument("--update", action="store_true", help="run the lessons and rewrite their quoted numbers")
    parser.add_argument("lessons", nargs="*", help="only lessons whose file names start with these (05, 21_measuring)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds one lesson may take (default: 600)")
    args = parser.parse_args()
    if not args.update:
        parser.print_help()
        print("\nThe check itself runs in the test suite: pytest -m server tests/test_lessons.py")
        return 0
    return update(args.lessons, args.timeout)


if __name__ == "__main__":
    sys.exit(main())

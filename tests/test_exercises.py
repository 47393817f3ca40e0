"""The check command: it passes a correct parser, and names exactly the cases a parser gets wrong.

Run as the learner runs it (`python lessons/exercises/check.py ...`), in a
subprocess. No server: the cases are strings.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
EXERCISES = REPO_ROOT / "lessons" / "exercises"
CASE_COUNTS = {"hermes": 17, "xml": 21}


def check(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
           "COLUMNS": "250"}
    return subprocess.run([sys.executable, "lessons/exercises/check.py", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def results(stdout: str) -> dict[str, str]:
    """{case name: "pass" | "FAIL"} from the report table."""
    rows = re.findall(r"│\s*\d+\s*│\s*(.+?)\s*│\s*(pass|FAIL)\s*│", stdout)
    return dict(rows)


@pytest.mark.parametrize("exercise", sorted(CASE_COUNTS))
def test_the_kits_parser_passes_every_case(exercise):
    done = check(exercise, "--solution")
    total = CASE_COUNTS[exercise]
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{total}/{total} cases pass" in done.stdout
    assert set(results(done.stdout).values()) == {"pass"} and len(results(done.stdout)) == total


@pytest.mark.parametrize("exercise", sorted(CASE_COUNTS))
def test_the_untouched_stubs_fail_every_case(exercise):
    done = check(exercise)
    total = CASE_COUNTS[exercise]
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"0/{total} cases pass" in done.stdout
    assert "NotImplementedError" in done.stdout and "hint:" in done.stdout
    assert set(results(done.stdout).values()) == {"FAIL"} and len(results(done.stdout)) == total


def lesson_code(lesson: str, stub: str) -> str:
    """The exercise file with its stubs replaced by the functions the lesson text shows."""
    text = (REPO_ROOT / "lessons" / lesson).read_text(encoding="utf-8")
    blocks = [block for block in re.findall(r"```python\n(.*?)```", text, re.S) if re.search(r"^def ", block, re.M)]
    prelude = (EXERCISES / stub).read_text(encoding="utf-8").split("\ndef ")[0]
    # Functions the text does not show (given helpers) stay as the stub file has them.
    shown = {name for block in blocks for name in re.findall(r"^def (\w+)", block, re.M)}
    given = [f"def {part}" for part in (EXERCISES / stub).read_text(encoding="utf-8").split("\ndef ")[1:]
             if part.split("(")[0] not in shown and "NotImplementedError" not in part]
    return "\n\n".join([prelude, *given, *blocks])


def test_the_lesson_03_code_passes_the_happy_path_and_leaves_the_recoveries(tmp_path):
    # The code lesson 03 shows, typed into the exercise file, must run, and the
    # check must point at exactly the cases the lesson leaves to the learner.
    learner = tmp_path / "hermes_parser.py"
    learner.write_text(lesson_code("03_hermes_parser.md", "hermes_parser.py"))
    done = check("hermes", "--file", str(learner))
    assert done.returncode == 1
    failing = {name for name, result in results(done.stdout).items() if result == "FAIL"}
    assert failing == {
        "arguments as a string", '"parameters" instead of "arguments"', "Python literal",
        "cut off by max_tokens", "a call, then one cut off", "arguments not an object", "no function name",
    }
    assert "10/17 cases pass" in done.stdout
    assert "raised KeyError: 'name'" in done.stdout  # a crash is reported as the case's result


def test_the_lesson_04_code_passes_the_happy_path_and_leaves_the_types_and_the_drift(tmp_path):
    learner = tmp_path / "xml_parser.py"
    learner.write_text(lesson_code("04_xml_dialect.md", "xml_parser.py"))
    done = check("xml", "--file", str(learner))
    assert done.returncode == 1
    passing = {name for name, result in results(done.stdout).items() if result == "pass"}
    assert passing == {"well-formed", "a string that looks like a number", "enum member", "multi-line value",
                       "parallel calls", "value that does not fit the schema"}
    assert "6/21 cases pass" in done.stdout
    # The lazy regex cuts every value that holds markup, and the check says why.
    failing = {name for name, result in results(done.stdout).items() if result == "FAIL"}
    assert {"markup inside a value", "a line that looks like the end of a value",
            "an example call inside a value"} <= failing
    assert "a </parameter> ends a value only when" in " ".join(done.stdout.split()).replace("│ ", "")


def test_a_parser_that_never_returns_fails_its_cases_instead_of_hanging(tmp_path):
    learner = tmp_path / "loops.py"
    learner.write_text("def parse_tool_calls(text):\n    while '<tool_call>' in text:\n        pass\n"
                       "    return [], []\n")
    done = check("hermes", "--file", str(learner), "--seconds", "0.2")
    assert done.returncode == 1
    assert "took longer than 0.2 s" in done.stdout
    assert results(done.stdout)["JSON outside <tool_call>"] == "pass"  # no tag, no loop, and nothing to find


def test_a_wrong_return_shape_and_a_broken_file_are_explained(tmp_path):
    shape = tmp_path / "shape.py"
    shape.write_text("def parse_tool_calls(text, tools):\n    return []\n")
    done = check("xml", "--file", str(shape))
    assert done.returncode == 1 and "expected a tuple (calls, codes) of two lists" in done.stdout

    broken = tmp_path / "broken.py"
    broken.write_text("def parse_tool_calls(text:\n")
    done = check("xml", "--file", str(broken))
    assert done.returncode == 1 and "does not import" in done.stderr and "SyntaxError" in done.stderr


def test_types_are_compared_strictly(tmp_path):
    # "3" for an integer parameter, or 3.0 for 3, is a different value to a tool.
    learner = tmp_path / "strings.py"
    learner.write_text(
        "import re\n"
        "def parse_tool_calls(text, tools):\n"
        "    calls = []\n"
        "    for block in re.findall(r'<function=(\\w+)>(.*?)</function>', text, re.S):\n"
        "        args = dict(re.findall(r'<parameter=(\\w+)>\\n(.*?)\\n</parameter>', block[1], re.S))\n"
        "        calls.append({'name': block[0], 'arguments': args})\n"
        "    return calls, []\n")
    outcome = results(check("xml", "--file", str(learner)).stdout)
    assert outcome["well-formed"] == "pass"
    assert outcome["integer and boolean by schema"] == "FAIL"
    assert outcome["number by schema"] == "FAIL"

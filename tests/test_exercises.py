"""The exercises and their check command: each stub fails with a hint, a right answer passes, a wrong one is named.

Learners work on copies (`check.py NAME --init`), so nothing here depends on
what they write. The reference solutions and the plausible wrong ones are in
tests/exercise_solutions/. Most tests call `check.main` in-process (the
graders need no server: the agents run on `ScriptedClient`); the command line
itself (`--list`, `--init`, the default copy, a broken file) runs in a
subprocess, on a copy of lessons/exercises/ so the learner's own copies are
never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
EXERCISES = REPO_ROOT / "lessons" / "exercises"
SOLUTIONS = Path(__file__).resolve().parent / "exercise_solutions"
sys.path.insert(0, str(EXERCISES))
import check  # noqa: E402  (lessons/exercises/check.py)

CASE_COUNTS = {"hermes": 17, "xml": 21, "think": 9, "stream": 10, "react": 9, "guard": 8, "reflection": 6,
               "plan": 6, "diff": 8}
RIGHT = {"think": "think_split.py", "stream": "stream_splitter.py", "react": "react_loop.py",
         "guard": "repeat_guard.py", "reflection": "reflection_loop.py", "plan": "plan_execute.py",
         "diff": "decision_diff.py"}
# A plausible mistake per exercise, the case that catches it, and words the report must say about it.
WRONG = {
    "think": ("think_keeps_newline.py", "the prompt opened <think>",
              "got '\\n\\nHello! How can I help?': it keeps the whitespace around it"),
    "stream": ("stream_leaks_tag_prefix.py", "a tag cut between chunks",
               "'<tool_' may be the start of a tag; hold it back until the next chunk decides"),
    "react": ("react_first_call_only.py", "parallel calls",
              "expected 2 observations in step 1, got 1: did you run every tool call in the reply?"),
    "guard": ("repeat_guard_key_order.py", "key order does not matter",
              "the model was told nothing, expected after request 2: 'You called convert_units with the same "
              "arguments 2 times"),
    "reflection": ("reflection_json_loads.py", "a critique in a code fence",
                   "raised JSONDecodeError: Expecting value: line 1 column 1 (char 0) the reply wraps the JSON in a "
                   "sentence and a code fence"),
    "plan": ("plan_ignores_replan.py", "plan, execute, replan, synthesize",
             "the executor must run the replanned step"),
    "diff": ("diff_names_only.py", "one argument changed",
             "is 'same', expected 'args': the two calls share a tool and not their arguments: compare the arguments "
             "too, not only the tool names"),
}


# More mistakes in the ReAct loop: the run ends short, or a message is missing from the history.
REACT_WRONG = {
    "react_stops_after_call.py": ("one call, then the answer", "your loop made 1 request; expected 2 (did it stop "
                                  "after the tool call instead of sending the result back?)"),
    "react_drops_tool_message.py": ("one call, then the answer", "request 2 sent system, user, assistant; expected "
                                    "system, user, assistant, tool: missing the tool result after the assistant "
                                    "turn (send each result back with history.add_tool_result(call_id, "
                                    "result.content))"),
}


def grade(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("COLUMNS", "250")
    code = check.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def rows(stdout: str) -> dict[str, tuple[str, str]]:
    """{case name: (pass | FAIL, what the report says about it, wrapped lines joined)} from the report table."""
    found: dict[str, tuple[str, str]] = {}
    for block in re.split(r"^[├└].*$", stdout, flags=re.M):
        cells: list[list[str]] = []
        for line in block.splitlines():
            if line.startswith("│"):
                cells.append([cell.strip() for cell in line.strip("│").split("│")])
        if cells and cells[0][0].isdigit() and len(cells[0]) == 4:
            name = " ".join(c[1] for c in cells if c[1])
            detail = " ".join(" ".join(c[3] for c in cells if c[3]).split())
            found[name] = (cells[0][2], detail)
    return found


def test_every_exercise_is_counted_here():
    assert list(check.EXERCISES) == list(CASE_COUNTS)
    assert {name: len(e.checks) for name, e in check.EXERCISES.items()} == CASE_COUNTS


@pytest.mark.parametrize("name", list(CASE_COUNTS))
def test_the_untouched_stub_fails_every_case_with_a_hint(name, capsys, monkeypatch):
    code, out, _ = grade(capsys, monkeypatch, name, "--file", str(EXERCISES / check.EXERCISES[name].stub))
    total = CASE_COUNTS[name]
    assert code == 1, out
    assert f"0/{total} cases pass" in out
    found = rows(out)
    assert len(found) == total and {result for result, _ in found.values()} == {"FAIL"}
    assert all("NotImplementedError" in detail and "hint:" in detail for _, detail in found.values()), found


@pytest.mark.parametrize("name", list(RIGHT))
def test_a_correct_solution_passes_every_case(name, capsys, monkeypatch):
    code, out, _ = grade(capsys, monkeypatch, name, "--file", str(SOLUTIONS / RIGHT[name]))
    total = CASE_COUNTS[name]
    assert code == 0, out
    assert f"{total}/{total} cases pass" in out
    assert {result for result, _ in rows(out).values()} == {"pass"}


@pytest.mark.parametrize("name", list(WRONG))
def test_a_plausible_wrong_solution_fails_with_what_is_wrong(name, capsys, monkeypatch):
    file, case, words = WRONG[name]
    code, out, _ = grade(capsys, monkeypatch, name, "--file", str(SOLUTIONS / file))
    assert code == 1
    result, detail = rows(out)[case]
    assert result == "FAIL"
    assert " ".join(words.split()) in detail, detail


@pytest.mark.parametrize("file", list(REACT_WRONG))
def test_a_react_loop_that_ends_short_or_drops_a_message_is_told_which(file, capsys, monkeypatch):
    case, words = REACT_WRONG[file]
    code, out, _ = grade(capsys, monkeypatch, "react", "--file", str(SOLUTIONS / file))
    assert code == 1
    result, detail = rows(out)[case]
    assert result == "FAIL"
    assert " ".join(words.split()) in detail, detail
    # Too few requests is what the loop did, never a crash in the learner's code.
    assert "IndexError" not in out and "raised" not in detail, detail


@pytest.mark.parametrize("got, words", [
    (["system", "user", "tool", "assistant"], "out of order: message 3 is the tool result, expected the assistant turn"),
    (["system", "user", "assistant", "user"], "missing the tool result after the assistant turn, a user message in "
                                              "its place"),
    (["system", "user", "assistant", "assistant", "tool"], "an extra assistant turn after the assistant turn "
                                                           "(add each turn once)"),
    (["user", "assistant", "tool"], "missing the system prompt at the start"),
])
def test_a_wrong_role_sequence_names_what_is_missing_extra_or_out_of_order(got, words):
    import grade_agents

    said = grade_agents.roles_differ(2, ["system", "user", "assistant", "tool"], got)
    assert said.startswith(f"request 2 sent {', '.join(got)}; expected system, user, assistant, tool: ")
    assert words in said, said
    assert grade_agents.roles_differ(2, ["system", "user"], ["system", "user"]) is None


def test_reading_a_request_the_loop_never_made_fails_the_case_plainly():
    from agentkit.agents import AgentConfig
    from agentkit.client.scripted import text_turn
    from grade_agents import run_agent
    from grading import CaseFailure

    def asks_once(client, toolbox, task, config, tracer):
        return client.complete([{"role": "user", "content": task}])

    run = run_agent(asks_once, [text_turn("a"), text_turn("b")], AgentConfig())
    with pytest.raises(CaseFailure, match="your loop made 1 request; the case reads request 2"):
        run.sent(2)


@pytest.mark.parametrize("name", [name for name, e in check.EXERCISES.items() if e.solution is not None])
def test_the_kits_own_code_passes_every_case(name, capsys, monkeypatch):
    code, out, _ = grade(capsys, monkeypatch, name, "--solution")
    total = CASE_COUNTS[name]
    assert code == 0, out
    assert f"{total}/{total} cases pass" in out and {r for r, _ in rows(out).values()} == {"pass"}


def test_solution_says_so_when_the_kit_has_no_function_of_that_shape(capsys, monkeypatch):
    code, _, err = grade(capsys, monkeypatch, "stream", "--solution")
    assert code == 2 and "lessons/06_streaming.md" in err


# -- the command line, on a copy of lessons/exercises/ --------------------------------------


def run(script: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "250",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, str(script), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def exercises(tmp_path) -> Path:
    """A copy of lessons/exercises/ without anyone's work in it."""
    copy = tmp_path / "exercises"
    shutil.copytree(EXERCISES, copy, ignore=shutil.ignore_patterns("mine", "__pycache__"))
    return copy


def test_list_prints_one_exercise_per_line_name_first(exercises):
    done = run(exercises / "check.py", "--list", cwd=exercises)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(CASE_COUNTS)
    assert "lesson 05 (05_thinking.md)" in lines[2] and "lesson 18 (18_dense_vs_moe.md)" in lines[-1]


def test_init_copies_the_stub_out_grades_the_copy_and_never_overwrites_it(exercises):
    script = exercises / "check.py"
    started = run(script, "think", cwd=exercises)
    assert started.returncode == 2
    assert "No copy of the think exercise" in started.stderr and "check.py think --init" in started.stderr

    assert run(script, "think", "--init", cwd=exercises).returncode == 0
    work = exercises / "mine" / "think_split.py"
    assert work.read_text() == (exercises / "think_split.py").read_text()
    assert "0/9 cases pass" in run(script, "think", cwd=exercises).stdout

    shutil.copyfile(SOLUTIONS / "think_split.py", work)  # the learner solves it in their copy
    graded = run(script, "think", cwd=exercises)
    assert graded.returncode == 0 and "9/9 cases pass" in graded.stdout
    again = run(script, "think", "--init", cwd=exercises)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert work.read_text() == (SOLUTIONS / "think_split.py").read_text()
    assert "raise NotImplementedError" in (exercises / "think_split.py").read_text()  # the stub is untouched


def test_init_into_a_folder_of_your_choice(exercises, tmp_path):
    done = run(exercises / "check.py", "react", "--init", str(tmp_path / "my_work"), cwd=tmp_path)
    assert done.returncode == 0 and f"--file {tmp_path / 'my_work' / 'react_loop.py'}" in done.stdout
    graded = run(exercises / "check.py", "react", "--file", "my_work/react_loop.py", cwd=tmp_path)
    assert graded.returncode == 1 and "0/9 cases pass" in graded.stdout


def test_a_broken_file_and_a_missing_function_are_explained(exercises, tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("def parse_tool_calls(text:\n")
    done = run(exercises / "check.py", "xml", "--file", str(broken), cwd=tmp_path)
    assert done.returncode == 1 and "does not import" in done.stderr and "SyntaxError" in done.stderr
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    done = run(exercises / "check.py", "guard", "--file", str(empty), cwd=tmp_path)
    assert done.returncode == 1 and "defines no RepeatedCallGuard" in done.stderr


# -- the parser exercises: what the lessons' own code gets, and the strictness of the cases ----


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


def failing(out: str) -> set[str]:
    return {name for name, (result, _) in rows(out).items() if result == "FAIL"}


def test_the_lesson_03_code_passes_the_happy_path_and_leaves_the_recoveries(tmp_path, capsys, monkeypatch):
    # The code lesson 03 shows, typed into the exercise file, must run, and the
    # check must point at exactly the cases the lesson leaves to the learner.
    learner = tmp_path / "hermes_parser.py"
    learner.write_text(lesson_code("03_hermes_parser.md", "hermes_parser.py"))
    code, out, _ = grade(capsys, monkeypatch, "hermes", "--file", str(learner))
    assert code == 1
    assert failing(out) == {
        "arguments as a string", '"parameters" instead of "arguments"', "Python literal",
        "cut off by max_tokens", "a call, then one cut off", "arguments not an object", "no function name",
    }
    assert "10/17 cases pass" in out
    assert "raised KeyError: 'name'" in out  # a crash is reported as the case's result


def test_the_lesson_04_code_passes_the_happy_path_and_leaves_the_types_and_the_drift(tmp_path, capsys, monkeypatch):
    learner = tmp_path / "xml_parser.py"
    learner.write_text(lesson_code("04_xml_dialect.md", "xml_parser.py"))
    code, out, _ = grade(capsys, monkeypatch, "xml", "--file", str(learner))
    assert code == 1
    passing = {name for name, (result, _) in rows(out).items() if result == "pass"}
    assert passing == {"well-formed", "a string that looks like a number", "enum member", "multi-line value",
                       "parallel calls", "value that does not fit the schema"}
    assert "6/21 cases pass" in out
    # The lazy regex cuts every value that holds markup, and the check says why.
    failing = {name for name, (result, _) in rows(out).items() if result == "FAIL"}
    assert {"markup inside a value", "a line that looks like the end of a value",
            "an example call inside a value"} <= failing
    assert "a </parameter> ends a value only when" in " ".join(out.split()).replace("│ ", "")


def test_the_lesson_05_code_leaves_only_the_call_in_an_unclosed_think(tmp_path, capsys, monkeypatch):
    learner = tmp_path / "think_split.py"
    learner.write_text(lesson_code("05_thinking.md", "think_split.py"))
    code, out, _ = grade(capsys, monkeypatch, "think", "--file", str(learner))
    assert code == 1 and failing(out) == {"a call inside a think that never closes"}


def test_a_parser_that_never_returns_fails_its_cases_instead_of_hanging(tmp_path, capsys, monkeypatch):
    learner = tmp_path / "loops.py"
    learner.write_text("def parse_tool_calls(text):\n    while '<tool_call>' in text:\n        pass\n"
                       "    return [], []\n")
    code, out, _ = grade(capsys, monkeypatch, "hermes", "--file", str(learner), "--seconds", "0.2")
    assert code == 1
    assert "took longer than 0.2 s" in out
    assert rows(out)["JSON outside <tool_call>"][0] == "pass"  # no tag, no loop, and nothing to find


def test_a_wrong_return_shape_is_explained(tmp_path, capsys, monkeypatch):
    shape = tmp_path / "shape.py"
    shape.write_text("def parse_tool_calls(text, tools):\n    return []\n")
    code, out, _ = grade(capsys, monkeypatch, "xml", "--file", str(shape))
    assert code == 1 and "expected a tuple (calls, codes) of two lists" in out


def test_types_are_compared_strictly(tmp_path, capsys, monkeypatch):
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
    outcome = rows(grade(capsys, monkeypatch, "xml", "--file", str(learner))[1])
    assert outcome["well-formed"][0] == "pass"
    assert outcome["integer and boolean by schema"][0] == "FAIL"
    assert outcome["number by schema"][0] == "FAIL"


def test_a_failure_shows_where_two_long_values_differ():
    # Lesson 04's case 21: the values share their first 150 characters; cut at the start, both
    # printed the same and the learner could not see what their parser dropped.
    from grading import where_they_differ

    common = "Example:\n<tool_call>\n<function=get_forecast>\n" * 4
    want, have = where_they_differ([{"content": common + "Paris</tool_call>\nend"}], [{"content": common + "Paris"}])
    assert want != have and "</tool_call>\\nend" in want and have.endswith('Paris"}]')
    assert want.startswith("...") and have.startswith("...")
    # Short values are shown whole.
    assert where_they_differ([1, 2], [1, 3]) == ("[1, 2]", "[1, 3]")


def test_a_crash_is_blamed_on_the_file_it_last_passed_through(tmp_path):
    import grading

    learner = tmp_path / "mine.py"
    learner.write_text("def parse(text):\n    return {}['name']\n")
    module = grading.load_module(learner, ("parse",))
    # The learner's own KeyError is the case's result, with the line to look at.
    learners_bug = grading.Check("learner", lambda m: m.parse("x"))
    assert grading.run_check(learners_bug, module) == "raised KeyError: 'name' (your line 2)"
    # An IndexError in a grader's own code must not read as the learner's mistake.
    namespace: dict = {}
    exec(compile("def check(module):\n    return [][0]\n", str(EXERCISES / "grade_example.py"), "exec"), namespace)
    graders_bug = grading.run_check(grading.Check("grader", namespace["check"]), module)
    assert graders_bug.startswith("the grader itself failed (IndexError: list index out of range, "
                                  "grade_example.py line 2)"), graders_bug


def test_a_react_loop_without_the_served_dialect_is_told_why_the_cache_misses(tmp_path, capsys, monkeypatch):
    # The reference loop with its History built without `dialect`: in raw mode it echoes a Hermes
    # call parsed, as the XML template would write it, not as the model wrote it.
    right = (SOLUTIONS / "react_loop.py").read_text()
    learner = tmp_path / "react_loop.py"
    learner.write_text(right.replace(",\n                      dialect=served_dialect(client))", ")"))
    assert learner.read_text() != right
    code, out, _ = grade(capsys, monkeypatch, "react", "--file", str(learner))
    assert code == 1
    assert failing(out) == {"a call in the other format"}
    detail = " ".join(rows(out)["a call in the other format"][1].split())
    assert "build the History with dialect=served_dialect(client)" in detail, detail

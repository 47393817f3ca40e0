"""Suites: loading, per-task patterns, and the answer and call checkers."""

from __future__ import annotations

import pytest

from agentkit.harness.suite import (
    AnswerCheck,
    ExpectedCall,
    SuiteError,
    check_answer,
    check_calls,
    load_suite,
)


def test_default_suite_covers_what_the_comparison_needs():
    suite = load_suite("default")
    ids = {t.id for t in suite.tasks}
    assert {"weather-single", "weather-parallel", "chain-kelvin", "no-tool", "tool-error"} <= ids
    assert {t.pattern for t in suite.tasks} >= {"reflection", "plan"}
    assert any(len(turn) > 1 for t in suite.tasks for turn in (t.expect_calls or []))  # parallel calls
    assert any(len(t.expect_calls or []) > 1 for t in suite.tasks)  # a multi-step chain


def test_unknown_suite_names_the_known_ones():
    with pytest.raises(SuiteError) as error:
        load_suite("nope")
    assert "default" in error.value.fix


def test_contains_is_case_insensitive_and_needs_every_value():
    check = AnswerCheck(kind="contains", values=["Tokyo", "seoul"])
    assert check_answer(check, "tokyo is warm, Seoul is cold")
    assert not check_answer(check, "Tokyo is warm")
    assert not check_answer(check, None)


def test_exact_ignores_case_and_a_final_period():
    check = AnswerCheck(kind="exact", values=["Hello, Marta"])
    assert check_answer(check, "hello, marta.")
    assert not check_answer(check, "Hello, Marta! Nice day.")


@pytest.mark.parametrize("answer, ok", [("It is 293.15 K.", True), ("about 293.149", True), ("293.2 kelvin", False),
                                        ("1234 * 56 = 69,104", False), ("no number", False)])
def test_numeric_checks_any_number_within_tolerance(answer, ok):
    assert check_answer(AnswerCheck(kind="numeric", number=293.15, tolerance=0.01), answer) is ok


def test_numeric_reads_thousands_separators():
    assert check_answer(AnswerCheck(kind="numeric", number=69104, tolerance=0), "1234 * 56 = 69,104")


def test_calls_compare_per_turn_ignoring_order_within_a_turn():
    expected = [[ExpectedCall(name="get_weather", arguments={"city": "Tokyo"}),
                 ExpectedCall(name="get_weather", arguments={"city": "Seoul"})]]
    assert check_calls(expected, [[("get_weather", {"city": "Seoul"}), ("get_weather", {"city": "Tokyo"})]])
    # The same calls spread over two turns are a different decision.
    assert not check_calls(expected, [[("get_weather", {"city": "Tokyo"})], [("get_weather", {"city": "Seoul"})]])
    assert check_calls([[ExpectedCall(name="c", arguments={"value": 20})]], [[("c", {"value": 20.0})]])
    assert check_calls(None, []) is None
    assert check_calls([], []) is True and check_calls([], [[("x", {})]]) is False


# Answers recorded from real toy runs (fixtures/traces/toy_failure_*.jsonl and issue 11): each passed a checker once.
GARBLED = [
    ("weather-single", "It is 3°C and rainy invalid."),
    ("chain-kelvin", "It is 3°C and rainy invalid."),
    ("notes", "According to your note [coffee]: Coffee: brewed from the roa e.\n</think>\n\nCopied coffee]: Coffee: "
              "brewed from the roa e.\n</think>\n\ncoffee contains:  the roa e.csv, coffee."),
    ("notes", "According to your note [coffee]: Coffee: brewed from the roaeng seeds of Coffea plants."),
    ("notes", "According to your note [volcanoes]: A volcanoes: the Earth"),
    ("plan-difference", "Oslo is -6°C and Madrid is 11°C; together 5°C."),
    ("reflect-multiply", "17 * 23 = 401."),
]
# What a right answer looks like for the same checkers (the toys' own wording where they got it right).
RIGHT = [
    ("weather-single", "It is 12°C and partly cloudy in Paris."),
    ("chain-kelvin", "It is 293.15 kelvin in Denver (20°C)."),
    ("notes", "According to your note [coffee]: Coffee is brewed from the roasted seeds of Coffea plants."),
    ("plan-difference", "Oslo is -6°C and Madrid is 11°C; the difference is 17°C."),
    ("reflect-multiply", "17 * 23 = 391."),
    ("weather-parallel", "Tokyo: 27°C, rainy. Seoul: -10°C, snowy."),
]


@pytest.mark.parametrize("task_id, answer", GARBLED)
def test_every_garbled_toy_answer_is_rejected(task_id, answer):
    task = next(t for t in load_suite("default").tasks if t.id == task_id)
    assert not check_answer(task.check, answer)


@pytest.mark.parametrize("task_id, answer", RIGHT)
def test_right_answers_still_pass(task_id, answer):
    task = next(t for t in load_suite("default").tasks if t.id == task_id)
    assert check_answer(task.check, answer)


def test_values_match_whole_words_and_markup_never_passes():
    check = AnswerCheck(kind="contains", values=["12"])
    assert check_answer(check, "It is 12°C.") and check_answer(check, "It is 12.")
    assert not check_answer(check, "It is -12°C.") and not check_answer(check, "It is 120°C.")
    assert not check_answer(check, "It is 12.5°C.")
    assert not check_answer(check, "It is 12°C.</think>") and not check_answer(check, "<tool_call>12")


def test_every_default_task_states_its_facts():
    # A checker with nothing to check is fooled by any answer: each task names what a right answer says.
    for task in load_suite("default").tasks:
        assert task.check.values or task.check.kind == "numeric", task.id
        assert task.check.kind != "numeric" or task.check.number is not None, task.id


# --- a hostile suite is refused at load (issue 13) -----------------------------

def _suite_file(tmp_path, **task):
    import json

    fields = {"id": "t1", "prompt": "hi", "tools": ["calculator"]} | task
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps({"name": "hostile", "tasks": [fields]}))
    return path


@pytest.mark.parametrize("task,field,words", [
    ({"files": {"../escape.txt": "x"}}, "tasks[0].files", "'../escape.txt' is not a relative path"),
    ({"files": {"/tmp/abs.txt": "x"}}, "tasks[0].files", "'/tmp/abs.txt' is not a relative path"),
    ({"files": {"a/../../b": "x"}}, "tasks[0].files", "is not a relative path"),
    ({"files": {"C:\\\\x": "x"}}, "tasks[0].files", "is not a relative path"),
    ({"id": "../../etc/x"}, "tasks[0].id", "is not a plain name"),
    ({"id": "/tmp/x"}, "tasks[0].id", "is not a plain name"),
    ({"tools": ["rm_rf"]}, "tasks[0].tools", "no tool named 'rm_rf'"),
])
def test_a_hostile_suite_is_refused_with_one_line_naming_the_field(tmp_path, task, field, words):
    with pytest.raises(SuiteError) as error:
        load_suite(str(_suite_file(tmp_path, **task)))
    message = error.value.message
    assert "\n" not in message
    assert f"{field}: " in message and words in message


def test_repeated_task_ids_are_refused(tmp_path):
    import json

    path = tmp_path / "twice.json"
    task = {"id": "t1", "prompt": "hi", "tools": []}
    path.write_text(json.dumps({"name": "twice", "tasks": [task, task]}))
    with pytest.raises(SuiteError, match="repeated: t1"):
        load_suite(str(path))


def test_a_binary_suite_is_one_line(tmp_path):
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00garbage\x80")
    with pytest.raises(SuiteError, match="not a text file"):
        load_suite(str(path))


def test_the_example_tool_names_are_the_toolbox(tmp_path):
    from agentkit.tools import example_tools
    from agentkit.tools.examples import EXAMPLE_TOOL_NAMES

    assert tuple(example_tools(tmp_path).names) == EXAMPLE_TOOL_NAMES

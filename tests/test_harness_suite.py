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

"""The run verdict: each check catches the real toy failures and stays quiet on runs that went right."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentkit.agents import AgentConfig, AgentLimitError, run_agent
from agentkit.client.scripted import ScriptedClient, call_turn, text_turn
from agentkit.tools import ToolBox, example_tools
from agentkit.trace import Trace, Tracer, read_trace
from agentkit.trace.grounding import grounded_query, grounded_value, same_number, supported_number
from agentkit.trace.verdict import find_leaked_markup, judge

TRACES = Path(__file__).resolve().parent.parent / "fixtures" / "traces"
RIGHT_RUNS = ["react_weather_kelvin", "react_thinking_raw", "reflection_calculator", "plan_temperatures"]


def scripted_run(tmp_path: Path, task: str, *turns, tools=("get_weather", "calculator", "convert_units"),
                 pattern: str = "react", config: AgentConfig | None = None) -> Trace:
    toolbox = ToolBox(t for t in example_tools(tmp_path) if t.name in tools)
    tracer = Tracer()
    try:
        run_agent(pattern, ScriptedClient(list(turns)), toolbox, task, config or AgentConfig(), tracer)
    except AgentLimitError:
        pass  # the trace records the stop; the verdict must report it
    return Trace(events=tracer.events)


@pytest.mark.parametrize("name", RIGHT_RUNS)
def test_recorded_runs_that_went_right_get_no_problem(name):
    verdict = judge(read_trace(TRACES / f"{name}.jsonl"))
    assert verdict.problems == [] and verdict.status_line() == "finished · no problems found"


def test_the_real_tags_run_is_an_ungrounded_argument_not_ok():
    # toy-dense, thinking on: get_weather(city="Tags") for Paris, then "It is 3°C and rainy invalid."
    verdict = judge(read_trace(TRACES / "toy_failure_react_tags.jsonl"))
    assert [p.kind for p in verdict.problems] == ["ungrounded_argument"]
    problem = verdict.problems[0]
    assert problem.summary == 'ungrounded argument city="Tags"' and problem.argument == "city" and problem.step == 2
    assert verdict.status_line() == 'finished · 1 problem: ungrounded argument city="Tags"'
    assert "ok" not in verdict.status_line().split()


def test_the_real_think_leak_is_caught_in_the_answer():
    verdict = judge(read_trace(TRACES / "toy_failure_notes_think_leak.jsonl"))
    assert [p.kind for p in verdict.problems] == ["leaked_markup"]
    assert "</think>" in verdict.problems[0].evidence


def test_a_sum_of_earlier_results_is_grounded_lesson_16s_false_positive():
    # calculator(expression="-6 + 11") after Oslo -6 and Madrid 11: derived, not invented. The answer sums
    # where the task asked for a difference: that is the suite checker's to catch, not the verdict's.
    verdict = judge(read_trace(TRACES / "toy_failure_plan_difference.jsonl"))
    assert verdict.problems == []


@pytest.mark.parametrize("value, ok", [
    ("Paris", True), ("paris ", True), ("  PARIS", True), ("Tags", False), ("Par", False),
    ("celsius", True), ("°C", True), ("kelvin", True), ("fahrenheit", False),
    (12, True), (12.0, True), (-12, True), (285.15, False), ("12 + 273.15", True), ("-6 + 12", False),
    ("12 * 12", True), (None, True), (True, True),
])
def test_grounded_values(value, ok):
    sources = ["What is the weather in Paris in kelvin?",
               '{"city": "Paris", "temperature": 12, "unit": "celsius", "condition": "partly cloudy"}']
    assert grounded_value(value, sources) is ok


def test_a_search_query_is_grounded_by_one_seen_word():
    task = ["What do my notes say about volcanoes?"]
    assert grounded_query("volcano", task) and grounded_query("volcanoes eruptions", task)
    assert not grounded_query("Tnurrent me the", task) and not grounded_query("coffee", task)


def test_numbers_match_when_rounded_or_cut_not_when_changed():
    assert same_number("16.09", "16.0934") and same_number("16.0934", "16.09") and same_number("293.1", "293.15")
    assert same_number("69104", "69104.0") and same_number("-6", "6")
    assert not same_number("17", "16.0934") and not same_number("16.1", "16.2")
    # One step of arithmetic in an answer is allowed; 401 for 17 * 23 is no sum or difference of 17 and 23.
    assert supported_number("17", ["-6", "11"]) and supported_number("5", ["-6", "11"])
    assert not supported_number("401", ["What is 17 * 23?"])


def test_unit_names_ground_a_unit_argument(tmp_path):
    trace = scripted_run(tmp_path, "How far is 10 miles in kilometers?",
                         call_turn(("convert_units", {"value": 10, "from_unit": "mi", "to_unit": "km"})),
                         text_turn("10 miles is 16.09 km."))
    assert judge(trace).problems == []


def test_an_invented_number_in_the_answer_is_unsupported(tmp_path):
    trace = scripted_run(tmp_path, "What is 17 * 23?", text_turn("17 * 23 = 401."), tools=("calculator",))
    verdict = judge(trace)
    assert [p.summary for p in verdict.problems] == ["unsupported number 401 in the answer"]
    right = scripted_run(tmp_path, "What is 17 * 23?", call_turn(("calculator", {"expression": "17 * 23"})),
                         text_turn("17 * 23 = 391."), tools=("calculator",))
    assert judge(right).problems == []


def test_list_numbers_and_rounded_results_are_not_unsupported(tmp_path):
    trace = scripted_run(tmp_path, "Compare the weather in Tokyo and Seoul.",
                         call_turn(("get_weather", {"city": "Tokyo"}), ("get_weather", {"city": "Seoul"})),
                         text_turn("1. Tokyo: 27°C\n2. Seoul: -10°C\nTokyo is 37 degrees warmer."))
    assert judge(trace).problems == []


def test_a_tool_error_is_a_problem_until_retried_or_reported(tmp_path):
    ignored = scripted_run(tmp_path, "What is 17 / 0?", call_turn(("calculator", {"expression": "17 / 0"})),
                           text_turn("The answer is 17."), tools=("calculator",))
    assert [p.kind for p in judge(ignored).problems] == ["unrecovered_error"]
    reported = scripted_run(tmp_path, "What is 17 / 0?", call_turn(("calculator", {"expression": "17 / 0"})),
                            text_turn("I cannot compute 17 / 0: division by zero is undefined."),
                            tools=("calculator",))
    assert judge(reported).problems == []
    # The real toy's first call: get_weather has no kelvin unit; the retry without it works.
    retried = scripted_run(tmp_path, "Weather in Paris in kelvin?",
                           call_turn(("get_weather", {"city": "Paris", "unit": "kelvin"})),
                           call_turn(("get_weather", {"city": "Paris"})), text_turn("Paris: 12°C, partly cloudy."))
    assert judge(retried).problems == []


def test_a_guard_that_stops_the_run_is_no_answer(tmp_path):
    turns = [call_turn(("get_weather", {"city": "Paris"}))] * 3
    trace = scripted_run(tmp_path, "Weather in Paris?", *turns, config=AgentConfig(max_steps=2, max_repeats=5))
    verdict = judge(trace)
    assert [p.kind for p in verdict.problems] == ["no_answer"] and "max_steps" in verdict.problems[0].evidence
    assert verdict.status_line().startswith("stopped by a guard · 1 problem: no answer")


def test_an_answer_cut_by_max_tokens_is_reported(tmp_path):
    cut = text_turn("Paris is 12°C and").model_copy(update={"finish_reason": "length"})
    trace = scripted_run(tmp_path, "Weather in Paris?", call_turn(("get_weather", {"city": "Paris"})), cut)
    assert [p.kind for p in judge(trace).problems] == ["cut_answer"]


def test_a_killed_run_has_no_answer():
    events = read_trace(TRACES / "react_weather_kelvin.jsonl").events[:3]
    verdict = judge(Trace(events=events))
    assert verdict.status is None and verdict.status_line() == "unfinished · 1 problem: no answer (the trace has no run_end)"


@pytest.mark.parametrize("text", ["a </think> b", "<think>x", "<tool_call>{}", "x </tool_call>", "<function=f>",
                                  "<parameter=city>"])
def test_leaked_markup_is_found(text):
    assert find_leaked_markup(text)


def test_plain_answers_have_no_markup():
    assert find_leaked_markup("3 < 4 and 5 > 2; use <b>bold</b>") == []


# Recorded on today's hybrid toys for lesson 17 (fixtures/traces/record.sh, README there).
HYBRID_FAILURES = {
    "toy_failure_hybrid_thermometer": {"ungrounded_argument"},
    "toy_failure_hybrid_difference": set(),  # a wrong plan: only a checker that knows the task rejects it
    "toy_failure_hybrid_convert": {"unrecovered_error", "unsupported_number"},
    "toy_failure_hybrid_moe_loop": {"cut_answer", "ungrounded_argument", "unrecovered_error"},
}


@pytest.mark.parametrize("name", sorted(HYBRID_FAILURES))
def test_the_hybrid_toys_recorded_failures_are_judged_as_lesson_17_says(name):
    trace = read_trace(TRACES / f"{name}.jsonl")
    assert trace.start.model in ("toy-dense", "toy-moe") and trace.end.status == "ok"
    assert {problem.kind for problem in judge(trace).problems} == HYBRID_FAILURES[name]

"""Decision diff: alignment of two runs' decisions, first divergence, argument changes, outcomes."""

from __future__ import annotations

from pathlib import Path

from agentkit.harness.diff import (
    Decision,
    align,
    decision_key,
    decisions,
    describe_divergence,
    diff_decisions,
    outcome,
)
from agentkit.trace import (
    FinalAnswer,
    GuardEvent,
    RunEnd,
    RunStart,
    ToolCallEvent,
    Trace,
    read_trace,
)

ROOT = Path(__file__).resolve().parent.parent


def make_trace(calls: list[tuple[str, dict]], answer: str | None = "done", status: str = "ok") -> Trace:
    events = [RunStart(agent="react", task="t", model="m", tools=[], config={})]
    events += [ToolCallEvent(step=i + 1, call_id=str(i), name=n, arguments=a) for i, (n, a) in enumerate(calls)]
    if status == "stopped":
        events.append(GuardEvent(guard="max_steps", action="stopped", detail="too many"))
    if answer is not None:
        events.append(FinalAnswer(answer=answer))
    events.append(RunEnd(status=status, model_calls=1, tool_calls=len(calls), wall_s=1.0))
    return Trace(events=events)


def call(name: str, **arguments) -> Decision:
    return Decision(kind="call", name=name, arguments=arguments)


def test_decisions_are_calls_in_order_then_the_answer():
    trace = read_trace(ROOT / "fixtures" / "traces" / "plan_temperatures.jsonl")
    found = decisions(trace)
    assert [d.name for d in found[:-1]] == ["get_weather", "get_weather", "calculator"]
    assert found[-1].kind == "answer" and "6°C" in found[-1].text


def test_identical_runs_have_no_divergence():
    a = make_trace([("get_weather", {"city": "Paris"})], "12 C")
    diff = diff_decisions(a, make_trace([("get_weather", {"city": "Paris"})], "12 C"))
    assert diff.identical and [p.status for p in diff.pairs] == ["same", "same"]
    assert describe_divergence(diff) == "none: same decisions"


def test_same_tool_other_argument_lines_up_and_names_the_argument():
    a = make_trace([("get_weather", {"city": "Lisbon"}), ("convert_units", {"value": 34, "to_unit": "kelvin"})])
    b = make_trace([("get_weather", {"city": "If"}), ("convert_units", {"value": 34, "to_unit": "kelvin"})])
    diff = diff_decisions(a, b)
    assert [p.status for p in diff.pairs] == ["args", "same", "same"]
    assert diff.first_divergence == 0
    assert [(c.name, c.a, c.b) for c in diff.pairs[0].changes] == [("city", "Lisbon", "If")]
    assert describe_divergence(diff) == "step 1: get_weather city 'Lisbon' vs 'If'"


def test_an_extra_call_on_one_side_is_a_gap_not_a_shift():
    a = [call("get_weather", city="Tokyo"), call("get_weather", city="Seoul"), Decision(kind="answer", text="x")]
    b = [call("get_weather", city="Tokyo"), call("list_files"), call("get_weather", city="Seoul"),
         Decision(kind="answer", text="x")]
    assert [p.status for p in align(a, b)] == ["same", "only_b", "same", "same"]
    assert [p.status for p in align(b, a)] == ["same", "only_a", "same", "same"]


def test_different_tools_at_the_same_place_are_changed():
    pairs = align([call("calculator", expression="1+1")], [call("get_weather", city="Oslo")])
    assert [p.status for p in pairs] in (["changed"], ["only_a", "only_b"], ["only_b", "only_a"])


def test_a_missing_argument_is_a_change_and_ints_equal_floats():
    pairs = align([call("convert_units", value=20, to_unit="kelvin")], [call("convert_units", value=20.0)])
    assert pairs[0].status == "args"
    assert [(c.name, c.a, c.b) for c in pairs[0].changes] == [("to_unit", "kelvin", None)]


def test_empty_sequences_align_to_nothing_or_gaps():
    assert align([], []) == []
    assert [p.status for p in align([call("x")], [])] == ["only_a"]


def test_outcomes_distinguish_success_failure_guard_and_error():
    assert outcome(make_trace([], "ok"), passed=True) == "success"
    assert outcome(make_trace([], "wrong"), passed=False) == "failure"
    assert outcome(make_trace([], None, status="stopped"), passed=False) == "guard hit"
    assert outcome(make_trace([], None, status="error")) == "error"
    assert outcome(make_trace([], "x")) == "answered"
    assert outcome(Trace(events=[RunStart(agent="react", task="t", model="m", tools=[], config={})])) == "unfinished"


def test_decision_key_tells_repeats_apart():
    same = decision_key(make_trace([("a", {"x": 1})], "A"))
    assert same == decision_key(make_trace([("a", {"x": 1.0})], "a"))
    assert same != decision_key(make_trace([("a", {"x": 2})], "A"))


def test_trace_diff_prints_bracketed_citations_as_text():
    # "[coffee]" is a citation, not rich markup: the first-divergence line must keep it.
    import io

    from rich.console import Console

    from agentkit.harness.report_terminal import print_trace_diff

    a = make_trace([("search_notes", {"query": "coffee"})], "According to your note [coffee]: roasted.")
    b = make_trace([("search_notes", {"query": "coffee"})], "According to your note [coffee]: roa e.")
    out = io.StringIO()
    print_trace_diff(diff_decisions(a, b), "a", "b", Console(file=out, width=200))
    line = next(x for x in out.getvalue().splitlines() if x.startswith("first divergence"))
    assert line.count("[coffee]") == 2, line

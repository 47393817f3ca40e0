"""The harness offline: a suite through the real agents on scripted clients, checked, summarized, reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from agentkit.agents.config import AgentConfig
from agentkit.client.scripted import ScriptedClient, call_turn, text_turn
from agentkit.harness.report_html import render_html
from agentkit.harness.report_terminal import print_report
from agentkit.harness.run import run_suite
from agentkit.harness.suite import Suite
from agentkit.harness.summary import CompareSummary, RunSetup, build_summary
from agentkit.trace import read_trace
from agentkit.trace.turn import Timings, Turn, Usage

ROOT = Path(__file__).resolve().parent.parent

SUITE = Suite.model_validate({"name": "mini", "tasks": [
    {"id": "weather", "prompt": "Weather in Lisbon?", "tools": ["get_weather"],
     "expect_calls": [[{"name": "get_weather", "arguments": {"city": "Lisbon"}}]],
     "check": {"kind": "contains", "values": ["34"]}},
    {"id": "hello", "prompt": "Say hello to Marta.", "tools": ["calculator"], "expect_calls": [],
     "check": {"kind": "exact", "values": ["Hello, Marta!"]}},
]})


def timed(turn: Turn, start: float, ttft: float, total: float) -> Turn:
    """A scripted turn with client timings and usage, as a streamed request would have."""
    return turn.model_copy(update={
        "timings": Timings(request_start=start, ttft=ttft, gaps=[0.01, 0.02], total=total, decode_tps=80.0,
                           prefill_tps=400.0),
        "usage": Usage(prompt_tokens=300, completion_tokens=12, cached_tokens=100)})


def dense_client() -> ScriptedClient:
    return ScriptedClient([timed(call_turn(("get_weather", {"city": "Lisbon"})), 1000.0, 0.4, 0.6),
                           timed(text_turn("34°C and sunny in Lisbon."), 1001.0, 0.2, 0.5),
                           timed(text_turn("Hello, Marta!"), 1002.0, 0.3, 0.4)])


def moe_client() -> ScriptedClient:
    return ScriptedClient([timed(call_turn(("get_weather", {"city": "If"})), 2000.0, 0.2, 0.3),
                           timed(text_turn("It is cold in If."), 2000.5, 0.1, 0.2),
                           timed(text_turn("Hello, Marta!"), 2001.0, 0.1, 0.2)])


@pytest.fixture
def summary(tmp_path) -> CompareSummary:
    config = AgentConfig()
    runs = {"dense": run_suite(dense_client(), "dense", SUITE, config, tmp_path),
            "moe": run_suite(moe_client(), "moe", SUITE, config, tmp_path)}
    traces = {r.trace: read_trace(r.trace) for rs in runs.values() for r in rs}
    setup = RunSetup(suite="mini", pattern="react", thinking=False, repeats=1, agent_config=config.model_dump(),
                     models={"dense": "d", "moe": "m"}, versions={"mlx": "test"}, seed="none sent")
    return build_summary(setup, ["dense", "moe"], runs, traces)


def test_runs_are_traced_and_checked(summary, tmp_path):
    assert (tmp_path / "dense" / "weather-r0.jsonl").is_file() and (tmp_path / "moe" / "hello-r0.jsonl").is_file()
    weather = summary.tasks[0]
    assert weather.runs["dense"][0].outcome == "success" and weather.runs["dense"][0].calls_ok
    assert weather.runs["moe"][0].outcome == "failure" and weather.runs["moe"][0].calls_ok is False
    assert summary.passed == {"dense": 2, "moe": 1}
    assert summary.diverged == ["weather"]
    assert weather.diff.pairs[0].changes[0].b == "If"


def test_summary_numbers_come_from_the_traces(summary):
    dense = summary.models["dense"]
    assert dense.requests == 3 and dense.prompt_tokens == 900 and dense.cached_ratio == pytest.approx(1 / 3)
    assert dense.ttft_p50_ms == pytest.approx(300)
    # The timeline puts both tasks on one clock: the third request starts 2 s after the first.
    assert [round(r.start_s, 1) for r in summary.timeline["dense"]] == [0.0, 1.0, 2.0]
    assert CompareSummary.model_validate_json(summary.model_dump_json()) == summary


def test_terminal_report_shows_divergence_and_outcomes(summary):
    console = Console(record=True, width=200)
    print_report(summary, console)
    text = console.export_text()
    assert "step 1: get_weather city 'Lisbon' vs 'If'" in text
    assert "dense: 2/2 right, 0 problems found; moe: 1/2 right, 1 problem found" in text
    assert "Decisions differ on: weather" in text
    # The verdict's finding sits under the outcome, and the decision is marked where it was made.
    assert 'ungrounded argument city="If"' in text and "[ungrounded: city]" in text
    assert "TTFT p50 / p95 ms" in text


def test_terminal_report_fits_80_columns_without_cutting_a_cell(summary):
    # Where `agentkit compare` is usually read: a terminal of 80 columns.
    console = Console(record=True, width=80)
    print_report(summary, console)
    text = console.export_text()
    too_wide = [line for line in text.splitlines() if cell_len(line) > 80]
    assert too_wide == [], "lines wider than 80 columns:\n" + "\n".join(too_wide)
    assert "…" not in text, f"a cell was cut off:\n{text}"
    # Folding may break a line anywhere; what the report says must still be there.
    flat = " ".join(text.split())
    assert "step 1: get_weather city 'Lisbon' vs 'If'" in flat
    assert "dense: 2/2 right, 0 problems found; moe: 1/2 right, 1 problem found" in flat and "Decisions differ on: weather" in flat
    assert "get_weather(city='Lisbon')" in flat and "get_weather(city='If')" in flat


def test_html_report_is_self_contained_with_charts(summary):
    html = render_html(summary)
    assert html.count("<svg") == 3 and 'id="timeline"' in html
    assert "step 1: get_weather city &#39;Lisbon&#39; vs &#39;If&#39;" in html
    assert "ungrounded argument city=&#34;If&#34;" in html and "[ungrounded: city]" in html
    # No scripts and nothing fetched: the file opens offline.
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html


def test_a_run_that_fails_is_a_result_not_a_crash(tmp_path):
    # The script ends before the model answers: the agent's error ends the run, the suite goes on.
    runs = run_suite(ScriptedClient([call_turn(("get_weather", {"city": "Lisbon"}))]), "m", SUITE, AgentConfig(),
                     tmp_path)
    assert [r.outcome for r in runs] == ["error", "error"]
    assert read_trace(runs[0].trace).end.status == "error"


def test_trace_diff_command(tmp_path, summary):
    def agentkit(*args):
        return subprocess.run([sys.executable, "-m", "agentkit.cli", *args], capture_output=True, text=True, check=False,
                              cwd=ROOT, env={"COLUMNS": "160", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    differ = agentkit("trace", "diff", str(tmp_path / "dense" / "weather-r0.jsonl"),
                      str(tmp_path / "moe" / "weather-r0.jsonl"))
    assert differ.returncode == 1, differ.stderr
    assert "first divergence: step 1: get_weather city 'Lisbon' vs 'If'" in differ.stdout
    same = agentkit("trace", "diff", str(tmp_path / "dense" / "hello-r0.jsonl"), str(tmp_path / "moe" / "hello-r0.jsonl"))
    assert same.returncode == 0 and "none: same decisions" in same.stdout
    missing = agentkit("trace", "diff", str(tmp_path / "nope.jsonl"), str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "No trace at" in missing.stdout + missing.stderr


def test_repeats_are_pooled_and_changed_decisions_counted(tmp_path):
    one_task = SUITE.model_copy(update={"tasks": SUITE.tasks[:1]})
    client = ScriptedClient([timed(call_turn(("get_weather", {"city": "Lisbon"})), 0.0, 0.1, 0.2),
                             timed(text_turn("34 in Lisbon"), 1.0, 0.1, 0.2),
                             timed(call_turn(("get_weather", {"city": "Lisboa"})), 2.0, 0.3, 0.4),
                             timed(text_turn("34 in Lisboa"), 3.0, 0.1, 0.2)])
    runs = run_suite(client, "m", one_task, AgentConfig(), tmp_path, repeats=2)
    assert [(r.task, r.repeat) for r in runs] == [("weather", 0), ("weather", 1)]
    traces = {r.trace: read_trace(r.trace) for r in runs}
    setup = RunSetup(suite="s", pattern="react", thinking=False, repeats=2, agent_config={}, models={},
                     versions={}, seed="")
    summary = build_summary(setup, ["m", "n"], {"m": runs, "n": runs}, traces)
    row = summary.tasks[0]
    assert row.changed == {"m": 1, "n": 1} and row.metrics["m"].runs == 2
    assert summary.passed["m"] == 1  # Lisboa's call is not the expected call
    assert [round(r.start_s) for r in summary.timeline["m"]] == [0, 1]  # the timeline shows the first repeat only


def test_a_right_answer_from_an_ungrounded_call_is_not_right(tmp_path):
    # The answer passes the checker ("34"), but the call asked for a city the model was never told about.
    suite = SUITE.model_copy(update={"tasks": [SUITE.tasks[0].model_copy(update={"expect_calls": None})]})
    client = ScriptedClient([call_turn(("get_weather", {"city": "Lisbon"}), ("get_weather", {"city": "Tags"})),
                             text_turn("Lisbon: 34°C.")])
    [run] = run_suite(client, "m", suite, AgentConfig(), tmp_path)
    assert run.answer_ok and run.outcome == "failure"
    assert [p.summary for p in run.problems] == ['ungrounded argument city="Tags"']


@pytest.mark.parametrize("width", [80, 200])
def test_markup_in_names_is_printed_as_written(tmp_path, width):
    # "[/]" closes a rich style that was never opened: read as markup, it crashed the report.
    config = AgentConfig()
    dense, moe = "[/]dense", "moe[bold]"
    runs = {dense: run_suite(dense_client(), dense, SUITE, config, tmp_path),
            moe: run_suite(moe_client(), moe, SUITE, config, tmp_path)}
    traces = {r.trace: read_trace(r.trace) for rs in runs.values() for r in rs}
    setup = RunSetup(suite="[/]mini", pattern="react", thinking=False, repeats=1, agent_config=config.model_dump(),
                     models={dense: "[/]", moe: "m"}, versions={"mlx": "[/]"}, seed="none sent", chip="[/]")
    summary = build_summary(setup, [dense, moe], runs, traces)
    console = Console(record=True, width=width)
    print_report(summary, console)
    flat = " ".join(console.export_text().split())
    assert "[/]dense: 2/2 right" in flat and "suite '[/]mini'" in flat


def test_results_are_written_before_the_report_is_printed(summary, tmp_path, monkeypatch):
    from agentkit.harness import compare, report_terminal

    def broken(*args, **kwargs):
        raise RuntimeError("the terminal failed")

    monkeypatch.setattr(report_terminal, "print_report", broken)
    with pytest.raises(RuntimeError):
        compare.publish(summary, tmp_path / "out", Console(record=True))
    assert (tmp_path / "out" / "summary.json").is_file() and (tmp_path / "out" / "report.html").is_file()


def test_both_reports_say_a_comparison_stopped_early_and_what_did_not_run(summary):
    # Read later, from report.html or a reprinted report, a stopped comparison must not pass for a whole one.
    setup = summary.setup.model_copy(update={"stopped": "the server for moe was killed by SIGKILL",
                                             "not_run": {"dense": [], "moe": ["weather-r0", "math-r0"]}})
    stopped = summary.model_copy(update={"setup": setup})
    html = render_html(stopped)
    assert 'id="stopped"' in html and "This comparison stopped early:" in html
    assert "the server for moe was killed by SIGKILL" in html and "<b>moe</b> 2 (weather-r0, math-r0)" in html
    console = Console(record=True, width=80)
    print_report(stopped, console)
    flat = " ".join(console.export_text().split())
    assert "stopped early: the server for moe was killed by SIGKILL; not run: dense 0, moe 2" in flat
    # A whole comparison says nothing of the kind.
    assert 'id="stopped"' not in render_html(summary)
    console = Console(record=True, width=80)
    print_report(summary, console)
    assert "stopped early" not in console.export_text()

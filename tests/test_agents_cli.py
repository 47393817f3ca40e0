"""`agentkit run` and `agentkit trace show`: arguments, live output, saved traces, and a run killed midway."""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from holding_proxy import HoldingProxy

from agentkit.cli import main
from agentkit.serving.models import models_dir
from agentkit.trace import RunEnd, read_trace

REPO_ROOT = Path(__file__).resolve().parent.parent
HAVE_TOY = (models_dir() / "toy-dense").is_dir()
needs_toy = pytest.mark.skipif(not HAVE_TOY, reason="toy-dense is not in fixtures/models")


def agentkit(*args: str, **popen) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
           "COLUMNS": "200"}
    return subprocess.Popen([sys.executable, "-m", "agentkit.cli", *args], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def test_run_help_lists_the_patterns_and_options(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    for option in ("{react,reflection,plan}", "--thinking {on,off}", "--parser {server,raw}", "--trace", "--tools"):
        assert option in out


def test_an_unknown_tool_name_is_refused_before_any_server_starts(capsys, tmp_path):
    code = main(["run", "react", "hi", "--tools", "get_weather,teleport", "--workspace", str(tmp_path / "ws")])
    err = capsys.readouterr().err
    assert code == 2 and "No tool named 'teleport'" in err and "fix: pick from: get_weather, calculator" in err


def test_trace_show_renders_a_fixture_trace(capsys):
    path = REPO_ROOT / "fixtures" / "traces" / "react_weather_kelvin.jsonl"
    assert main(["trace", "show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "react · toy-dense" in out and "→ get_weather" in out and "summary" in out


def test_trace_show_ends_with_the_verdict_never_ok_for_a_failed_run(capsys):
    assert main(["trace", "show", str(REPO_ROOT / "fixtures" / "traces" / "toy_failure_react_tags.jsonl")]) == 0
    out = capsys.readouterr().out
    assert 'finished · 1 problem: ungrounded argument city="Tags"' in out
    assert "request 2: get_weather(city=\"Tags\")" in out
    assert main(["trace", "show", str(REPO_ROOT / "fixtures" / "traces" / "react_weather_kelvin.jsonl")]) == 0
    assert "finished · no problems found" in capsys.readouterr().out


def test_run_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    assert "exit codes:" in out and "1    the verdict found a problem" in out


def test_trace_show_of_a_missing_file_says_what_to_pass(capsys, tmp_path):
    assert main(["trace", "show", str(tmp_path / "nope.jsonl")]) == 2
    assert "No trace at" in capsys.readouterr().err


@pytest.fixture(scope="module")
def server():
    from agentkit.serving.server import ManagedServer

    with ManagedServer("toy-dense") as running:
        yield running


@pytest.mark.server
@needs_toy
def test_run_shows_the_run_live_and_saves_its_trace(server, tmp_path):
    trace_path = tmp_path / "run.jsonl"
    process = agentkit("run", "react", "What is 1234 * 56?", "--url", server.base_url, "--model", server.model_id,
                       "--tools", "calculator,convert_units", "--trace", str(trace_path),
                       "--workspace", str(tmp_path / "ws"))
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert '→ calculator(expression="1234 * 56")' in out and "← 69104" in out
    assert "react #1 · prompt" in out and f"trace: {trace_path}" in out
    trace = read_trace(trace_path)
    assert trace.start.tools == ["calculator", "convert_units"] and trace.end.status == "ok"
    assert "69104" in trace.events[-2].answer
    assert "finished · no problems found" in out


@pytest.mark.server
@needs_toy
def test_a_run_whose_verdict_finds_a_problem_exits_1(server, tmp_path):
    # A guard stop is a problem the verdict reports: one request allowed, the model needs two.
    trace_path = tmp_path / "stopped.jsonl"
    process = agentkit("run", "react", "What is 1234 * 56?", "--url", server.base_url, "--model", server.model_id,
                       "--tools", "calculator", "--max-steps", "1", "--trace", str(trace_path),
                       "--workspace", str(tmp_path / "ws"))
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert "stopped by a guard · 1 problem: no answer (guard max_steps stopped the run)" in out
    assert read_trace(trace_path).end.status == "stopped"


@contextlib.contextmanager
def _run_held_at_its_second_request(server, trace_path: Path, workspace: Path):
    """`agentkit run` on a three-request task, its second request held at a proxy: mid-run for as long as we like."""
    proxy = HoldingProxy(server.port, let_through=1)
    with proxy:
        process = agentkit("run", "react", "Add up the temperatures of Paris and Oslo.", "--url", proxy.base_url,
                           "--model", server.model_id, "--thinking", "on", "--trace", str(trace_path),
                           "--workspace", str(workspace))
        try:
            assert proxy.held.wait(60), "the run never sent its second request"
            yield process
        finally:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=30)


@pytest.mark.server
@needs_toy
def test_a_run_killed_midway_leaves_a_trace_whose_every_line_parses(server, tmp_path):
    trace_path = tmp_path / "killed.jsonl"
    with _run_held_at_its_second_request(server, trace_path, tmp_path / "ws") as process:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
    text = trace_path.read_text()
    assert text.endswith("\n")
    trace = read_trace(trace_path)  # strict: raises on any line that is not an event
    assert len(trace.events) == len(text.splitlines()) and trace.cut_line is None
    assert trace.events[0].type == "run_start" and len(trace.model_calls()) == 1
    assert trace.end is None  # killed: no chance to write run_end


@pytest.mark.server
@needs_toy
def test_sigterm_ends_the_run_cleanly_with_an_interrupted_run_end(server, tmp_path):
    trace_path = tmp_path / "stopped.jsonl"
    with _run_held_at_its_second_request(server, trace_path, tmp_path / "ws") as process:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        assert process.returncode == 130
    trace = read_trace(trace_path)
    assert len(trace.model_calls()) == 1  # the first request's record is kept
    assert isinstance(trace.end, RunEnd) and trace.end.status == "interrupted" and trace.events[-1] is trace.end

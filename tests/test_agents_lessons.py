"""Lesson checks that need no model: lesson 10 (tools) and lesson 16 offline (recorded traces, replay)."""

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_lesson(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
           "COLUMNS": "200", "TMPDIR": str(tmp)}  # its scratch folders land where the test can check them
    return subprocess.run([sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def test_lesson_10_shows_schema_validation_failures_and_the_sandbox(tmp_path):
    done = run_lesson("lessons/10_tools_from_functions.py", tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert '"name": "tip"' in out and '"enum": [' in out
    assert "parameter 'bill' expects number, got \"a lot\"" in out
    assert "error_kind=timeout" in out and "ZeroDivisionError" in out
    assert "Error: unknown tool 'tipp'" in out
    assert "leads outside the workspace (through a symlink)" in out and "is an absolute path" in out
    assert list(tmp_path.glob("agentkit-*")) == []


def test_lesson_16_offline_reads_renders_and_replays_the_recorded_traces(tmp_path):
    done = run_lesson("lessons/16_reading_a_trace.py", "--offline", tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "events: {'run_start': 1, 'model_call':" in out
    assert "react · toy-dense" in out and "summary" in out
    assert "get_weather.city = " in out
    # Step 3 is the package's verdict: the invented city is caught, a sum of earlier numbers is not invented.
    assert 'get_weather.city = "Tags": NOT in the task or any earlier result' in out
    assert 'calculator.expression = "-6 + 11": in the task or an earlier result' in out
    assert 'verdict: finished · 1 problem: ungrounded argument city="Tags"' in out
    assert "synthesize #1" in out and "in the model:" in out
    assert "message for message: True" in out
    assert "6. Does the model still answer" not in out
    assert list(tmp_path.glob("agentkit-*")) == []


def test_lesson_12_offline_shows_the_verdict_on_scripted_and_recorded_real_failures(tmp_path):
    done = run_lesson("lessons/12_guards.py", "--offline", tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "verdict: stopped by a guard · 1 problem: no answer (guard repeated_call stopped the run)" in out
    assert 'verdict: finished · 1 problem: ungrounded argument city="Tags"' in out
    assert "verdict: finished · 1 problem: markup in the answer: </think>" in out
    # The two the verdict cannot see are caught by a checker that knows the task; none of the four passes one.
    assert out.count("a checker that wants") == 4 and out.count("rejects this answer") == 4
    assert "Limits, on the real model" not in out
    assert list(tmp_path.glob("agentkit-*")) == []

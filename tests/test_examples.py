"""The four agent examples run unattended on toy-dense and get every one of their own checks right."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agentkit.serving.models import models_dir

REPO_ROOT = Path(__file__).resolve().parent.parent
CHECKED = re.compile(r"checked: (\d+)/(\d+) ")

EXAMPLES = [
    ("weather_units.py",),
    ("weather_units.py", "--pattern", "reflection"),
    # Its check needs a fact of the cited note, not only the citation: today's toy-dense cites the right
    # note and garbles the sentence it quotes in all three answers (toy-moe gets 2-3 of 3), so it is expected
    # to fail until the toys are retrained; strict, so a retrain that fixes it turns this red: drop the mark then.
    pytest.param(("notes_researcher.py",), marks=pytest.mark.xfail(
        strict=True, reason="toy-dense garbles the notes it cites (fixtures/traces/toy_failure_notes_volcanoes.jsonl)")),
    ("workspace_agent.py",),
    ("planner.py",),
]


def run_example(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
           "COLUMNS": "200"}
    return subprocess.run([sys.executable, f"examples/{args[0]}", *args[1:]], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.mark.server
@pytest.mark.skipif(not (models_dir() / "toy-dense").is_dir(), reason="toy-dense is not in fixtures/models")
@pytest.mark.parametrize("command", EXAMPLES, ids=lambda c: " ".join(c))
def test_example_runs_unattended_and_gets_answers_right(command):
    done = run_example(*command)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    right, total = map(int, CHECKED.search(done.stdout).groups())
    # Each pattern must complete its example tasks on toy-dense (thinking off, the
    # examples' default). A miss here after a retrain is a regression of the toys:
    # compare with the model card's table before changing a task.
    assert total >= 3 and right == total, done.stdout[-4000:]
    assert "→ " in done.stdout and "answer" in done.stdout  # the live view showed tool calls and answers


@pytest.mark.server
@pytest.mark.skipif(not (models_dir() / "toy-dense").is_dir(), reason="toy-dense is not in fixtures/models")
def test_workspace_agent_keeps_an_explicit_workspace(tmp_path):
    done = run_example("workspace_agent.py", "--workspace", str(tmp_path / "ws"),
                       "--task", "Write 'hello' to hi.txt.")
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "ws" / "agenda.txt").is_file()  # seeded, and not removed afterwards

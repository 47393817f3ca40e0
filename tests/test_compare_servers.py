"""compare and run against real servers: the model id sent with --url, and a server that dies mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agentkit.errors import ModelNotServedError
from agentkit.serving.endpoint import served_model_id
from agentkit.serving.server import ManagedServer
from lifecycle import find_server, group_alive, wait_for_port

pytestmark = [pytest.mark.server,
              pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes through /proc")]

REPO_ROOT = Path(__file__).resolve().parent.parent


def agentkit(*args: str, cwd: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "agentkit.cli", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "COLUMNS": "250", "PYTHONPATH": str(REPO_ROOT)}, **kwargs)


def test_url_sends_the_model_the_server_serves_and_refuses_others_at_once(tiny_model_dir, tmp_path):
    with ManagedServer(str(tiny_model_dir)) as server:
        # Not named: the model the server reports (mlx_lm lists it by its path), never a label.
        assert served_model_id(server.base_url, "k", None) == server.model_id
        assert served_model_id(server.base_url, "k", server.model_id) == server.model_id
        with pytest.raises(ModelNotServedError) as caught:
            served_model_id(server.base_url, "k", "toy-moe")
        assert server.model_id in caught.value.message and "--dense/--moe" in caught.value.fix

        started = time.monotonic()
        done = agentkit("compare", "--dense-url", server.base_url, "--moe-url", server.base_url,
                        "--moe", "toy-moe", "--out", str(tmp_path / "out"), cwd=tmp_path)
        out, err = done.communicate(timeout=120)
    assert done.returncode == 2
    assert "does not serve 'toy-moe'" in err and "Traceback" not in err
    assert time.monotonic() - started < 60  # failed before the dense half, not after it
    assert not (tmp_path / "out").exists()


def test_a_server_that_dies_mid_compare_stops_the_run_and_keeps_what_was_measured(tiny_model_dir, tmp_path):
    out_dir = tmp_path / "out"
    other = tmp_path / "same-model-other-name"
    other.symlink_to(tiny_model_dir)  # compare needs two labels
    tasks = len(json.loads((REPO_ROOT / "fixtures/suites/default.json").read_text())["tasks"])
    run = agentkit("compare", "--dense", str(tiny_model_dir), "--moe", str(other),
                   "--out", str(out_dir), cwd=tmp_path)
    try:
        _, pgid, port = find_server(run.pid)
        wait_for_port(port)
        deadline = time.monotonic() + 300
        while len(list(out_dir.rglob("*.jsonl"))) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        os.kill(pgid, signal.SIGKILL)  # the server alone dies, as the OOM killer would do it
        out, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 2, out + err
    assert "stopped early:" in out and "was killed by SIGKILL" in out and "log:" in out
    summary = json.loads((out_dir / "summary.json").read_text())
    stopped, not_run = summary["setup"]["stopped"], summary["setup"]["not_run"]
    assert stopped and "was killed by SIGKILL" in stopped
    label = summary["labels"][0]
    ran = summary["models"][label]["runs"]
    # Every task is either measured or listed as not run; none of the rest is counted as the model's error.
    assert ran + len(not_run[label]) == tasks and ran >= 1
    assert len(not_run[summary["labels"][1]]) == tasks
    assert not group_alive(pgid)


def test_run_names_the_dead_server_not_a_url_never_given(tiny_model_dir, tmp_path):
    trace = tmp_path / "t.jsonl"
    run = agentkit("run", "react", "What is 17 * 23?", "--model", str(tiny_model_dir), "--max-steps", "50",
                   "--workspace", str(tmp_path / "ws"), "--trace", str(trace), cwd=tmp_path)
    try:
        _, pgid, port = find_server(run.pid)
        wait_for_port(port)
        deadline = time.monotonic() + 120
        while not (trace.exists() and trace.read_text().count("\n") >= 2) and time.monotonic() < deadline:
            time.sleep(0.1)  # the run has started: its first events are written
        os.kill(pgid, signal.SIGKILL)
        out, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 2, out + err
    assert "The model server died during the run" in err and "was killed by SIGKILL" in err
    assert "--url" not in err and "Traceback" not in err

"""No server outlives agentkit: SIGTERM to any command that starts one, and agentkit's own death.

Real subprocesses and real mlx_lm.server processes. Each command gets its
SIGTERM as soon as its server listens, mid-work, the way `timeout` or a CI
cancel would send it; the server's whole process group must be gone after,
and the command must have said so in one line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lifecycle import find_server, group_alive, serving_port, wait_for_port, wait_until_gone

pytestmark = [pytest.mark.server,
              pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes through /proc")]

REPO_ROOT = Path(__file__).resolve().parent.parent
STOPPED_LINE = "SIGTERM received; stopped mlx_lm.server for"


def start_agentkit(*args: str, cwd: Path) -> subprocess.Popen:
    # Own session: the SIGTERM goes to agentkit alone, as `kill PID` sends it.
    return subprocess.Popen([sys.executable, "-m", "agentkit.cli", *args], cwd=cwd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "COLUMNS": "250", "PYTHONPATH": str(REPO_ROOT)})


COMMANDS = {
    "compare": lambda model, tmp: ["compare", "--dense", model, "--moe", _other_name(model, tmp),
                                   "--out", str(tmp / "out")],
    "bench": lambda model, tmp: ["bench", "speed", "--model", model, "--requests", "500", "--max-tokens", "256"],
    "chat": lambda model, tmp: ["chat", "--model", model],
    "run": lambda model, tmp: ["run", "react", "What is 17 * 23?", "--model", model, "--max-steps", "50",
                               "--workspace", str(tmp / "ws"), "--trace", str(tmp / "t.jsonl")],
}


def _other_name(model: str, tmp: Path) -> str:
    # compare needs two different labels; the same model under a second name will do.
    (tmp / "other").symlink_to(model)
    return str(tmp / "other")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_sigterm_stops_the_server_and_says_so(command, tiny_model_dir, tmp_path):
    agentkit = start_agentkit(*COMMANDS[command](str(tiny_model_dir), tmp_path), cwd=tmp_path)
    try:
        _, pgid, port = find_server(agentkit.pid)
        wait_for_port(port)
        agentkit.send_signal(signal.SIGTERM)
        out, err = agentkit.communicate(timeout=60)
    finally:
        if agentkit.poll() is None:
            agentkit.kill()
    assert agentkit.returncode == 130, err
    assert not group_alive(pgid), "the server's process group outlived agentkit"
    assert not serving_port(port)
    assert (out + err).count(STOPPED_LINE) == 1, out + err
    assert "Traceback" not in err


def test_sigkill_of_agentkit_stops_the_server_within_seconds(tiny_model_dir, tmp_path):
    agentkit = start_agentkit("serve", str(tiny_model_dir), cwd=tmp_path)
    _, pgid, port = find_server(agentkit.pid)
    wait_for_port(port)
    agentkit.kill()  # SIGKILL: no handler, no finally, no atexit
    _, err = agentkit.communicate(timeout=30)
    assert wait_until_gone(pgid, timeout=10), "the server outlived a SIGKILLed agentkit"
    assert err.count(f"agentkit (pid {agentkit.pid}) is gone; stopped mlx_lm.server for") == 1, err


PIPE_ONLY = """
import sys, threading, time
from agentkit.serving.server import ManagedServer
server = ManagedServer(sys.argv[1])
# Started from a thread, so no PR_SET_PDEATHSIG: only the closed pipe can tell the watchdog.
starter = threading.Thread(target=server.start)
starter.start()
starter.join()
print(server.server_pgid, server.port, flush=True)
time.sleep(600)
"""


def test_the_closed_pipe_alone_stops_the_server(tiny_model_dir, tmp_path):
    """The macOS path: no parent-death signal, only the pipe that closes when agentkit dies."""
    holder = subprocess.Popen([sys.executable, "-c", PIPE_ONLY, str(tiny_model_dir)], cwd=REPO_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        pgid, port = map(int, holder.stdout.readline().split())
        watchdog, _, _ = find_server(holder.pid)
        assert "--pdeathsig" not in Path(f"/proc/{watchdog}/cmdline").read_text()
        holder.kill()
        _, err = holder.communicate(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
    assert wait_until_gone(pgid, timeout=10), "the server outlived its parent without a parent-death signal"
    assert f"agentkit (pid {holder.pid}) is gone" in err


def test_a_server_started_in_a_thread_survives_the_thread(tiny_model_dir):
    # PR_SET_PDEATHSIG fires when the starting *thread* ends: a server started
    # in a worker thread must not die with that thread.
    from agentkit.serving.server import ManagedServer

    server = ManagedServer(str(tiny_model_dir))
    starter = threading.Thread(target=server.start)
    starter.start()
    starter.join()
    time.sleep(1.0)  # a parent-death signal would have arrived by now
    try:
        assert server.died() is None and group_alive(server.server_pgid)
    finally:
        server.stop()
    assert not group_alive(server.server_pgid)

"""ManagedServer and `agentkit serve` against a real mlx_lm.server.

Most tests use the random-weight tiny model from conftest.py, which starts in
about two seconds; the toy-model tests run once fixtures/models holds them.
"""

import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from openai import OpenAI

from agentkit.errors import PortInUseError, ServerNotReadyError, ServerStartError
from agentkit.serving.chat_template import TEMPLATE_NAMES
from agentkit.serving.models import TOY_MODELS, missing_model_files, models_dir
from agentkit.serving.server import ManagedServer, free_port

pytestmark = pytest.mark.server

# Subprocesses run from the repository root, so `python -m agentkit.cli` finds
# the package whether or not it is installed.
REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def temporary_files_in_tmp_path(tmp_path, monkeypatch):
    """Temporary server logs land in tmp_path, where a test can see which ones stay."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the same for `agentkit serve` in a subprocess


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by whoever adopted it) is not running.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def assert_stopped(server: ManagedServer) -> None:
    assert server.process.returncode is not None
    for group in (server.process.pid, server.server_pgid):  # the watchdog's, the server's
        with pytest.raises(ProcessLookupError):
            os.killpg(group, 0)  # nothing left in the process group
    assert not port_open(server.port)


def chat(server: ManagedServer, text: str = "hello", **kwargs):
    client = OpenAI(base_url=server.base_url, api_key="unused")
    return client.chat.completions.create(
        model=server.model_id, messages=[{"role": "user", "content": text}], max_tokens=4, **kwargs
    )


def test_start_answer_stop(tiny_model_dir, tmp_path):
    log_path = tmp_path / "logs" / "server.log"
    with ManagedServer(str(tiny_model_dir), log_path=log_path) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
        assert server.log_path == log_path
        client = OpenAI(base_url=server.base_url, api_key="unused")
        assert server.model_id in [model.id for model in client.models.list().data]
        response = chat(server)
        assert response.usage.completion_tokens == 4
        # The warm-up request went in before ours.
        assert server.log_tail(200).count("POST /v1/chat/completions") == 2
    assert_stopped(server)
    assert "Starting httpd" in log_path.read_text()  # the log outlives the server


def test_a_clean_stop_removes_the_temporary_log(tiny_model_dir, tmp_path):
    with ManagedServer(str(tiny_model_dir)) as server:
        assert server.log_path.parent == tmp_path
        assert "Starting httpd" in server.log_tail(200)
    assert_stopped(server)
    assert not server.log_path.exists()


def test_stops_after_an_exception_inside_with(tiny_model_dir):
    with pytest.raises(RuntimeError, match="boom"):
        with ManagedServer(str(tiny_model_dir)) as server:
            raise RuntimeError("boom")
    assert_stopped(server)


def test_stops_after_keyboard_interrupt_inside_with(tiny_model_dir):
    with pytest.raises(KeyboardInterrupt):
        with ManagedServer(str(tiny_model_dir)) as server:
            raise KeyboardInterrupt
    assert_stopped(server)


def test_two_servers_at_once(tiny_model_dir):
    with ManagedServer(str(tiny_model_dir)) as first, ManagedServer(str(tiny_model_dir)) as second:
        assert first.port != second.port
        assert chat(first).usage.completion_tokens == 4
        assert chat(second).usage.completion_tokens == 4
    assert_stopped(first)
    assert_stopped(second)


def test_busy_port_is_refused_before_starting(tiny_model_dir):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        server = ManagedServer(str(tiny_model_dir), port=port)
        with pytest.raises(PortInUseError) as caught:
            server.start()
    assert str(port) in caught.value.message
    assert "--port" in caught.value.fix
    assert server.process is None


def test_model_that_fails_to_load_shows_the_log(tiny_model_dir, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for item in tiny_model_dir.iterdir():
        (broken / item.name).symlink_to(item)
    (broken / "config.json").unlink()
    (broken / "config.json").write_text("{ not json")
    server = ManagedServer(str(broken))
    with pytest.raises(ServerStartError) as caught:
        server.start()
    assert "could not load the model" in caught.value.message
    assert "JSONDecodeError" in caught.value.message  # from the log tail
    assert "corrupt" in caught.value.fix
    assert_stopped(server)


def test_server_that_exits_at_start_reports_code_and_log(tiny_model_dir):
    server = ManagedServer(str(tiny_model_dir), extra_args=["--no-such-option"])
    with pytest.raises(ServerStartError) as caught:
        server.start()
    assert "exited with code 2" in caught.value.message
    assert "unrecognized arguments: --no-such-option" in caught.value.message
    assert server.process.returncode == 2
    # The message names the log, so the temporary log stays for the reader.
    assert str(server.log_path) in caught.value.message and server.log_path.exists()


def test_ready_timeout_cleans_up(tiny_model_dir):
    server = ManagedServer(str(tiny_model_dir), ready_timeout=0.01)
    with pytest.raises(ServerNotReadyError) as caught:
        server.start()
    assert "0.01 s" in caught.value.message
    assert "ready_timeout" in caught.value.fix
    assert_stopped(server)
    assert server.log_path.exists()  # its error message names the log too


def test_template_file_replaces_the_models_template(tiny_model_dir, tmp_path):
    template = tmp_path / "long.jinja"
    template.write_text(
        "<|im_start|>system\n" + "padding " * 100 + "<|im_end|>\n"
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
        "<|im_start|>assistant\n"
    )
    with ManagedServer(str(tiny_model_dir), template=str(template)) as server:
        assert chat(server).usage.prompt_tokens >= 100


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_kit_template_by_name(tiny_model_dir, name):
    with ManagedServer(str(tiny_model_dir), template=name) as server:
        assert chat(server).usage.completion_tokens >= 1


@pytest.mark.parametrize("name", TOY_MODELS)
def test_toy_model_serves(name):
    if missing_model_files(models_dir() / name):
        pytest.skip(f"{name} is not in {models_dir()} yet")
    with ManagedServer(name) as server:
        assert Path(server.model_id) == (models_dir() / name).resolve()
        assert chat(server).usage.completion_tokens >= 1


def test_atexit_stops_a_server_left_running(tiny_model_dir, tmp_path):
    script = (
        "import sys\nfrom agentkit.serving.server import ManagedServer\n"
        "server = ManagedServer(sys.argv[1])\nserver.start()\n"
        "print(server.port, server.process.pid, flush=True)\n"
        # Leaves without stop(): only the atexit guard can clean up.
    )
    done = subprocess.run([sys.executable, "-c", script, str(tiny_model_dir)],
                          capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    port, pid = map(int, done.stdout.split())
    assert not process_alive(pid)
    assert not port_open(port)
    assert not list(tmp_path.glob("agentkit-mlx-server-*"))  # a clean stop, so no log left


def read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _ctrl_c_as_in_a_terminal() -> None:
    """SIGINT back to its default in the child: a shell's background job (`cmd &`) starts with it
    ignored, and Python then leaves Ctrl-C ignored too, as it should; these tests are about a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_agentkit_serve_prints_url_and_stops_on_ctrl_c(tiny_model_dir):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "agentkit.cli", "serve", str(tiny_model_dir), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "COLUMNS": "250"}, cwd=REPO_ROOT, preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True).start()
    output = []
    try:
        while not any(line.startswith("Ctrl-C") for line in output):
            line = lines.get(timeout=60)
            assert line is not None, "agentkit serve ended early:\n" + "".join(output)
            output.append(line)
        url = f"http://127.0.0.1:{port}/v1"
        assert f"ready {url}\n" in output
        assert any(line.startswith("log: ") for line in output)
        with urllib.request.urlopen(url + "/models", timeout=5) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    while (line := lines.get(timeout=10)) is not None:
        output.append(line)
    # The one line that says what Ctrl-C stopped.
    assert output[-1].startswith("agentkit: SIGINT received; stopped mlx_lm.server for")
    assert "Traceback" not in "".join(output)
    assert not port_open(port)
    log = next(line for line in output if line.startswith("log: "))
    assert not Path(log.removeprefix("log: ").strip()).exists()  # stopped by the user: nothing to read


def test_doctor_sees_a_running_server(tiny_model_dir):
    with ManagedServer(str(tiny_model_dir)) as server:
        done = subprocess.run(
            [sys.executable, "-m", "agentkit.cli", "doctor", "--url", server.base_url],
            capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "250"},
            cwd=REPO_ROOT,
        )
    assert f"{server.base_url} serves {server.model_id}" in done.stdout
    assert "no answer" not in done.stdout


def test_ctrl_c_typed_in_a_terminal_stops_serve(tiny_model_dir):
    """In a real terminal Ctrl-C signals the whole foreground process group;
    the server sits in its own group, so `agentkit serve` alone handles it."""
    import pty
    import select

    port = free_port()
    pid, terminal = pty.fork()
    if pid == 0:  # the child: become `agentkit serve` on the pseudo-terminal
        _ctrl_c_as_in_a_terminal()
        os.chdir(REPO_ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "agentkit.cli", "serve",
                                  str(tiny_model_dir), "--port", str(port)])
    screen, status = b"", None
    try:
        while b"Ctrl-C to stop" not in screen:
            ready, _, _ = select.select([terminal], [], [], 60)
            assert ready, "agentkit serve printed nothing for 60 s:\n" + screen.decode()
            screen += os.read(terminal, 4096)
        assert port_open(port)
        os.write(terminal, b"\x03")  # what the terminal sends for Ctrl-C
        deadline = time.monotonic() + 60
        while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done[0] == pid, "agentkit serve did not stop within 60 s of Ctrl-C:\n" + screen.decode()
        status = done[1]
    finally:
        if status is None:  # the test failed before the child exited
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    while select.select([terminal], [], [], 1)[0]:
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # Linux reports EIO once the child side is closed
            break
        if not chunk:
            break
        screen += chunk
    os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"stopped" in screen
    assert not port_open(port)

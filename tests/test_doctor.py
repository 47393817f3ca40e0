"""The doctor's checks: the MLX probe, memory parsing, toy models, server reachability."""

import json
import socket
import stat
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agentkit.errors import BackendError
from agentkit.serving import doctor
from agentkit.serving.backend import probe_backend, require_backend
from agentkit.serving.doctor import (
    Check,
    check_server,
    check_toy_model,
    parse_meminfo,
    report,
    run_checks,
)

def closed_port_url() -> str:
    """The URL of a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


MEMINFO = """\
MemTotal:       24576000 kB
MemFree:         1000000 kB
MemAvailable:   20480000 kB
Buffers:          100000 kB
"""


def test_parse_meminfo_reads_total_and_available_in_bytes():
    assert parse_meminfo(MEMINFO) == (24576000 * 1024, 20480000 * 1024)


def test_parse_meminfo_without_available_field():
    assert parse_meminfo("MemTotal: 2048 kB\n") == (2048 * 1024, None)


def test_probe_finds_a_working_backend_in_this_interpreter():
    info = probe_backend(sys.executable)
    assert info.error is None
    assert info.backend in ("CPU", "Metal", "CUDA")
    assert info.mlx_version and info.mlx_lm_version
    assert require_backend(sys.executable) == info


def fake_python(tmp_path, script: str) -> str:
    """An executable standing in for a Python whose MLX is broken."""
    path = tmp_path / "python"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_backend_that_crashes_is_reported_with_the_install_fix(tmp_path):
    python = fake_python(
        tmp_path,
        """echo '{"mlx_version": "0.32.4", "mlx_lm_version": "0.32.2"}'\n"""
        "echo 'Illegal instruction' >&2\nexit 132\n",
    )
    with pytest.raises(BackendError) as caught:
        require_backend(python)
    assert "exit code 132" in caught.value.message
    assert "Illegal instruction" in caught.value.message
    assert "pip install" in caught.value.fix


def test_missing_mlx_lm_is_named(tmp_path):
    python = fake_python(
        tmp_path, """echo '{"mlx_version": "0.32.4", "mlx_lm_version": null}'\n"""
        """echo '{"backend": "CPU"}'\n""",
    )
    with pytest.raises(BackendError) as caught:
        require_backend(python)
    assert "mlx-lm is not installed" in caught.value.message


def test_install_hint_matches_the_platform(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert 'mlx[cpu]' in doctor.install_hint()
    monkeypatch.setattr(sys, "platform", "darwin")
    assert "mlx[cpu]" not in doctor.install_hint()
    assert "pip install mlx-lm" in doctor.install_hint()


def test_toy_model_check_fails_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTKIT_MODELS_DIR", str(tmp_path))
    check = check_toy_model("toy-dense")
    assert not check.ok and check.required
    assert "agentkit toy train" in check.fix


def test_toy_model_check_passes_on_a_complete_directory(tmp_path, monkeypatch, model_files):
    monkeypatch.setenv("AGENTKIT_MODELS_DIR", str(tmp_path))
    model_files(tmp_path / "toy-moe")
    check = check_toy_model("toy-moe")
    assert check.ok
    assert check.detail == str((tmp_path / "toy-moe").resolve())


class _ModelsHandler(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def models_endpoint():
    """A stand-in `/v1/models` endpoint; yields a function that sets its body."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ModelsHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_server_check_lists_served_models(models_endpoint, monkeypatch):
    body = json.dumps({"object": "list", "data": [{"id": "/models/toy-dense"}]}).encode()
    monkeypatch.setattr(_ModelsHandler, "body", body)
    check = check_server(models_endpoint, required=True)
    assert check.ok
    assert "/models/toy-dense" in check.detail


def test_server_check_tolerates_mlx_lm_empty_model_list(models_endpoint, monkeypatch):
    monkeypatch.setattr(_ModelsHandler, "body", b"")
    check = check_server(models_endpoint, required=True)
    assert check.ok
    assert "huggingface/hub" in check.detail


def test_server_check_fails_when_nothing_listens():
    check = check_server(closed_port_url(), required=False)
    assert not check.ok and not check.required
    assert "agentkit serve" in check.fix


def test_report_exit_code_follows_required_checks_only(capsys):
    passing = Check(name="Python", ok=True, detail="3.11")
    optional_failure = Check(name="Server", ok=False, required=False, detail="down", fix="start")
    required_failure = Check(name="mlx", ok=False, detail="[missing]", fix="pip install")
    assert report([passing, optional_failure]) == 0
    assert report([passing, required_failure]) == 1
    output = capsys.readouterr().out
    assert "[missing]" in output  # printed as text, not swallowed as rich markup
    assert "FAIL" in output and "warn" in output


def test_run_checks_covers_every_topic(monkeypatch, tmp_path):
    monkeypatch.setenv("AGENTKIT_MODELS_DIR", str(tmp_path))
    names = [check.name for check in run_checks(url=closed_port_url())]
    for expected in ("Python", "Platform", "MLX backend", "mlx", "mlx-lm", "Memory",
                     "Toy model toy-dense", "Toy model toy-moe", "Server"):
        assert expected in names

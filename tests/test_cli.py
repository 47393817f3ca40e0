"""The `agentkit` command line: parsing, error printing, and `doctor` end to end."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentkit.cli import build_parser, main
from agentkit.errors import ModelNotFoundError
from agentkit.serving.server import free_port

# Subprocesses run from the repository root, so `python -m agentkit.cli` finds
# the package whether or not it is installed.
REPO_ROOT = Path(__file__).resolve().parent.parent


def run_agentkit(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    # A wide fake terminal, so rich does not wrap the words the tests look for.
    env = {**os.environ, "COLUMNS": "250", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "agentkit.cli", *args],
        capture_output=True, text=True, timeout=120, env=env, cwd=REPO_ROOT,
    )


def test_help_lists_subcommands_without_importing_mlx():
    # Speed belongs in benchmarks; what keeps --help fast is checked instead: no mlx, no command module.
    probe = ("import sys; from agentkit.cli import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('mlx', 'mlx_lm', 'openai'))\n"
             "print('HEAVY', heavy)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          cwd=REPO_ROOT, env={**os.environ, "COLUMNS": "250"})
    assert done.returncode == 0, done.stderr
    assert "serve" in done.stdout and "doctor" in done.stdout
    assert "HEAVY []" in done.stdout


def test_serve_arguments():
    args = build_parser().parse_args(
        ["serve", "toy-moe", "--port", "9000", "--template", "hermes", "--host", "0.0.0.0"]
    )
    assert (args.model, args.port, args.template, args.host) == ("toy-moe", 9000, "hermes", "0.0.0.0")
    defaults = build_parser().parse_args(["serve", "toy-dense"])
    assert defaults.port is None and defaults.template is None and defaults.host == "127.0.0.1"


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == 2


def test_kit_error_prints_message_and_fix_without_traceback(capsys, monkeypatch):
    monkeypatch.delenv("AGENTKIT_DEBUG", raising=False)
    assert main(["serve", "no-such-model"]) == 2
    err = capsys.readouterr().err
    assert "error: No model 'no-such-model'" in err
    assert "fix: use one of toy-dense, toy-moe" in err
    assert "Traceback" not in err


def test_debug_env_shows_the_traceback(monkeypatch):
    monkeypatch.setenv("AGENTKIT_DEBUG", "1")
    with pytest.raises(ModelNotFoundError):
        main(["serve", "no-such-model"])


def test_missing_template_is_reported_before_anything_starts(tmp_path, model_files):
    model = model_files(tmp_path / "model")
    done = run_agentkit("serve", str(model), "--template", "no-such-template")
    assert done.returncode == 2
    assert "error: No chat template" in done.stderr
    assert "no-such-template" in done.stderr
    assert "Traceback" not in done.stderr


def test_doctor_passes_with_complete_toy_models(tmp_path, model_files):
    for name in ("toy-dense", "toy-moe", "toy-attn"):
        model_files(tmp_path / name)
    done = run_agentkit("doctor", env={"AGENTKIT_MODELS_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stdout
    for expected in ("MLX backend", "mlx-lm", "Memory", "Toy model toy-moe", "Server"):
        assert expected in done.stdout


def test_doctor_fails_when_toy_models_are_missing(tmp_path):
    done = run_agentkit("doctor", env={"AGENTKIT_MODELS_DIR": str(tmp_path)})
    assert done.returncode == 1
    assert "FAIL" in done.stdout
    assert "agentkit toy train" in done.stdout


def test_doctor_with_url_requires_that_server(tmp_path, model_files):
    for name in ("toy-dense", "toy-moe"):
        model_files(tmp_path / name)
    url = f"http://127.0.0.1:{free_port()}/v1"
    done = run_agentkit("doctor", "--url", url, env={"AGENTKIT_MODELS_DIR": str(tmp_path)})
    assert done.returncode == 1
    assert "no answer at" in done.stdout


# --- every bad number or path is one line from argparse (issue 13) ------------

def _bad_argument(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    lines = [line for line in error.splitlines() if line.startswith("agentkit")]
    assert "Traceback" not in error and len(lines) == 1, error  # after the usage, one error line
    return lines[0]


@pytest.mark.parametrize("argv,words", [
    (["serve", "toy-dense", "--port", "99999"], "a port is 1-65535, got 99999"),
    (["serve", "toy-dense", "--port", "-1"], "a port is 1-65535, got -1"),
    (["serve", "toy-dense", "--port", "70000"], "a port is 1-65535"),
    (["serve", "toy-dense", "--port", "0"], "a port is 1-65535, got 0"),
    (["serve", "toy-dense", "--ready-timeout", "-1"], "must be greater than 0"),
    (["run", "react", "x", "--max-steps", "0"], "--max-steps: must be at least 1, got 0"),
    (["run", "react", "x", "--max-tokens", "0"], "--max-tokens: must be at least 1, got 0"),
    (["run", "react", "x", "--context-budget", "-5"], "--context-budget: must be at least 1, got -5"),
    (["run", "react", "x", "--max-rounds", "-3"], "--max-rounds: must be at least 1, got -3"),
    (["run", "react", "x", "--max-steps", "many"], "expects a whole number, got 'many'"),
    (["run", "react", "x", "--notes", "/nonexistent"], "/nonexistent is not a folder that exists"),
    (["run", "react", "x", "--url", "http://[::1"], "is not a URL"),
    (["run", "react", "x", "--url", "localhost:8080"], "is not an http URL"),
    (["compare", "--repeats", "0"], "--repeats: must be at least 1, got 0"),
    (["compare", "--repeats", "-1"], "--repeats: must be at least 1, got -1"),
    (["compare", "--dense-url", "http://[::1"], "is not a URL"),
    (["fit", "toy-dense", "--memory", "-5"], "--memory: must be greater than 0"),
    (["fit", "toy-dense", "--context", "-1"], "--context: must be at least 1, got -1"),
    (["fit", "toy-dense", "--memory", "nan"], "expects a finite number"),
    (["doctor", "--url", "http://[::1"], "is not a URL"),
    (["chat", "--max-tokens", "0"], "--max-tokens: must be at least 1"),
])
def test_bad_numbers_and_urls_are_one_line(capsys, argv, words):
    assert words in _bad_argument(capsys, argv)


def test_workspace_that_is_a_file_and_trace_that_is_a_folder_are_one_line(capsys, tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert "is a file, not a folder" in _bad_argument(capsys, ["run", "react", "x", "--workspace", str(a_file)])
    assert "is a folder; give a file path" in _bad_argument(capsys, ["run", "react", "x", "--trace", str(tmp_path)])


def test_a_trace_or_workspace_that_cannot_be_created_is_one_line_before_a_server(capsys, tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert main(["run", "react", "x", "--trace", str(a_file / "t.jsonl")]) == 2
    assert "Cannot write the trace" in capsys.readouterr().err
    assert main(["run", "react", "x", "--workspace", str(a_file / "ws"), "--trace", str(tmp_path / "t.jsonl")]) == 2
    assert "Cannot create the workspace" in capsys.readouterr().err


def test_trace_show_of_an_empty_file_says_empty_and_fails(capsys, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert main(["trace", "show", str(empty)]) == 2
    error = capsys.readouterr().err
    assert "is empty" in error and "killed or still running" not in error


def test_a_models_list_that_is_not_a_list_falls_back_to_the_model_given(tmp_path):
    # A server (not mlx_lm.server) whose /v1/models answers `[]`: no traceback, no model id from it.
    import http.server
    import threading

    from agentkit.serving.endpoint import served_model_id

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"[]")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        # Not a list the server vouches for: the model the person named is sent, unchecked.
        assert served_model_id(f"http://127.0.0.1:{server.server_port}/v1", "k", "my-model") == "my-model"
    finally:
        thread.join(5)
        server.server_close()


@pytest.mark.parametrize("argv,words", [
    (["toy", "train", "--steps", "0"], "--steps: must be at least 1, got 0"),
    (["toy", "data", "--transcripts", "-4"], "--transcripts: must be at least 1"),
    (["toy", "eval", "--tasks", "0"], "--tasks: must be at least 1"),
    (["toy", "train", "--max-minutes", "-1"], "--max-minutes: must be greater than 0"),
    (["bench", "speed", "--max-tokens", "0"], "--max-tokens: must be at least 1"),
])
def test_toy_and_bench_numbers_are_range_checked(capsys, argv, words):
    assert words in _bad_argument(capsys, argv)

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

"""The committed toy models through the real mlx_lm.server: tool calls, both templates, compare, eval."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agentkit.harness.suite import load_suite
from agentkit.serving.server import ManagedServer
from agentkit.tools import example_tools

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.server

if not (ROOT / "fixtures" / "models" / "toy-moe" / "config.json").exists():
    pytest.skip("toy models not built", allow_module_level=True)


@pytest.fixture(scope="module")
def tools(tmp_path_factory):
    return example_tools(tmp_path_factory.mktemp("workspace")).schemas()


@pytest.mark.parametrize("template", ["qwen3.6", "hermes"])
@pytest.mark.parametrize("model", ["toy-dense", "toy-moe"])
def test_server_parses_the_toy_models_tool_calls(model, template, tools):
    from openai import OpenAI

    with ManagedServer(model, template=template) as server:
        client = OpenAI(base_url=server.base_url, api_key="unused", max_retries=0, timeout=60)
        reply = client.chat.completions.create(
            model=server.model_id, messages=[{"role": "user", "content": "Compare the weather in Tokyo and Seoul."}],
            tools=tools, max_tokens=200, temperature=0.0,
            extra_body={"chat_template_kwargs": {"enable_thinking": False}})
    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls"
    calls = [(c.function.name, json.loads(c.function.arguments)) for c in choice.message.tool_calls]
    assert calls == [("get_weather", {"city": "Tokyo"}), ("get_weather", {"city": "Seoul"})]


def test_thinking_comes_back_as_reasoning(tools):
    from openai import OpenAI

    with ManagedServer("toy-dense") as server:
        client = OpenAI(base_url=server.base_url, api_key="unused", max_retries=0, timeout=60)
        reply = client.chat.completions.create(
            model=server.model_id, messages=[{"role": "user", "content": "What is 12 * 34?"}],
            tools=tools, max_tokens=200, temperature=0.0)
    message = reply.choices[0].message
    # mlx_lm.server splits <think>...</think> into `reasoning` because <think> is one token.
    assert getattr(message, "reasoning", None)
    assert [c.function.name for c in message.tool_calls] == ["calculator"]


def _agentkit(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agentkit.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={"COLUMNS": "160", "PATH": "/usr/bin:/bin",
                                                            "PYTHONPATH": str(ROOT), "HOME": str(Path.home())})


def test_compare_prints_both_models_side_by_side(tmp_path):
    done = _agentkit("compare", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    for text in ("Decisions on suite 'default'", "toy-dense", "toy-moe", "Latency per task", "TTFT p50 / p95",
                 "Decisions differ on"):
        assert text in done.stdout
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["labels"] == ["toy-dense", "toy-moe"]
    assert [row["task"] for row in summary["tasks"]] == [task.id for task in load_suite("default").tasks]
    for row in summary["tasks"]:
        for label in ("toy-dense", "toy-moe"):
            run = row["runs"][label][0]
            assert (tmp_path / label / f"{row['task']}-r0.jsonl").is_file()
            assert run["metrics"]["steps"] >= 1
            # Right only when the checker passed and the run verdict found nothing.
            assert run["outcome"] != "success" or (run["answer_ok"] and not run["problems"])
    assert summary["models"]["toy-dense"]["ttft_p50_ms"] > 0
    assert (tmp_path / "report.html").is_file()


def test_toy_eval_reports_a_table(tmp_path):
    table = tmp_path / "eval.md"
    done = _agentkit("toy", "eval", "--model", "toy-dense", "--template", "hermes", "--tasks", "4", "--paraphrases", "2", "--agent-episodes", "2",
                     "--markdown", str(table))
    assert done.returncode == 0, done.stderr
    text = table.read_text()
    assert "| toy-dense | hermes |" in text and "valid tool calls" in text

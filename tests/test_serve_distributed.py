"""One model split across two local ranks (mlx.launch, ring backend): same decisions, nothing left behind.

The model is a parameter (`MODEL`); it must have pipeline or tensor support
in the installed mlx_lm and a `model.safetensors.index.json` (what
`sharded_load` reads). The toy models are `qwen3_5`, which splits by layers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from agentkit.agents.config import AgentConfig
from agentkit.client import OpenAIClient
from agentkit.harness.diff import decision_key
from agentkit.harness.run import run_task
from agentkit.harness.suite import load_suite
from agentkit.serving.endpoint import open_endpoint
from agentkit.serving.hosts import Hosts, HostsError, _sharding_support, choose_parallel, require_sharded_files
from agentkit.serving.models import resolve_model
from lifecycle import find_server, group_alive, serving_port, wait_for_port

pytestmark = [pytest.mark.server,
              pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes through /proc")]

MODEL = os.environ.get("AGENTKIT_SPLIT_MODEL", "toy-dense")
TWO_LOCAL_RANKS = Hosts(hosts=("127.0.0.1", "127.0.0.1"))
TASKS = ("weather-single", "calculator", "no-tool")
REPO_ROOT = Path(__file__).resolve().parent.parent


def test_two_ranks_make_the_same_decisions_as_one_process(tmp_path):
    suite = load_suite("default")
    tasks = [task for task in suite.tasks if task.id in TASKS]
    assert len(tasks) == len(TASKS)
    config = AgentConfig(max_tokens=256)  # temperature 0: greedy, so any difference is the split's
    keys: dict[str, list[str]] = {}
    for name, hosts in (("one", None), ("two", TWO_LOCAL_RANKS)):
        with open_endpoint(MODEL, hosts=hosts) as endpoint:
            client = OpenAIClient(endpoint)
            keys[name] = [decision_key(run_task(client, MODEL, task, task.pattern or "react", config,
                                                tmp_path / name / f"{task.id}.jsonl")) for task in tasks]
        assert endpoint.server.died() is None
    assert keys["two"] == keys["one"]
    assert all(keys["one"])  # the runs decided something


def test_sigterm_to_a_split_serve_leaves_no_rank_behind(tmp_path):
    serve = subprocess.Popen([sys.executable, "-m", "agentkit.cli", "serve", MODEL, "--hosts", "127.0.0.1,127.0.0.1"],
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    try:
        _, pgid, port = find_server(serve.pid)
        wait_for_port(port)
        assert serve.stdout.readline().startswith("ready http://")  # it answered through the ranks
        ranks = serving_port(port)
        assert len(ranks) >= 2, "expected two mlx_lm.server ranks"
        serve.send_signal(signal.SIGTERM)
        out, err = serve.communicate(timeout=60)
    finally:
        if serve.poll() is None:
            serve.kill()
    assert not group_alive(pgid) and not serving_port(port)
    assert err.count("SIGTERM received; stopped mlx_lm.server for") == 1 and "on 2 ranks" in err


def test_a_model_without_an_index_is_refused_before_any_rank_starts(tiny_model_dir):
    with pytest.raises(HostsError) as caught:
        require_sharded_files(tiny_model_dir)
    assert "model.safetensors.index.json" in caught.value.message


def test_pipeline_is_the_default_where_the_model_supports_it(tmp_path):
    ref = resolve_model(MODEL)
    support = _sharding_support(ref.path)
    assert choose_parallel(ref.path, None) == ("pipeline" if "pipeline" in support else "tensor")
    # qwen3 in mlx_lm has tensor parallelism (shard) but no PipelineMixin.
    (tmp_path / "config.json").write_text('{"model_type": "qwen3"}')
    assert choose_parallel(tmp_path, None) == "tensor"
    with pytest.raises(HostsError) as caught:
        choose_parallel(tmp_path, "pipeline")
    assert caught.value.fix == "use --tensor"


def test_the_launch_command_is_mlx_launch():
    command = TWO_LOCAL_RANKS.launch_command(["python", "-m", "mlx_lm", "server"], starting_port=40000)
    assert "--hosts" in command and "127.0.0.1,127.0.0.1" in command
    assert command[command.index("--backend") + 1] == "ring"
    assert command[command.index("--starting-port") + 1] == "40000"
    assert command[command.index("--") + 1:] == ["python", "-m", "mlx_lm", "server"]

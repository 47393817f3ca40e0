"""The prompt cache on a hybrid model (Gated DeltaNet + attention), through the real mlx_lm.server.

A hybrid's cache cannot be trimmed: the server reuses a stored entry only when
it is an exact prefix of the new prompt. The kit's history must therefore
echo every reply so that it re-tokenizes to exactly the tokens the model
generated. The goal held here: from round 2 of the multiturn bench, the
server prefills only the newly appended messages (+ 8 tokens) on at least
95% of the rounds, thinking on and off.

The model is one parameter, `HYBRID`: a toy name or a directory. A toy that
is not a hybrid yet (today's `qwen3` toys) is grafted into a `qwen3_5` body
(tests/hybrid_model.py), which computes exactly the same function with an
untrimmable cache; once the toys are `qwen3_5`, they are served as they are.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agentkit.bench.multiturn import run_multiturn
from agentkit.client import OpenAIClient
from agentkit.serving.models import models_dir
from agentkit.serving.server import ManagedServer
from agentkit.tools import example_tools
from hybrid_model import build_hybrid_model

HYBRID = os.environ.get("AGENTKIT_HYBRID_MODEL", "toy-dense")
HYBRID_TYPES = ("qwen3_5", "qwen3_5_moe")


def hybrid_directory(spec: str, scratch: Path) -> Path:
    """`spec`'s directory when it is a hybrid; otherwise its layers grafted into one."""
    directory = Path(spec) if Path(spec).is_dir() else models_dir() / spec
    if not directory.is_dir():
        pytest.skip(f"{spec} is not in fixtures/models")
    model_type = json.loads((directory / "config.json").read_text())["model_type"]
    if model_type in HYBRID_TYPES:
        return directory
    if model_type != "qwen3":
        pytest.skip(f"{spec} is {model_type}: only a dense qwen3 model can be grafted into a hybrid")
    return build_hybrid_model(scratch / "hybrid", attention_from=directory)


@pytest.fixture(scope="module")
def hybrid_client(tmp_path_factory):
    directory = hybrid_directory(HYBRID, tmp_path_factory.mktemp("hybrid"))
    with ManagedServer(str(directory)) as server:
        yield OpenAIClient(base_url=server.base_url, model=server.model_id, timeout=120)


@pytest.mark.server
@pytest.mark.parametrize("thinking", [False, True], ids=["thinking-off", "thinking-on"])
def test_kit_history_prefills_only_the_new_messages_on_a_hybrid(hybrid_client, thinking, tmp_path):
    config = json.loads((Path(hybrid_client.model) / "config.json").read_text())
    assert config["model_type"] in HYBRID_TYPES  # the cache under test is the untrimmable kind
    result = run_multiturn(hybrid_client, example_tools(tmp_path), rounds=10, thinking=thinking, parser="raw")
    rounds = result.rounds
    assert len(rounds) == 10 and sum(r.tool_calls for r in rounds) >= 3  # a tool-using conversation
    met, within, checked = result.target
    detail = [(r.turn, r.prompt_tokens, r.cached_tokens, r.new_tokens, r.reused) for r in rounds]
    assert met, f"{within}/{checked} rounds within new + 8: {detail}"
    # Met the only way a hybrid can: the previous request and its reply, stop token included, came from the cache.
    assert sum(r.reused == "reply" for r in rounds[1:]) >= 0.9 * (len(rounds) - 1), detail

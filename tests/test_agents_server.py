"""The three patterns end to end on the toy models, through a real mlx_lm.server.

One server per model for the module; both models must answer each task
right, with the server's parser and thinking on with the raw parser. (The
examples' own task lists run in tests/test_examples.py.)
"""


import pytest

from agentkit.agents import AgentConfig, run_agent
from agentkit.client import OpenAIClient
from agentkit.serving.models import TOY_MODELS, models_dir
from agentkit.serving.server import ManagedServer
from agentkit.tools import example_tools
from agentkit.trace import Tracer

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not all((models_dir() / name).is_dir() for name in TOY_MODELS),
                       reason="the toy models are not in fixtures/models"),
]

TASKS = {
    "react": ("What's the weather in Paris?", ["12", "partly cloudy"]),
    "reflection": ("What is 17 * 23?", ["391"]),
    "plan": ("Add up the temperatures of Paris and Rome.", ["32"]),
}
MODES = [AgentConfig(max_tokens=256), AgentConfig(max_tokens=256, thinking=True, parser="raw")]


@pytest.fixture(scope="module", params=TOY_MODELS)
def client(request):
    with ManagedServer(request.param) as server:
        yield OpenAIClient(base_url=server.base_url, model=server.model_id, timeout=60), request.param


@pytest.fixture
def toolbox(tmp_path):
    return example_tools(tmp_path)


@pytest.mark.parametrize("config", MODES, ids=["server-parser", "thinking-raw"])
@pytest.mark.parametrize("pattern", list(TASKS))
def test_each_pattern_completes_on_each_toy_model(client, toolbox, pattern, config):
    client, model = client
    task, facts = TASKS[pattern]
    tracer = Tracer()
    result = run_agent(pattern, client, toolbox, task, config, tracer, model_name=model)
    kinds = [event.type for event in tracer.events]
    assert kinds[0] == "run_start" and kinds[-2:] == ["final_answer", "run_end"]
    assert tracer.events[-1].status == "ok"
    assert "tool_result" in kinds  # every task needs a tool
    if pattern == "reflection":
        assert "critique" in kinds
    if pattern == "plan":
        assert kinds.count("step_result") >= 1 and "plan" in kinds
    calls = [e for e in tracer.events if e.type == "model_call"]
    assert all(c.turn.usage is not None and c.turn.usage.prompt_tokens > 0 for c in calls)
    if config.parser == "raw":
        assert all(c.turn.raw_text is not None for c in calls)
    assert all(fact in result.answer for fact in facts), (model, result.answer)


def test_react_keeps_the_servers_prompt_cache_hot(client, toolbox):
    client, model = client
    tracer = Tracer()
    run_agent("react", client, toolbox, "What is the temperature in Paris in kelvin?", AgentConfig(max_tokens=256),
              tracer)
    calls = [e for e in tracer.events if e.type == "model_call"]
    assert len(calls) >= 2
    for before, after in zip(calls, calls[1:]):
        # Each request starts with the previous prompt: the server reuses all of it.
        assert after.turn.usage.cached_tokens >= before.turn.usage.prompt_tokens - 1

"""OpenAIClient against a real mlx_lm.server on the toy models.

One server per module for the ordinary requests (the toy models start in about
two seconds); the interrupted-stream test kills its own.
"""

import time

import pytest

from agentkit.client import History, OpenAIClient
from agentkit.errors import (
    ContextTooLongError, ModelNotServedError, RequestTimeoutError, ServerUnreachableError, StreamInterruptedError,
)
from agentkit.parsing import ContentDelta, ReasoningDelta, ToolCallReady
from agentkit.serving.models import TOY_MODELS, models_dir
from agentkit.serving.server import ManagedServer, free_port
from agentkit.tools import example_tools

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not all((models_dir() / name).is_dir() for name in TOY_MODELS),
                       reason="the toy models are not in fixtures/models"),
]

WEATHER_QUESTION = [{"role": "user", "content": "What's the weather in Paris?"}]
# Ban the stop token so that generation runs to max_tokens (mlx_lm honours logit_bias).
NEVER_STOP = {"logit_bias": {"2": -100}}


@pytest.fixture(scope="module")
def toolbox(tmp_path_factory):
    return example_tools(tmp_path_factory.mktemp("workspace"))


@pytest.fixture(scope="module")
def server():
    with ManagedServer("toy-dense") as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    return OpenAIClient(base_url=server.base_url, model=server.model_id, timeout=60)


def test_streamed_tool_call_with_reasoning_usage_and_timings(client, toolbox):
    events = []
    turn = client.complete(WEATHER_QUESTION, toolbox.schemas(), on_delta=events.append, max_tokens=128)
    assert turn.finish_reason == "tool_calls"
    assert [(c.name, c.arguments) for c in turn.tool_calls] == [("get_weather", {"city": "Paris"})]
    assert turn.tool_calls[0].dialect == "xml" and len(turn.call_ids) == 1
    assert "get_weather" in turn.reasoning
    # Deltas add up to the turn, and the call is announced once it is complete.
    assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == turn.reasoning
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == turn.content
    assert [e.call for e in events if isinstance(e, ToolCallReady)] == turn.tool_calls
    # The server counted exactly the prompt the client renders with the model's tokenizer.
    prompt = client.render_prompt(WEATHER_QUESTION, toolbox.schemas())
    assert prompt.endswith("<|im_start|>assistant\n<think>\n")
    assert turn.usage.prompt_tokens == client.count_tokens(prompt)
    assert turn.usage.cached_tokens is not None and turn.usage.completion_tokens > 10
    t = turn.timings
    assert 0 < t.ttft < t.total and t.request_start <= time.time()
    # One chunk per reasoning token, then the whole tool-call block in one chunk.
    reasoning_tokens = client.count_tokens(turn.reasoning)
    assert reasoning_tokens - 1 <= len(t.gaps) < turn.usage.completion_tokens
    assert t.decode_tps > 1 and t.prefill_tps > 1 and 0 < t.itl_median <= t.itl_p95


def test_complete_response_matches_the_stream(client, toolbox):
    streamed = client.complete(WEATHER_QUESTION, toolbox.schemas(), max_tokens=128)
    once = client.complete(WEATHER_QUESTION, toolbox.schemas(), max_tokens=128, stream=False)
    assert (once.content, once.reasoning) == (streamed.content, streamed.reasoning)
    assert once.tool_calls == streamed.tool_calls
    assert once.timings.ttft is None and once.timings.total > 0
    assert once.usage.completion_tokens == streamed.usage.completion_tokens


def test_raw_mode_parses_the_exact_text_like_the_server(client, toolbox):
    server_turn = client.complete(WEATHER_QUESTION, toolbox.schemas(), max_tokens=128)
    events = []
    raw_turn = client.complete(WEATHER_QUESTION, toolbox.schemas(), max_tokens=128, parser="raw",
                               on_delta=events.append)
    assert raw_turn.mode == "raw" and raw_turn.finish_reason == "tool_calls"
    # The prompt opened <think>, so the output starts inside the reasoning.
    assert "</think>" in raw_turn.raw_text and "<think>" not in raw_turn.raw_text
    assert raw_turn.raw_text.endswith("</tool_call>")  # the stop token is not part of the text
    assert raw_turn.tool_calls[0].raw in raw_turn.raw_text
    assert (raw_turn.reasoning, raw_turn.content) == (server_turn.reasoning, server_turn.content)
    calls = [(c.name, c.arguments) for c in raw_turn.tool_calls]
    assert calls == [(c.name, c.arguments) for c in server_turn.tool_calls]
    assert len(raw_turn.token_ids) == raw_turn.usage.completion_tokens
    assert not raw_turn.errors and not raw_turn.warnings
    assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == raw_turn.reasoning


def test_raw_mode_keeps_a_cut_answer(client, toolbox):
    turn = client.complete(WEATHER_QUESTION, toolbox.schemas(), max_tokens=5, parser="raw")
    assert turn.finish_reason == "length" and len(turn.token_ids) == 5
    assert turn.reasoning and not turn.tool_calls  # cut inside <think>: all reasoning
    assert [w.code for w in turn.warnings] == ["missing_close_tag"]


def test_thinking_off_renders_an_empty_think_block(client):
    messages = [{"role": "user", "content": "Hello"}]
    prompt = client.render_prompt(messages, thinking=False)
    assert prompt.endswith("<think>\n\n</think>\n\n")
    turn = client.complete(messages, thinking=False, max_tokens=32)
    assert turn.usage.prompt_tokens == client.count_tokens(prompt)
    assert turn.reasoning is None  # the server saw no open <think>, so nothing is reasoning


def test_soft_switch_is_sent_in_the_user_message(client):
    history = History()
    history.add_user("Hello", soft_thinking=False)
    turn = client.complete(history.messages, max_tokens=8)
    assert turn.usage.prompt_tokens == client.count_tokens(client.render_prompt(history.messages))
    assert "Hello /no_think<|im_end|>" in client.render_prompt(history.messages)


def test_history_reuses_the_previous_turn_from_the_cache(client, toolbox):
    history = History(tools=toolbox.schemas())
    history.add_user("What's the weather in Oslo?")
    first = client.complete(history.messages, **history.request_options(), max_tokens=128)
    history.add_assistant(first)
    for call, call_id in zip(first.tool_calls, first.call_ids):
        history.add_tool_result(call_id, toolbox.run(call.name, call.arguments).content)
    second = client.complete(history.messages, **history.request_options(), max_tokens=128)
    # Everything the server saw and wrote in turn 1 comes from its cache in turn 2.
    assert second.usage.cached_tokens >= first.usage.prompt_tokens + first.usage.completion_tokens - 1
    assert "Oslo" in second.content


def test_dead_port_is_unreachable():
    client = OpenAIClient(base_url=f"http://127.0.0.1:{free_port()}/v1", model="toy-dense", connect_timeout=2)
    with pytest.raises(ServerUnreachableError) as info:
        client.complete(WEATHER_QUESTION, max_tokens=4)
    assert "Nothing answers" in info.value.message and "agentkit serve" in info.value.fix


def test_wrong_model_name_lists_the_served_models(server):
    client = OpenAIClient(base_url=server.base_url, model="no-such-model")
    for stream in (True, False):
        with pytest.raises(ModelNotServedError) as info:
            client.complete(WEATHER_QUESTION, max_tokens=4, stream=stream)
        assert "'no-such-model'" in info.value.message and server.model_id in info.value.message


def test_tiny_timeout_raises_request_timeout(server):
    client = OpenAIClient(base_url=server.base_url, model=server.model_id, timeout=0.2)
    posts_before = server.log_tail(10_000).count("POST /v1/chat/completions")
    started = time.perf_counter()
    with pytest.raises(RequestTimeoutError) as info:
        client.complete(WEATHER_QUESTION, max_tokens=400, stream=False, extra_body=NEVER_STOP)
    assert time.perf_counter() - started < 5
    assert "0.2 s" in info.value.message and "timeout" in info.value.fix
    # The server still generates the abandoned answer and logs its POST when done;
    # wait for that, so the next test counts requests on a quiet server.
    deadline = time.monotonic() + 60
    while server.log_tail(10_000).count("POST /v1/chat/completions") == posts_before and time.monotonic() < deadline:
        time.sleep(0.1)


def test_prompt_longer_than_the_context_is_refused_before_sending(client, server):
    posts_before = server.log_tail(10_000).count("POST /v1/chat/completions")
    long_text = "weather " * 5000  # about 5000 tokens, the toy models' context is 4096
    with pytest.raises(ContextTooLongError) as info:
        client.complete([{"role": "user", "content": long_text}], max_tokens=16)
    assert "4096" in info.value.message and "shorten" in info.value.fix
    assert server.log_tail(10_000).count("POST /v1/chat/completions") == posts_before
    # max_tokens counts too: a short prompt with no room left for the answer is refused.
    with pytest.raises(ContextTooLongError):
        client.complete(WEATHER_QUESTION, max_tokens=4090)


def test_server_killed_mid_stream_raises_with_the_partial_turn():
    with ManagedServer("toy-dense") as doomed:
        client = OpenAIClient(base_url=doomed.base_url, model=doomed.model_id, timeout=10)
        seen = []

        def kill_after_five(event):
            seen.append(event)
            if len(seen) == 5:
                doomed.stop(timeout=1)

        with pytest.raises(StreamInterruptedError) as info:
            client.complete(WEATHER_QUESTION, max_tokens=2000, on_delta=kill_after_five, extra_body=NEVER_STOP)
    partial = info.value.partial
    assert partial.finish_reason is None and partial.reasoning
    assert len(seen) >= 5 and partial.timings.ttft is not None
    assert "stopped halfway" in info.value.message and "server is still running" in info.value.fix

"""Unit tests of the client's pure parts: timing math, request bodies, raw decoding
helpers, server-answer collection, and cache-friendly history building."""

import json

import pytest

from agentkit.client.history import History, assistant_message, naive_assistant_message, soft_switch
from agentkit.serving.chat_template import load_chat_template, render_chat
from agentkit.client.raw import (
    bytes_from_logprobs, drop_stop_token, output_opened_think, prompt_opened_think, token_ids_from_logprobs,
)
from agentkit.client.request import chat_request, template_kwargs
from agentkit.client.server_answer import ServerAnswer
from agentkit.parsing import ContentDelta, ReasoningDelta, ToolCall, parse_assistant
from agentkit.trace.timing import decode_rate, gaps_between, percentile, prefill_rate, stream_timings
from agentkit.trace.turn import Timings, Turn, Usage

WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Weather.",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


# -- timing ----------------------------------------------------------------------

def test_gaps_are_differences_of_consecutive_times():
    assert gaps_between([1.0, 1.5, 1.75, 3.0]) == [0.5, 0.25, 1.25]
    assert gaps_between([2.0]) == []


def test_decode_rate_leaves_the_first_token_out():
    # 11 tokens, the first at t=1, the last at t=3: 10 intervals in 2 s.
    assert decode_rate(11, 1.0, 3.0) == pytest.approx(5.0)
    assert decode_rate(1, 1.0, 3.0) is None
    assert decode_rate(5, 2.0, 2.0) is None  # all in one chunk: no interval


def test_prefill_rate_is_uncached_tokens_over_ttft():
    assert prefill_rate(800, 0.5) == pytest.approx(1600.0)
    assert prefill_rate(0, 0.5) is None
    assert prefill_rate(100, None) is None


def test_percentile_interpolates():
    assert percentile([], 50) is None
    assert percentile([3.0], 95) == 3.0
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == pytest.approx(2.5)
    assert percentile([0.0, 10.0], 95) == pytest.approx(9.5)


def test_stream_timings_from_timestamps():
    t = stream_timings(sent=10.0, output_times=[10.4, 10.5, 10.7, 11.0], end=11.1,
                       completion_tokens=4, uncached_prompt_tokens=200)
    assert t["ttft"] == pytest.approx(0.4)
    assert t["gaps"] == pytest.approx([0.1, 0.2, 0.3])
    assert t["total"] == pytest.approx(1.1)
    assert t["decode_tps"] == pytest.approx(3 / 0.6)
    assert t["prefill_tps"] == pytest.approx(500.0)
    timings = Timings(request_start=0.0, **t)
    assert timings.itl_median == pytest.approx(0.2)
    assert timings.itl_p95 == pytest.approx(0.29)


def test_stream_timings_without_output():
    t = stream_timings(sent=1.0, output_times=[], end=2.0, completion_tokens=None, uncached_prompt_tokens=None)
    assert t == {"ttft": None, "gaps": [], "total": 1.0, "decode_tps": None, "prefill_tps": None}


def test_usage_uncached_tokens():
    assert Usage(prompt_tokens=900, completion_tokens=5, cached_tokens=850).uncached_tokens == 50
    assert Usage(prompt_tokens=900, completion_tokens=5).uncached_tokens == 900


# -- request ---------------------------------------------------------------------

def test_template_kwargs_only_what_was_decided():
    assert template_kwargs(None, False) == {}
    assert template_kwargs(False, True) == {"enable_thinking": False, "preserve_thinking": True}
    assert template_kwargs(True, False) == {"enable_thinking": True}


def test_streamed_request_asks_for_usage_and_never_sends_seed():
    request = chat_request("m", [{"role": "user", "content": "hi"}], [WEATHER], thinking=False, max_tokens=64)
    assert request["stream"] is True
    assert request["stream_options"] == {"include_usage": True}
    assert request["tools"] == [WEATHER]
    assert request["max_tokens"] == 64
    assert request["extra_body"] == {"chat_template_kwargs": {"enable_thinking": False, "preserve_thinking": True}}
    assert "seed" not in request and "seed" not in request["extra_body"]
    with pytest.raises(ValueError, match="seed"):
        chat_request("m", [], extra_body={"seed": 1})


def test_raw_request_asks_for_token_ids_without_streaming():
    request = chat_request("m", [], stream=False, token_ids=True, preserve_thinking=False)
    assert request["logprobs"] is True and request["stream"] is False
    assert "stream_options" not in request and "extra_body" not in request and "tools" not in request
    with pytest.raises(ValueError, match="complete response"):
        chat_request("m", [], stream=True, token_ids=True)
    with pytest.raises(ValueError, match="max_tokens"):
        chat_request("m", [], max_tokens=0)


def test_extra_body_template_kwargs_win():
    request = chat_request("m", [], thinking=True, extra_body={"chat_template_kwargs": {"enable_thinking": False}})
    assert request["extra_body"]["chat_template_kwargs"] == {"enable_thinking": False, "preserve_thinking": True}


# -- raw -------------------------------------------------------------------------

def test_token_ids_and_bytes_from_logprobs():
    assert token_ids_from_logprobs([{"id": 5, "logprob": -0.1}, {"id": 7, "logprob": 0.0}]) == [5, 7]
    assert token_ids_from_logprobs([{"token": "a", "logprob": 0.0}]) is None
    assert token_ids_from_logprobs([]) is None
    entries = [{"token": "h", "bytes": [104]}, {"token": "é", "bytes": [195, 169]}]
    assert bytes_from_logprobs(entries).decode() == "hé"
    assert bytes_from_logprobs([{"token": "h", "bytes": None}]) is None


def test_drop_stop_token_only_when_the_model_stopped():
    assert drop_stop_token([4, 5, 2], "stop", {2}) == [4, 5]
    assert drop_stop_token([4, 5, 2], "tool_calls", {2}) == [4, 5]
    assert drop_stop_token([4, 5, 2], "length", {2}) == [4, 5, 2]
    assert drop_stop_token([4, 5, 6], "stop", {2}) == [4, 5, 6]
    assert drop_stop_token([], "stop", {2}) == []


def test_prompt_opened_think_follows_the_last_tag():
    assert prompt_opened_think("<|im_start|>assistant\n<think>\n")
    assert not prompt_opened_think("<|im_start|>assistant\n<think>\n\n</think>\n\n")
    assert not prompt_opened_think("<|im_start|>assistant\n")
    # An earlier turn's closed block does not count.
    assert not prompt_opened_think("<think>\nold\n</think>\n\nanswer<|im_end|>\n<|im_start|>assistant\n")


def test_output_opened_think_guess():
    assert output_opened_think("plan\n</think>\n\nanswer")
    assert not output_opened_think("<think>\nplan\n</think>\n\nanswer")
    assert not output_opened_think("just text")


# -- server answer ---------------------------------------------------------------

def test_server_answer_trims_like_the_parser_and_deltas_add_up():
    answer = ServerAnswer("xml")
    events = []
    for delta in ({"reasoning": "I will"}, {"reasoning": " call.\n"}, {"content": "\n\n"}, {"content": "Done"},
                  {"content": ".  "}):
        events += answer.add(delta)
    assert answer.reasoning == "I will call."
    assert answer.content == "Done."
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "Done."
    assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == "I will call."


def test_server_answer_tool_calls_whole_or_in_pieces():
    whole = ServerAnswer("xml")
    whole.add({"tool_calls": [{"id": "a", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}},
                              {"id": "b", "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}}]})
    calls, ids, errors = whole.tool_calls()
    assert [c.arguments["city"] for c in calls] == ["Paris", "Oslo"] and ids == ["a", "b"] and not errors
    # The raw block is what the model writes in the template's dialect, so the parser reads it back.
    assert parse_assistant(calls[0].raw, tools=[WEATHER]).tool_calls[0].arguments == {"city": "Paris"}
    assert calls[0].dialect == "xml"

    pieces = ServerAnswer("hermes")  # OpenAI-style: arguments streamed in pieces keyed by index
    pieces.add({"tool_calls": [{"index": 0, "id": "x", "function": {"name": "get_weather", "arguments": '{"ci'}}]})
    pieces.add({"tool_calls": [{"index": 0, "function": {"arguments": 'ty": "Rome"}'}}]})
    calls, ids, errors = pieces.tool_calls()
    assert calls[0].arguments == {"city": "Rome"} and ids == ["x"] and calls[0].dialect == "hermes"
    assert json.loads(calls[0].raw.split("\n")[1]) == {"name": "get_weather", "arguments": {"city": "Rome"}}


def test_server_answer_bad_arguments_become_errors():
    answer = ServerAnswer()
    answer.add({"tool_calls": [{"function": {"name": "f", "arguments": "{not json"}},
                               {"function": {"name": "g", "arguments": "[1, 2]"}},
                               {"function": {"name": "h", "arguments": ""}}]})
    calls, ids, errors = answer.tool_calls()
    assert [e.code for e in errors] == ["invalid_json", "arguments_not_object"]
    assert [c.name for c in calls] == ["h"] and calls[0].arguments == {} and ids == ["call_2"]


# -- history ---------------------------------------------------------------------

def turn_with_call() -> Turn:
    call = ToolCall(name="get_weather", arguments={"city": "Paris"}, dialect="xml",
                    raw="<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>")
    return Turn(content="", reasoning="I will call get_weather for Paris.", tool_calls=[call], call_ids=["c0"],
                finish_reason="tool_calls", timings=Timings(request_start=0.0, total=0.1))


def test_assistant_message_echoes_reasoning_content_and_calls():
    message = assistant_message(turn_with_call())
    assert message["reasoning_content"] == "I will call get_weather for Paris."
    assert message["tool_calls"] == [{"id": "c0", "type": "function",
                                      "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}]
    assert "reasoning_content" not in naive_assistant_message(turn_with_call())


@pytest.mark.parametrize("template_name", ["qwen3.6", "hermes"])
def test_echoed_turn_renders_back_to_what_the_model_wrote(template_name):
    """The core of cache reuse: prompt + generated text is a prefix of the next prompt."""
    template = load_chat_template(template_name)
    history = History(tools=[WEATHER])
    history.add_user("What's the weather in Paris?")
    prompt = render_chat(template, history.messages, [WEATHER], enable_thinking=True, preserve_thinking=True)
    turn = turn_with_call()
    call_text = turn.tool_calls[0].raw if template_name == "qwen3.6" else \
        '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>'
    opened = "" if prompt.endswith("<think>\n") else "<think>\n"
    generated = f"{opened}{turn.reasoning}\n</think>\n\n{call_text}<|im_end|>"
    for echo, expect_prefix in ((True, True), (False, False)):
        history = History(tools=[WEATHER], echo_reasoning=echo)
        history.add_user("What's the weather in Paris?")
        history.add_assistant(turn)
        history.add_tool_result("c0", '{"temperature": 12}')
        following = render_chat(template, history.messages, [WEATHER], enable_thinking=True, preserve_thinking=True)
        assert following.startswith(prompt + generated) is expect_prefix


def test_history_keeps_tools_and_thinking_stable_and_soft_switches_in_the_message():
    history = History(system="Be brief.", tools=[WEATHER], thinking=False)
    history.add_user("Hi", soft_thinking=False)
    assert history.messages == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi /no_think"}]
    assert history.request_options() == {"tools": [WEATHER], "thinking": False, "preserve_thinking": True}
    assert soft_switch("Hi", True) == "Hi /think" and soft_switch("Hi", None) == "Hi"
    history.add_assistant(turn_with_call())
    history.add_tool_result("c0", "12 degrees")
    assert history.messages[-1] == {"role": "tool", "tool_call_id": "c0", "content": "12 degrees"}


# -- cache report ----------------------------------------------------------------

def cost(turn, new, prompt, cached):
    from agentkit.bench.cache_report import RequestCost

    return RequestCost(turn=turn, new_tokens=new, prompt_tokens=prompt, cached_tokens=cached,
                       completion_tokens=10, tool_calls=0, timings=Timings(request_start=0.0, total=0.1))


def test_target_counts_from_the_second_request_with_slack():
    from agentkit.bench.cache_report import target_met

    first = cost(1, 800, 800, 0)  # cold: never checked
    assert cost(2, 40, 900, 852).within_target  # 48 uncached = 40 new + 8
    assert not cost(2, 40, 900, 851).within_target
    assert target_met([first] + [cost(n, 40, 900, 860) for n in range(2, 22)]) == (True, 20, 20)
    # 19 of 20 is exactly 95%; 18 of 20 is not.
    nineteen = [cost(n, 40, 900, 860) for n in range(2, 21)] + [cost(21, 40, 900, 0)]
    assert target_met(nineteen) == (True, 19, 20)
    assert target_met(nineteen[:-2] + [cost(20, 40, 900, 0), cost(21, 40, 900, 0)])[0] is False
    assert target_met([first]) == (False, 0, 0)


# -- local model -----------------------------------------------------------------

def test_local_model_reads_the_toy_models_files():
    from agentkit.client.local_model import LocalModel
    from agentkit.errors import ContextTooLongError
    from agentkit.serving.models import models_dir

    if not (models_dir() / "toy-dense").is_dir():
        pytest.skip("toy-dense is not in fixtures/models")
    local = LocalModel.find("toy-dense")
    assert local is not None and local == LocalModel.find(str(models_dir() / "toy-dense"))
    assert LocalModel.find("not-a-model") is None and LocalModel.find("org/not-cached-anywhere") is None
    assert local.dialect == "xml" and local.context_length == 4096
    assert local.tokenizer.id_to_token(min(local.eos_ids)) == "<|im_end|>"
    prompt = local.render([{"role": "user", "content": "Hi"}])
    # Like mlx_lm.server: thinking on by default for a vocabulary with <think>.
    assert prompt == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n"
    ids = local.tokenizer.encode(prompt, add_special_tokens=False).ids
    assert local.count_tokens(prompt) == len(ids) and local.decode(ids) == prompt
    local.check_fits(prompt, 4000)
    with pytest.raises(ContextTooLongError, match="4096"):
        local.check_fits(prompt, 4096)


def test_openai_client_is_a_client_and_needs_an_address():
    from agentkit.client import Client, OpenAIClient

    client = OpenAIClient(base_url="http://127.0.0.1:9/v1/", model="some-remote-model")
    assert isinstance(client, Client)
    assert client.base_url == "http://127.0.0.1:9/v1" and client.local is None  # no files here: no tokenizer
    with pytest.raises(ValueError, match="base_url"):
        OpenAIClient(model="m")


def test_without_the_model_files_prompt_tools_say_what_is_missing():
    from agentkit.client import OpenAIClient
    from agentkit.client.raw import exact_text
    from agentkit.errors import ModelFilesMissingError, RawModeUnavailableError

    client = OpenAIClient(base_url="http://127.0.0.1:9/v1", model="remote-model")
    with pytest.raises(ModelFilesMissingError, match="tokenizer.json"):
        client.render_prompt([{"role": "user", "content": "Hi"}])
    with pytest.raises(ModelFilesMissingError):
        client.count_tokens("Hi")
    # Raw mode: ids need a tokenizer, bytes do not, and nothing at all is refused.
    with pytest.raises(ModelFilesMissingError):
        exact_text([1, 2], [{"id": 1}, {"id": 2}], "stop", None, "http://x/v1")
    assert exact_text(None, [{"bytes": [104, 105]}], "stop", None, "http://x/v1") == "hi"
    with pytest.raises(RawModeUnavailableError, match="parser='server'"):
        exact_text(None, [{"token": "hi"}], "stop", None, "http://x/v1")


def test_an_endpoint_carries_the_model_directory_and_template_to_the_client():
    from agentkit.client import OpenAIClient
    from agentkit.serving.endpoint import open_endpoint
    from agentkit.serving.models import models_dir

    # With --url nothing is started; the kit still finds a toy model's files on this machine.
    with open_endpoint("toy-moe", url="http://127.0.0.1:9/v1", template="hermes") as endpoint:
        assert (endpoint.model_dir, endpoint.template) == (models_dir() / "toy-moe", "hermes")
        client = OpenAIClient(endpoint)
        assert client.local.directory == endpoint.model_dir and client.local.dialect == "hermes"
    with open_endpoint("org/not-cached-anywhere", url="http://127.0.0.1:9/v1") as remote:
        assert remote.model_dir is None and OpenAIClient(remote).local is None

# -- exact echo for a hybrid's cache -------------------------------------------------

HERMES_CALL = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>'


def raw_turn(raw_text: str, prompt_opened_think: bool = True) -> Turn:
    """A raw-mode turn as the client builds it: the exact text, split by the kit's parser."""
    from agentkit.parsing import StreamParser

    parser = StreamParser(tools=[WEATHER], prompt_opened_think=prompt_opened_think)
    parser.feed(raw_text)
    parser.close()
    parsed = parser.finish()
    return Turn(content=parsed.content, reasoning=parsed.reasoning, tool_calls=parsed.tool_calls,
                call_ids=[f"c{i}" for i in range(len(parsed.tool_calls))], mode="raw", raw_text=raw_text,
                errors=parsed.errors, timings=Timings(request_start=0.0, total=0.1))


@pytest.mark.parametrize("thinking", [True, False])
def test_a_call_in_the_other_dialect_is_echoed_as_written(thinking):
    """The model wrote a JSON call under the XML template: only the verbatim echo keeps the prefix."""
    from agentkit.client.history import needs_verbatim_echo

    template = load_chat_template("qwen3.6")
    raw_text = ("Paris: call get_weather.\n</think>\n\n" if thinking else "") + HERMES_CALL
    turn = raw_turn(raw_text, prompt_opened_think=thinking)
    assert [call.dialect for call in turn.tool_calls] == ["hermes"]
    assert needs_verbatim_echo(turn, "xml") and not needs_verbatim_echo(turn, "hermes")

    def following(dialect):
        history = History(tools=[WEATHER], thinking=thinking, dialect=dialect)
        history.add_user("What's the weather in Paris?")
        prompt = render_chat(template, history.messages, [WEATHER], enable_thinking=thinking, preserve_thinking=True)
        history.add_assistant(turn)
        history.add_tool_result("c0", '{"temperature": 12}')
        rendered = render_chat(template, history.messages, [WEATHER], enable_thinking=thinking,
                               preserve_thinking=True)
        return rendered.startswith(prompt + raw_text + "<|im_end|>\n<|im_start|>user\n<tool_response>")

    assert following("xml")  # verbatim: the server's end-of-generation entry is a prefix
    assert not following(None)  # dialect unknown: the parsed call renders as XML, other tokens


def test_verbatim_echo_only_where_the_parsed_turn_would_differ():
    from agentkit.client.history import needs_verbatim_echo, verbatim_assistant_message

    canonical = raw_turn("Paris.\n</think>\n\n" + turn_with_call().tool_calls[0].raw)
    assert canonical.tool_calls and not needs_verbatim_echo(canonical, "xml")
    assert not needs_verbatim_echo(turn_with_call(), "hermes")  # server mode: no raw text, nothing to echo
    lost = raw_turn("Paris.\n</think>\n\n<tool_call>\n<function=get_weather>\n<parameter=city>\nPar")
    assert lost.errors and needs_verbatim_echo(lost, "xml")
    assert verbatim_assistant_message(canonical) == {
        "role": "assistant", "content": "\n\n" + turn_with_call().tool_calls[0].raw, "reasoning_content": "Paris.\n"}
    # Cut inside the reasoning: all of it is reasoning.
    cut = raw_turn("Paris is a ci")
    assert verbatim_assistant_message(cut) == {"role": "assistant", "content": "", "reasoning_content": "Paris is a ci"}
    with pytest.raises(ValueError, match="raw"):
        verbatim_assistant_message(turn_with_call())


def test_a_stray_think_close_with_thinking_off_is_echoed_as_text():
    """Thinking off, the prompt closed the think block; a `</think>` the model wrote anyway is not reasoning.

    The toy wrote this in a long conversation: a broken block, a stray
    `</think>`, then a good call. Split at the `</think>`, the echo rendered a
    reasoning block the model never wrote and the next request prefilled the
    whole reply again.
    """
    template = load_chat_template("qwen3.6")
    raw_text = "<tool_call>\n<function=get_weather.\n</think>\n\n" + turn_with_call().tool_calls[0].raw
    turn = raw_turn(raw_text, prompt_opened_think=False)
    assert turn.reasoning is None and turn.errors and len(turn.tool_calls) == 1
    history = History(tools=[WEATHER], thinking=False, dialect="xml")
    history.add_user("What's the weather in Paris?")
    prompt = render_chat(template, history.messages, [WEATHER], enable_thinking=False, preserve_thinking=True)
    history.add_assistant(turn)
    assert history.messages[-1] == {"role": "assistant", "content": raw_text, "reasoning_content": ""}
    history.add_tool_result("c0", '{"temperature": 12}')
    rendered = render_chat(template, history.messages, [WEATHER], enable_thinking=False, preserve_thinking=True)
    assert rendered.startswith(prompt + raw_text + "<|im_end|>\n")


def test_reused_entry_names_the_previous_requests_entry():
    from agentkit.bench.cache_report import reused_entry

    previous = cost(1, 800, 800, 0)  # 800 prompt + 10 generated (stop token included)
    assert reused_entry(0, None) == "-"
    assert reused_entry(810, previous) == "reply"  # prompt and reply: the reply re-tokenized exactly
    assert reused_entry(799, previous) == "prompt"  # one short of the prompt: the reply is prefilled again
    assert reused_entry(805, previous) == "part"  # a full-attention cache trimmed inside the reply
    assert reused_entry(0, previous) == "none"


def test_react_tells_its_history_the_served_dialect_so_a_raw_call_in_the_other_is_echoed_verbatim(tmp_path):
    # A raw-mode call in Hermes JSON, written exactly as the Hermes template writes it, under an
    # XML template: parsed, it would be echoed as XML, tokens the model never generated.
    from agentkit.agents import AgentConfig, react
    from agentkit.client.history import served_dialect
    from agentkit.client.scripted import ScriptedClient, raw_turn, text_turn
    from agentkit.parsing.render import render_tool_call_hermes
    from agentkit.tools import example_tools

    class ServedWithXml(ScriptedClient):
        local = type("Local", (), {"dialect": "xml"})()

    written = render_tool_call_hermes("get_weather", {"city": "Paris"})
    client = ServedWithXml([raw_turn(written), text_turn("12°C in Paris.")])
    assert served_dialect(client) == "xml" and served_dialect(ScriptedClient([])) is None
    react(client, example_tools(tmp_path), "Weather in Paris?", AgentConfig(parser="raw"))
    echoed = client.requests[1].messages[2]
    assert echoed["role"] == "assistant" and "tool_calls" not in echoed and written in echoed["content"]

"""The prompt cache on a hybrid model (Gated DeltaNet + attention), through the real mlx_lm.server.

toy-dense is a `qwen3_5` hybrid like Qwen3.6-27B: its Gated DeltaNet layers
keep a recurrent state (an `ArraysCache`) that cannot be trimmed, so the
server reuses a stored entry only when it is an exact prefix of the new
prompt. The kit's history must therefore echo every reply so that it
re-tokenizes to exactly the tokens the model generated. The goal held here
(issue 10): from round 2 of the multiturn bench, the server prefills only the
newly appended messages (+ 8 tokens) on at least 90% of the rounds (the
bench's own target is 95%), thinking on and off, with the server's parser and
with the kit's raw one. With thinking off today's toy-dense writes one reply
no history can echo (see TOO_LONG_FOR_THE_TOY), so there the test that holds
is the narrower one: every reply that can be echoed is reused.

The contrast: when the echoed reply differs from the generated one late
inside it (here a call's argument changed after the fact), the hybrid falls
back to the entry at the end of the previous prompt and prefills the whole
reply again, where toy-attn (full attention, `qwen3`) trims its entry back to
the first differing token. (A difference at the very start of the reply, as
when the reasoning is dropped, costs both the same: lesson 09.)

Each test starts its own server, so no run reads another's cache.
"""

from __future__ import annotations

import json

import pytest

from agentkit.bench.multiturn import run_multiturn
from agentkit.client import History, OpenAIClient
from agentkit.serving.models import resolve_model
from agentkit.serving.server import ManagedServer
from agentkit.tools import example_tools

HYBRID, FULL_ATTENTION = "toy-dense", "toy-attn"

pytestmark = pytest.mark.server


def serve(toy: str) -> ManagedServer:
    directory = resolve_model(toy).path
    if directory is None or not directory.is_dir():
        pytest.skip(f"{toy} is not in fixtures/models")
    return ManagedServer(str(directory))


def model_type(toy: str) -> str:
    return json.loads((resolve_model(toy).path / "config.json").read_text())["model_type"]


def rounds_detail(result) -> list[tuple]:
    return [(r.turn, r.prompt_tokens, r.cached_tokens, r.new_tokens, r.reused, r.tool_calls, r.lost_calls)
            for r in result.rounds]


# Measured on the committed toy-dense: with thinking off, round 9's prompt (1,290 tokens) is past the
# longest sample the toy trained on (1,011 tokens), and it writes a broken block, a stray `</think>` and
# then its call, `get` and `_weather` as tokens the tokenizer never produces from that text. No history
# can echo tokens a text API re-tokenizes otherwise, so round 10 prefills the reply again (8/9 rounds);
# the server's parser also merges the two blocks into a call of `get_weather.`. The long-conversation
# family (agentkit/toy/sessions.py) is what the next retrain learns from; strict, so a retrained toy that
# passes turns this red until the mark goes.
TOO_LONG_FOR_THE_TOY = pytest.mark.xfail(
    strict=True, reason="toy-dense breaks a call past its trained length with thinking off (round 9)")


@pytest.mark.parametrize("parser", ["server", "raw"])
@pytest.mark.parametrize("thinking", [pytest.param(False, marks=TOO_LONG_FOR_THE_TOY), True],
                         ids=["thinking-off", "thinking-on"])
def test_kit_history_prefills_only_the_new_messages_on_a_hybrid(thinking, parser, tmp_path):
    assert model_type(HYBRID) == "qwen3_5"  # the cache under test is the untrimmable kind
    with serve(HYBRID) as server:
        client = OpenAIClient(base_url=server.base_url, model=server.model_id, timeout=120)
        result = run_multiturn(client, example_tools(tmp_path), rounds=10, thinking=thinking, parser=parser)
    rounds, detail = result.rounds, rounds_detail(result)
    assert len(rounds) == 10 and sum(r.tool_calls for r in rounds) >= 3, detail  # a tool-using conversation
    assert rounds[0].cached_tokens == 0, detail  # a fresh server: nothing to reuse yet
    within = sum(r.within_target for r in rounds[1:])
    assert within >= 0.9 * (len(rounds) - 1), f"{within}/{len(rounds) - 1} rounds within new + 8: {detail}"
    # Met the only way a hybrid can: the previous request and its reply, stop token included, came from the cache.
    assert sum(r.reused == "reply" for r in rounds[1:]) >= 0.9 * (len(rounds) - 1), detail


def test_every_reply_that_can_be_echoed_is_reused_with_thinking_off(tmp_path):
    """What the kit controls, whatever the toy writes: an echoable reply is always reused.

    A reply can be echoed when the next prompt, tokenized, starts with the
    previous prompt's ids plus the generated ones (the server keys its entry on
    those); a reply the model wrote in tokens the tokenizer would not produce
    cannot be, by any history. The bench checks it per round in raw mode.
    """
    with serve(HYBRID) as server:
        client = OpenAIClient(base_url=server.base_url, model=server.model_id, timeout=120)
        result = run_multiturn(client, example_tools(tmp_path), rounds=10, thinking=False, parser="raw")
    rounds = [(r.echoable, r.reused) for r in result.rounds[1:]]
    assert sum(echoable is True for echoable, _ in rounds) >= 7, rounds  # mostly well-formed replies
    assert all(reused == "reply" for echoable, reused in rounds if echoable), rounds
    assert all(reused != "reply" for echoable, reused in rounds if echoable is False), rounds


def first_request_and_a_late_edit(toy: str, tmp_path) -> tuple[int, int, int]:
    """(prompt tokens of request 1, cached tokens of request 2, first differing token) on a fresh server.

    Request 2 echoes request 1's reply with its call's argument changed (a repaired call stored
    in place of the generated one): the prompt differs from the stored entry late in the reply.
    """
    toolbox = example_tools(tmp_path)
    with serve(toy) as server:
        client = OpenAIClient(base_url=server.base_url, model=server.model_id, timeout=120)
        history = History(tools=toolbox.schemas(), thinking=True)
        history.add_user("What's the weather in Paris?")
        turn = client.complete(history.messages, **history.request_options(), parser="raw", max_tokens=128)
        assert turn.tool_calls, f"{toy} answered without a call: {turn.raw_text!r}"
        stored = client.render_prompt(history.messages, history.tools, thinking=True) + turn.raw_text
        history.add_assistant(turn)
        call = history.messages[-1]["tool_calls"][0]["function"]
        call["arguments"] = call["arguments"].replace(turn.tool_calls[0].arguments["city"], "paris")
        history.add_tool_result(turn.call_ids[0], toolbox.run("get_weather", {"city": "paris"}).content)
        prompt = client.render_prompt(history.messages, history.tools, thinking=True)
        tokens = [client.local.tokenizer.encode(text, add_special_tokens=False).ids for text in (stored, prompt)]
        differs = next(i for i, (a, b) in enumerate(zip(*tokens)) if a != b)
        second = client.complete(history.messages, **history.request_options(), max_tokens=1)
    return turn.usage.prompt_tokens, second.usage.cached_tokens, differs


def test_a_late_difference_costs_the_whole_reply_on_the_hybrid_only(tmp_path):
    prompt, cached, differs = first_request_and_a_late_edit(HYBRID, tmp_path)
    assert differs > prompt + 5  # the edit is well inside the reply, after the reasoning
    # The hybrid cannot trim its end-of-generation entry: it falls back to the one a token short
    # of the previous prompt and prefills the whole reply again.
    assert cached == prompt - 1, (prompt, cached, differs)
    prompt, cached, differs = first_request_and_a_late_edit(FULL_ATTENTION, tmp_path)
    # Full attention trims the same entry back to the first differing token and reuses the rest.
    assert cached == differs, (prompt, cached, differs)

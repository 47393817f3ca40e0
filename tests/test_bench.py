"""The four benches on a real mlx_lm.server (toy-dense), with short settings, plus their pure parts.

Timings are noisy on a shared 2-core machine, so nothing here compares two
times (warm TTFT < cold TTFT is likely, not guaranteed). What is asserted is
structure and sanity: every request is there, counts add up, fixed-length
requests generate exactly max_tokens, measured values are positive, the cache
serves warm requests, every concurrency level has its requests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from agentkit.bench.concurrency import concurrency_table, run_concurrency
from agentkit.bench.measure import BANNED, MARKUP_TOKENS, fixed_length_body
from agentkit.bench.multiturn import multiturn_table, run_multiturn
from agentkit.bench.speed import run_speed, speed_table
from agentkit.bench.thinking import CASES, run_thinking, thinking_table
from agentkit.cli import main
from agentkit.client import OpenAIClient, Timings, Turn, Usage
from agentkit.serving.models import TOY_MODELS, models_dir
from agentkit.serving.server import ManagedServer
from agentkit.tools import example_tools
from agentkit.trace.turn import RequestStats

needs_toys = pytest.mark.skipif(not all((models_dir() / name).is_dir() for name in TOY_MODELS),
                                reason="the toy models are not in fixtures/models")


def render(table) -> str:
    console = Console(width=200, record=True)
    console.print(table)
    return console.export_text()


# -- pure parts -----------------------------------------------------------------


def test_a_bench_table_turns_on_its_side_where_it_does_not_fit():
    from agentkit.bench.tables import new_table

    table = new_table("speed: toy", ("request", "prompt", "cached", "generated", "TTFT ms", "decode tok/s",
                                     "prefill tok/s", "ITL p50 ms", "ITL p95 ms", "total ms"))
    for name in ("1 (cold)", "2", "3", "4"):
        table.add_row(name, "141", "1", "128", "531", "88", "260", "11", "14", "1990")
    wide = render(table)
    assert "decode tok/s" in wide and "…" not in wide
    console = Console(width=80, record=True)
    console.print(table)
    narrow = console.export_text()
    # At 80 columns every heading and number reads in full: one column per request instead.
    assert "…" not in narrow and max(len(line) for line in narrow.splitlines()) <= 80
    assert "decode tok/s" in narrow and "1 (cold)" in narrow and "1990" in narrow


def test_request_timing_from_a_turn():
    turn = Turn(content="x", finish_reason="length", usage=Usage(prompt_tokens=100, completion_tokens=11,
                                                                   cached_tokens=90),
                timings=Timings(request_start=1000.0, ttft=0.05, gaps=[0.01] * 10, total=0.2, decode_tps=100.0,
                                prefill_tps=200.0))
    timing = RequestStats.from_turn(3, turn)
    assert (timing.index, timing.prompt_tokens, timing.cached_tokens, timing.completion_tokens) == (3, 100, 90, 11)
    assert timing.itl_median == pytest.approx(0.01) and timing.ended == pytest.approx(1000.2)


@needs_toys
def test_fixed_length_body_bans_stop_and_markup_tokens():
    client = OpenAIClient(base_url="http://127.0.0.1:9/v1", model="toy-dense")
    banned = fixed_length_body(client)["logit_bias"]
    tokenizer = client.local.tokenizer
    expected = {str(i) for i in client.local.eos_ids} | {str(tokenizer.token_to_id(t)) for t in MARKUP_TOKENS}
    assert set(banned) == expected and set(banned.values()) == {BANNED}
    assert "2" in banned  # <|im_end|>, the toy models' end of turn
    assert fixed_length_body(OpenAIClient(base_url="http://127.0.0.1:9/v1", model="not/here")) is None


def fake_round(turn: int, prompt: int, cached: int, lost: int = 0, reused: str = "reply"):
    from agentkit.bench.cache_report import RequestCost

    return RequestCost(turn=turn, new_tokens=20, prompt_tokens=prompt, cached_tokens=cached, completion_tokens=30,
                       tool_calls=1, lost_calls=lost, reused=reused if turn > 1 else "-",
                       timings=Timings(request_start=0.0, ttft=12.345, total=23.456))


def test_multiturn_tables_fit_80_columns_and_say_what_was_lost():
    from agentkit.bench.multiturn import MultiturnResult, summary_table
    from agentkit.bench.cache_report import cost_table

    rounds = [fake_round(1, 10850, 0)] + [fake_round(n, 10850 + 50 * n, 10830 + 50 * n, lost=int(n == 4))
                                          for n in range(2, 11)]
    result = MultiturnResult(model="/a/long/path/to/some/hybrid-model", history="no-preserve", thinking=False,
                             rounds=rounds)
    narrow = Console(width=80, record=True)
    for table in (multiturn_table(result), summary_table([("toy-dense", result), ("toy-attn", result)]),
                  cost_table("kit history", rounds)):
        narrow.print(table)
    text = narrow.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    # Nothing squeezed out: every header and the lost call are there.
    for word in ("prompt", "cached", "prefill", "new", "reused", "TTFT", "target", "1+1!", "round 4"):
        assert word in text, word
    assert "9/9 prefilled" in text and "no-preserve history, thinking" in text
    assert "no echo could" not in text  # nothing said about echoes the bench did not check


def test_multiturn_table_names_the_replies_no_history_could_echo():
    from agentkit.bench.multiturn import MultiturnResult

    rounds = [fake_round(1, 800, 0)] + [fake_round(n, 800 + 50 * n, 790 + 50 * n) for n in range(2, 10)]
    rounds.append(fake_round(10, 1400, 1299, reused="prompt").model_copy(update={"echoable": False}))
    result = MultiturnResult(model="toy-dense", history="kit", thinking=False, parser="raw", rounds=rounds)
    narrow = Console(width=80, record=True)
    narrow.print(multiturn_table(result))
    text = " ".join(narrow.export_text().split())
    assert "round 10: the previous reply was written in tokens the tokenizer does not make of its text" in text


def test_multiturn_command_takes_lists_and_refuses_unknown_names(capsys):
    from agentkit.bench.command import _choices, _names

    assert _names("toy-dense, toy-attn") == ["toy-dense", "toy-attn"]
    assert _choices("on", "off")("on,off") == ["on", "off"]
    with pytest.raises(Exception, match="maybe: choose from on, off"):
        _choices("on", "off")("on,maybe")


# -- on a real server --------------------------------------------------------------

server_tests = [pytest.mark.server, needs_toys]


@pytest.fixture(scope="module")
def client():
    with ManagedServer("toy-dense") as server:
        yield OpenAIClient(base_url=server.base_url, model=server.model_id, timeout=60)


@pytest.mark.server
@needs_toys
def test_speed_cold_then_warm(client):
    result = run_speed(client, requests=3, max_tokens=24)
    assert [r.index for r in result.requests] == [1, 2, 3] and result.fixed_length
    assert all(r.completion_tokens == 24 and r.finish_reason == "length" for r in result.requests)
    assert all(r.ttft > 0 and r.decode_tps > 0 and r.total >= r.ttft for r in result.requests)
    prompt = result.cold.prompt_tokens
    assert all(r.prompt_tokens == prompt for r in result.requests)
    # The warm requests resend the same prompt: the server serves (nearly) all of it from its cache.
    assert all(r.cached_tokens >= prompt - 2 for r in result.warm)
    text = render(speed_table(result, "toy-dense"))
    assert "1 (cold)" in text and "exactly 24 tokens" in text


@pytest.mark.server
@needs_toys
def test_speed_without_cache_prefills_every_request(client):
    result = run_speed(client, requests=2, max_tokens=8, reuse_prompt=False)
    assert all(r.cached_tokens < r.prompt_tokens / 2 for r in result.requests)


@pytest.mark.server
@needs_toys
def test_thinking_on_and_off_for_both_cases(client, tmp_path):
    tools = example_tools(tmp_path).schemas()
    result = run_thinking(client, tools, max_tokens=160)
    assert [(r.case, r.thinking) for r in result.runs] == [(c, t) for c in CASES for t in (False, True)]
    for run in result.runs:
        assert run.completion_tokens > 0 and run.total > 0
        if run.thinking:
            assert run.reasoning_tokens > 0  # the toy models think when asked to
        else:
            assert run.reasoning_tokens == 0
        if run.time_to_answer is not None:
            assert 0 < run.time_to_answer <= run.total
    assert "thinking on / off" in render(thinking_table(result))


@pytest.mark.server
@needs_toys
def test_multiturn_rounds_and_cache(client, tmp_path):
    toolbox = example_tools(tmp_path)
    result = run_multiturn(client, toolbox, rounds=4, max_tokens=96)
    assert [r.turn for r in result.rounds] == [1, 2, 3, 4]
    prompts = [r.prompt_tokens for r in result.rounds]
    assert prompts == sorted(prompts) and len(set(prompts)) == 4  # the conversation only grows
    # The kit's history keeps the cached prefix: each later round reuses what came before.
    assert all(later.cached_tokens >= earlier.prompt_tokens for earlier, later in zip(result.rounds, result.rounds[1:]))
    assert 0.5 < result.cached_share <= 1
    assert "round 4: TTFT" in render(multiturn_table(result))


@pytest.mark.server
@needs_toys
def test_concurrency_levels(client):
    result = run_concurrency(client, levels=(1, 2, 3), max_tokens=12)
    assert [level.concurrency for level in result.levels] == [1, 2, 3]
    for level in result.levels:
        assert len(level.requests) == level.concurrency
        assert all(r.completion_tokens == 12 for r in level.requests)
        assert level.aggregate_tps > 0 and level.ttft_p50 > 0 and level.ttft_p95 >= level.ttft_p50
        # The requests of a level overlap in time: each starts before any other ends.
        assert max(r.started for r in level.requests) < min(r.ended for r in level.requests)
    assert "aggregate at 3 / at 1" in render(concurrency_table(result))


@pytest.mark.server
@needs_toys
def test_cli_bench_speed_starts_its_server_and_writes_json(tmp_path: Path, capsys):
    out = tmp_path / "speed.json"
    assert main(["bench", "speed", "--requests", "2", "--max-tokens", "8", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "speed: toy-dense" in printed and "server start" in printed
    data = json.loads(out.read_text())
    assert len(data["requests"]) == 2 and data["server_start_s"] > 0


@pytest.mark.server
@needs_toys
def test_cli_bench_on_a_running_server(client, capsys):
    assert main(["bench", "concurrency", "--url", client.base_url, "--levels", "1", "2", "--max-tokens", "8"]) == 0
    assert "concurrency:" in capsys.readouterr().out


def test_cli_bench_rejects_a_single_speed_request(capsys):
    with pytest.raises(SystemExit):
        main(["bench", "speed", "--requests", "1"])
    assert "at least 2" in capsys.readouterr().err

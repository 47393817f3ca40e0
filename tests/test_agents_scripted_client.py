"""The scripted client: replays turns, fails on an extra request, records and reloads turns."""

import pytest

from agentkit.client import Client
from agentkit.client.scripted import (
    RecordingClient, ScriptedClient, ScriptExhaustedError, call_turn, raw_turn, text_turn,
)
from agentkit.parsing import ContentDelta, ReasoningDelta, ToolCallReady
from agentkit.trace import ModelCall, RunStart, TraceWriter


def test_replays_in_order_records_requests_and_fails_on_one_more():
    client = ScriptedClient([call_turn(("get_weather", {"city": "Paris"})), text_turn("12 °C.")])
    assert isinstance(client, Client)
    messages = [{"role": "user", "content": "Weather?"}]
    first = client.complete(messages, [{"type": "function"}], thinking=True, parser="raw")
    messages.append({"role": "assistant", "content": ""})  # a later change must not alter what was recorded
    assert first.tool_calls[0].arguments == {"city": "Paris"} and first.finish_reason == "tool_calls"
    assert client.requests[0].messages == [{"role": "user", "content": "Weather?"}]
    assert client.requests[0].options["thinking"] is True and client.requests[0].options["parser"] == "raw"
    assert client.complete(messages).content == "12 °C."
    assert client.remaining == 0
    with pytest.raises(ScriptExhaustedError, match="holds 2 turns and the agent asked for one more") as error:
        client.complete(messages)
    assert error.value.fix


def test_replay_returns_copies_so_agents_cannot_change_the_script():
    client = ScriptedClient([text_turn("a"), text_turn("b")])
    client.complete([]).content = "changed"
    assert client.turns[0].content == "a"


def test_deltas_are_replayed_like_a_stream():
    events = []
    ScriptedClient([call_turn(("calculator", {"expression": "1+1"}), reasoning="Add.", content="Let me see.")]) \
        .complete([], on_delta=events.append)
    assert [type(e) for e in events] == [ReasoningDelta, ContentDelta, ToolCallReady]
    assert events[0].text == "Add." and events[2].call.name == "calculator"


def test_call_turn_ids_are_stable_and_distinct():
    turn = call_turn(("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Oslo"}))
    assert len(set(turn.call_ids)) == 2
    assert turn.call_ids == call_turn(("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Oslo"})).call_ids


def test_raw_turn_goes_through_the_kits_parser():
    turn = raw_turn("<think>\nCall it: <tool_call>{\"name\": \"x\", \"arguments\": {}}</tool_call>\n</think>\n\nDone.")
    assert turn.mode == "raw" and turn.content == "Done." and not turn.tool_calls
    assert [w.code for w in turn.warnings] == ["call_in_reasoning"]
    broken = raw_turn('<tool_call>\n{"name": "get_weather", "arguments": {"city": ')
    assert [e.code for e in broken.errors] == ["truncated_tool_call"]


def test_recording_client_saves_turns_that_replay_identically(tmp_path):
    inner = ScriptedClient([call_turn(("get_weather", {"city": "Paris"})), text_turn("done", prompt_tokens=9)],
                           model="toy-dense")
    recorder = RecordingClient(inner, tmp_path / "turns.jsonl")
    turns = [recorder.complete([{"role": "user", "content": "hi"}]) for _ in range(2)]
    assert recorder.model == "toy-dense"
    replay = ScriptedClient.load(tmp_path / "turns.jsonl")
    assert replay.turns == turns


def test_from_trace_replays_the_model_calls_of_a_trace(tmp_path):
    turns = [call_turn(("calculator", {"expression": "2*3"})), text_turn("6")]
    with TraceWriter(tmp_path / "t.jsonl") as writer:
        writer.write(RunStart(agent="react", task="2*3?", model="toy-moe", tools=["calculator"], config={}))
        for step, turn in enumerate(turns, start=1):
            writer.write(ModelCall(purpose="react", step=step, new_messages=[], tools=[], turn=turn))
    client = ScriptedClient.from_trace(tmp_path / "t.jsonl")
    assert client.model == "toy-moe" and client.turns == turns

"""ReAct with the scripted client: the message protocol, parallel calls, tool errors, raw turns, the runner."""

import json

import pytest

from agentkit.agents import AgentConfig, react, run_agent
from agentkit.client.scripted import ScriptedClient, ScriptExhaustedError, call_turn, raw_turn, text_turn
from agentkit.prompts import render_prompt
from agentkit.tools import example_tools
from agentkit.trace import Tracer, read_trace


@pytest.fixture
def toolbox(tmp_path):
    (tmp_path / "agenda.txt").write_text("Review on Thursday.")
    return example_tools(tmp_path)


def test_messages_follow_the_protocol_exactly(toolbox):
    first = call_turn(("get_weather", {"city": "Paris"}), reasoning="I need the weather.")
    client = ScriptedClient([first, text_turn("It is 12 °C in Paris.")])
    result = react(client, toolbox, "Weather in Paris?", AgentConfig(thinking=True, parser="raw", max_tokens=99))
    assert result.answer == "It is 12 °C in Paris."
    system = {"role": "system", "content": render_prompt("react_system")}
    user = {"role": "user", "content": "Weather in Paris?"}
    assert client.requests[0].messages == [system, user]
    assert client.requests[0].tools == toolbox.schemas()
    observation = toolbox.run("get_weather", {"city": "Paris"}).content
    assert client.requests[1].messages == [
        system, user,
        {"role": "assistant", "content": "", "reasoning_content": "I need the weather.",
         "tool_calls": [{"id": first.call_ids[0], "type": "function",
                         "function": {"name": "get_weather", "arguments": json.dumps({"city": "Paris"})}}]},
        {"role": "tool", "tool_call_id": first.call_ids[0], "content": observation},
    ]
    # The same options on every request: the prompt cache depends on it.
    assert all(r.options == {"thinking": True, "parser": "raw", "max_tokens": 99, "temperature": 0.0}
               for r in client.requests)
    assert result.observations == [observation]
    assert result.messages[-1] == {"role": "assistant", "content": "It is 12 °C in Paris."}


def test_parallel_calls_run_in_order_and_each_result_goes_back(toolbox):
    turn = call_turn(("get_weather", {"city": "Tokyo"}), ("get_weather", {"city": "Seoul"}),
                     ("calculator", {"expression": "2 + 2"}))
    client = ScriptedClient([turn, text_turn("Done.")])
    tracer = Tracer()
    result = react(client, toolbox, "Tokyo, Seoul, 2+2?", tracer=tracer)
    sent = client.requests[1].messages[3:]
    assert [m["tool_call_id"] for m in sent] == turn.call_ids
    assert json.loads(sent[0]["content"])["city"] == "Tokyo" and json.loads(sent[1]["content"])["city"] == "Seoul"
    assert sent[2]["content"] == "4"
    assert [(e.type, getattr(e, "name", None)) for e in tracer.events if e.type in ("tool_call", "tool_result")] == [
        ("tool_call", "get_weather"), ("tool_result", "get_weather"), ("tool_call", "get_weather"),
        ("tool_result", "get_weather"), ("tool_call", "calculator"), ("tool_result", "calculator")]
    assert len(result.observations) == 3


def test_a_failing_tool_is_an_observation_not_a_crash(toolbox):
    client = ScriptedClient([call_turn(("calculator", {"expression": "1 / 0"})),
                             call_turn(("read_file", {"path": "../etc/passwd"})), text_turn("Cannot.")])
    tracer = Tracer()
    result = react(client, toolbox, "Divide by zero, then read outside.", tracer=tracer)
    assert result.answer == "Cannot."
    failures = [e for e in tracer.events if e.type == "tool_result"]
    assert [e.ok for e in failures] == [False, False]
    assert all(e.error_kind == "tool_error" for e in failures)
    assert client.requests[1].messages[-1]["content"].startswith("Error:")


def test_raw_mode_turns_from_model_text(toolbox):
    tools = toolbox.schemas()
    client = ScriptedClient([
        raw_turn("<tool_call>\n<function=read_file>\n<parameter=path>\nagenda.txt\n</parameter>\n</function>\n"
                 "</tool_call>", tools),
        raw_turn("agenda.txt says: Review on Thursday."),
    ])
    result = react(client, toolbox, "What does agenda.txt say?", AgentConfig(parser="raw"))
    assert result.observations == ["Review on Thursday."]
    assert "Thursday" in result.answer


def test_model_call_events_hold_only_the_new_messages(toolbox):
    client = ScriptedClient([call_turn(("calculator", {"expression": "6*7"})), text_turn("42")])
    tracer = Tracer()
    react(client, toolbox, "6*7?", tracer=tracer)
    first, second = [e for e in tracer.events if e.type == "model_call"]
    assert [m["role"] for m in first.new_messages] == ["system", "user"]
    assert [m["role"] for m in second.new_messages] == ["assistant", "tool"]
    assert (first.step, second.step) == (1, 2)
    assert first.tools == toolbox.names and second.agent_s >= 0


def test_runner_frames_the_run_and_writes_a_complete_trace(toolbox, tmp_path):
    from agentkit.trace import TraceWriter

    client = ScriptedClient([call_turn(("get_weather", {"city": "Oslo"})), text_turn("Cold in Oslo.")],
                            model="toy-dense")
    with TraceWriter(tmp_path / "run.jsonl") as writer:
        result = run_agent("react", client, toolbox, "Oslo?", AgentConfig(max_steps=3), Tracer(writer))
    trace = read_trace(tmp_path / "run.jsonl")
    assert [e.type for e in trace.events] == ["run_start", "model_call", "tool_call", "tool_result",
                                              "model_call", "final_answer", "run_end"]
    assert trace.start.model == "toy-dense" and trace.start.config["max_steps"] == 3
    assert trace.start.tools == toolbox.names
    assert trace.events[-2].answer == result.answer == "Cold in Oslo."
    assert (trace.end.status, trace.end.model_calls, trace.end.tool_calls) == ("ok", 2, 1)


def test_runner_records_an_error_and_run_end_then_reraises(toolbox):
    tracer = Tracer()
    with pytest.raises(ScriptExhaustedError):
        run_agent("react", ScriptedClient([call_turn(("calculator", {"expression": "1+1"}))]), toolbox, "1+1?",
                  tracer=tracer)
    error, end = tracer.events[-2:]
    assert error.type == "error" and error.kind == "ScriptExhaustedError" and error.fix
    assert end.status == "error" and end.model_calls == 1


def test_runner_marks_ctrl_c_as_interrupted(toolbox):
    class Interrupting(ScriptedClient):
        def complete(self, *args, **kwargs):
            raise KeyboardInterrupt

    tracer = Tracer()
    with pytest.raises(KeyboardInterrupt):
        run_agent("react", Interrupting([]), toolbox, "hi", tracer=tracer)
    assert tracer.events[-1].status == "interrupted"


def test_runner_rejects_an_unknown_pattern(toolbox):
    with pytest.raises(ValueError, match="react, reflection, plan"):
        run_agent("debate", ScriptedClient([]), toolbox, "hi")

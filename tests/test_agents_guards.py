"""Every ReAct guard and error path, with scripted model turns."""

import pytest

from agentkit.agents import (
    AgentConfig, ContextBudgetError, FormatRetriesError, MaxStepsError, RepeatedCallError, react, run_agent,
)
from agentkit.agents.guards import call_key, wrote_call_in_reasoning
from agentkit.client.scripted import ScriptedClient, ScriptExhaustedError, call_turn, raw_turn, text_turn
from agentkit.client.server_answer import ServerAnswer
from agentkit.parsing import ToolCall, message_for_model
from agentkit.prompts import render_prompt
from agentkit.tools import example_tools
from agentkit.trace import Tracer
from agentkit.trace.turn import Timings, Turn

PARIS = ("get_weather", {"city": "Paris"})
BROKEN = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Par'


@pytest.fixture
def toolbox(tmp_path):
    return example_tools(tmp_path)


def guards(tracer):
    return [(e.guard, e.action) for e in tracer.events if e.type == "guard"]


def last_user(client, request=-1):
    return client.requests[request].messages[-1]


def test_max_steps_stops_a_model_that_never_answers(toolbox):
    client = ScriptedClient([call_turn(("calculator", {"expression": f"{n} + 1"})) for n in range(3)])
    tracer = Tracer()
    with pytest.raises(MaxStepsError, match="No final answer after 3 model requests") as error:
        run_agent("react", client, toolbox, "Count.", AgentConfig(max_steps=3), tracer)
    assert "max_steps" in error.value.fix
    assert guards(tracer) == [("max_steps", "stopped")]
    assert tracer.events[-1].status == "stopped" and tracer.events[-1].tool_calls == 3


def test_a_repeated_call_is_told_once_then_stops_the_run(toolbox):
    client = ScriptedClient([call_turn(PARIS), call_turn(PARIS), call_turn(PARIS)])
    tracer = Tracer()
    with pytest.raises(RepeatedCallError, match="get_weather with the same arguments 3 times"):
        run_agent("react", client, toolbox, "Paris?", AgentConfig(max_repeats=2), tracer)
    # After the second identical call the model hears the guard prompt, after the tool result.
    told = render_prompt("guard_repeated_call", name="get_weather", count=2)
    assert last_user(client) == {"role": "user", "content": told}
    assert client.requests[2].messages[-2]["role"] == "tool"
    assert guards(tracer) == [("repeated_call", "told_model"), ("repeated_call", "stopped")]
    # The third call was never run.
    assert sum(e.type == "tool_result" for e in tracer.events) == 2


def test_a_model_that_listens_to_the_repeat_guard_finishes(toolbox):
    client = ScriptedClient([call_turn(PARIS), call_turn(PARIS), text_turn("12 °C in Paris.")])
    assert react(client, toolbox, "Paris?", AgentConfig(max_repeats=2)).answer == "12 °C in Paris."


def test_parallel_duplicates_count_and_argument_order_does_not_matter(toolbox):
    a = ToolCall(name="convert_units", arguments={"value": 1, "from_unit": "km", "to_unit": "m"}, raw="", dialect="xml")
    b = ToolCall(name="convert_units", arguments={"to_unit": "m", "value": 1, "from_unit": "km"}, raw="", dialect="xml")
    assert call_key(a) == call_key(b)
    client = ScriptedClient([call_turn(PARIS, PARIS), text_turn("ok")])
    tracer = Tracer()
    react(client, toolbox, "Paris twice", AgentConfig(max_repeats=2), tracer)
    assert guards(tracer) == [("repeated_call", "told_model")]


def test_a_malformed_call_gets_the_parsers_message_and_the_model_retries(toolbox):
    broken = raw_turn(BROKEN, toolbox.schemas())
    client = ScriptedClient([broken, call_turn(PARIS), text_turn("12 °C.")])
    tracer = Tracer()
    result = react(client, toolbox, "Paris?", AgentConfig(parser="raw"), tracer)
    assert result.answer == "12 °C."
    expected = render_prompt("guard_parse_error", problems=message_for_model(broken.errors))
    assert last_user(client, 1) == {"role": "user", "content": expected}
    assert "ended in the middle of a tool call" in expected
    assert guards(tracer) == [("parse_error", "told_model")]


def test_valid_calls_of_a_partly_broken_turn_still_run_before_the_message(toolbox):
    mixed = raw_turn("<tool_call>\n<function=get_weather>\n<parameter=city>\nOslo\n</parameter>\n</function>\n"
                     "</tool_call>\n<tool_call>\n{\"name\": oops}\n</tool_call>", toolbox.schemas())
    assert len(mixed.tool_calls) == 1 and mixed.errors
    client = ScriptedClient([mixed, text_turn("Oslo is cold.")])
    react(client, toolbox, "Oslo?", AgentConfig(parser="raw"))
    roles = [m["role"] for m in client.requests[1].messages]
    assert roles == ["system", "user", "assistant", "tool", "user"]


def test_format_retries_are_bounded(toolbox):
    broken = raw_turn(BROKEN, toolbox.schemas())
    client = ScriptedClient([broken, broken, broken])
    tracer = Tracer()
    with pytest.raises(FormatRetriesError, match="3 broken or unknown tool calls") as error:
        run_agent("react", client, toolbox, "Paris?", AgentConfig(max_format_retries=2), tracer)
    assert "--template" in error.value.fix
    assert guards(tracer) == [("parse_error", "told_model")] * 2 + [("parse_error", "stopped")]


def test_an_unknown_tool_gets_the_toolboxs_message_and_counts_as_a_retry(toolbox):
    client = ScriptedClient([call_turn(("get_wether", {"city": "Paris"})), call_turn(PARIS), text_turn("12 °C.")])
    tracer = Tracer()
    react(client, toolbox, "Paris?", tracer=tracer)
    observation = client.requests[1].messages[-1]
    assert observation["role"] == "tool"
    assert observation["content"].startswith("Error: unknown tool 'get_wether'. Available tools: get_weather,")
    assert guards(tracer) == [("unknown_tool", "told_model")]
    unknown = [call_turn(("teleport", {})) for _ in range(2)]
    with pytest.raises(FormatRetriesError, match="unknown tool 'teleport'"):
        react(ScriptedClient(unknown), toolbox, "Go.", AgentConfig(max_format_retries=1))


def test_a_call_only_inside_reasoning_is_pointed_out_once(toolbox):
    hidden = raw_turn("<think>\nI will call <tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n"
                      "</parameter>\n</function>\n</tool_call>\n</think>\n\nLet me check.", toolbox.schemas())
    client = ScriptedClient([hidden, hidden])
    tracer = Tracer()
    result = react(client, toolbox, "Paris?", AgentConfig(parser="raw", thinking=True), tracer)
    assert last_user(client) == {"role": "user", "content": render_prompt("guard_call_in_reasoning")}
    # The second time, the words stand as the answer: the guard does not loop.
    assert result.answer == "Let me check."
    assert guards(tracer) == [("call_in_reasoning", "told_model")]


def test_call_in_reasoning_detection_in_both_modes():
    def turn(**fields):
        return Turn(timings=Timings(request_start=0, total=0), **{"content": "", **fields})

    assert wrote_call_in_reasoning(turn(reasoning="plan: <tool_call>{...}</tool_call>"))
    # mlx_lm.server 0.32.2 leaks the rest of the reasoning and a literal </think> into the content.
    assert wrote_call_in_reasoning(turn(reasoning="plan:", content="<tool_call>x</tool_call> ok </think>\n\nHi"))
    assert not wrote_call_in_reasoning(turn(reasoning="I will answer directly.", content="Hi"))
    real_call = call_turn(PARIS, reasoning="<tool_call> is how I call tools")
    assert not wrote_call_in_reasoning(real_call)


def test_context_budget_stops_the_run_when_the_prompt_grows_past_it(toolbox):
    client = ScriptedClient([call_turn(PARIS, prompt_tokens=900), text_turn("done", prompt_tokens=1100)])
    tracer = Tracer()
    with pytest.raises(ContextBudgetError, match="1100 tokens, over the context budget of 1000"):
        run_agent("react", client, toolbox, "Paris?", AgentConfig(context_budget=1000), tracer)
    assert guards(tracer) == [("context_budget", "stopped")]
    assert tracer.events[-1].status == "stopped"
    unlimited = ScriptedClient([call_turn(PARIS, prompt_tokens=900), text_turn("done", prompt_tokens=10**6)])
    assert react(unlimited, toolbox, "Paris?", AgentConfig(context_budget=None)).answer == "done"


def test_a_call_the_server_dropped_is_reported_and_retried(toolbox):
    answer = ServerAnswer("xml")
    answer.add({"content": "", "reasoning": "I will call get_weather."})
    [lost] = answer.dropped_calls("tool_calls")
    assert lost.code == "truncated_tool_call" and lost.is_error
    assert answer.dropped_calls("stop") == []
    answer.add({"tool_calls": [{"id": "c1", "function": {"name": "get_weather", "arguments": "{}"}}]})
    assert answer.dropped_calls("tool_calls") == []
    dropped = Turn(content="", finish_reason="tool_calls", errors=[lost], timings=Timings(request_start=0, total=0))
    client = ScriptedClient([dropped, call_turn(PARIS), text_turn("12 °C.")])
    assert react(client, toolbox, "Paris?").answer == "12 °C."
    assert "could not be read" in last_user(client, 1)["content"]


def test_an_extra_request_fails_the_scripted_run(toolbox):
    with pytest.raises(ScriptExhaustedError):
        react(ScriptedClient([call_turn(PARIS)]), toolbox, "Paris?")

"""Reflection with scripted turns: draft, JSON critique, revise, and what happens when the JSON is bad."""

import json

import pytest

from agentkit.agents import AgentConfig, Critique, InvalidReply, parse_json_reply, reflect, run_agent
from agentkit.client.scripted import ScriptedClient, call_turn, text_turn
from agentkit.prompts import render_prompt
from agentkit.tools import example_tools
from agentkit.trace import Tracer

TASK = "What is 17 * 23?"


@pytest.fixture
def toolbox(tmp_path):
    return example_tools(tmp_path)


def verdict(kind, *problems):
    return text_turn(json.dumps({"verdict": kind, "problems": list(problems)}))


def test_a_passing_critique_keeps_the_draft_and_sees_the_evidence(toolbox):
    client = ScriptedClient([call_turn(("calculator", {"expression": "17 * 23"})), text_turn("17 * 23 = 391."),
                             verdict("pass")])
    tracer = Tracer()
    result = reflect(client, toolbox, TASK, AgentConfig(thinking=True), tracer)
    assert result.answer == "17 * 23 = 391." and result.evidence == ["391"]
    assert [c.verdict for c in result.critiques] == ["pass"]
    critique_request = client.requests[2]
    assert critique_request.tools is None
    assert critique_request.messages == [
        {"role": "system", "content": render_prompt("reflection_critique_system")},
        {"role": "user", "content": render_prompt("reflection_critique", task=TASK, evidence=["391"],
                                                  draft="17 * 23 = 391.")},
    ]
    assert critique_request.options["thinking"] is True
    assert [(e.round, e.verdict) for e in tracer.events if e.type == "critique"] == [(1, "pass")]


def test_revise_rewrites_with_the_problems_then_critiques_again(toolbox):
    problem = "The draft says 401 but the evidence says 391."
    client = ScriptedClient([call_turn(("calculator", {"expression": "17 * 23"})), text_turn("17 * 23 = 401."),
                             verdict("revise", problem), text_turn("17 * 23 = 391."), verdict("pass")])
    tracer = Tracer()
    result = reflect(client, toolbox, TASK, tracer=tracer)
    assert result.drafts == ["17 * 23 = 401.", "17 * 23 = 391."] and result.answer == "17 * 23 = 391."
    revise_request = client.requests[3]
    assert revise_request.tools is None
    assert revise_request.messages == [
        {"role": "system", "content": render_prompt("react_system")},
        {"role": "user", "content": render_prompt("reflection_revise", task=TASK, evidence=["391"],
                                                  draft="17 * 23 = 401.", problems=[problem])},
    ]
    # The second critique reads the rewrite.
    assert "Draft answer: 17 * 23 = 391." in client.requests[4].messages[1]["content"]
    assert [m.purpose for m in tracer.events if m.type == "model_call"] == [
        "react", "react", "critique", "revise", "critique"]


def test_max_rounds_bounds_the_loop_and_the_last_rewrite_stands(toolbox):
    client = ScriptedClient([text_turn("draft 0"), verdict("revise", "no"), text_turn("draft 1"),
                             verdict("revise", "still no"), text_turn("draft 2")])
    result = reflect(client, toolbox, TASK, AgentConfig(max_rounds=2))
    assert result.answer == "draft 2" and len(result.critiques) == 2 and client.remaining == 0


def test_invalid_json_is_retried_once_with_the_problem(toolbox):
    client = ScriptedClient([text_turn("391."), text_turn("Looks fine to me!"),
                             text_turn('```json\n{"verdict": "pass", "problems": []}\n```')])
    tracer = Tracer()
    result = reflect(client, toolbox, TASK, tracer=tracer)
    assert [c.verdict for c in result.critiques] == ["pass"]
    retry = client.requests[2].messages
    assert retry[-2] == {"role": "assistant", "content": "Looks fine to me!"}
    assert retry[-1] == {"role": "user", "content": render_prompt(
        "guard_invalid_json", problem="Your reply does not contain a JSON object.")}
    assert [(e.guard, e.action) for e in tracer.events if e.type == "guard"] == [("invalid_json", "told_model")]


def test_invalid_json_twice_records_an_error_and_keeps_the_draft(toolbox):
    client = ScriptedClient([text_turn("391."), text_turn("fine"), text_turn('{"verdict": "maybe"}')])
    tracer = Tracer()
    result = run_agent("reflection", client, toolbox, TASK, tracer=tracer)
    assert result.answer == "391." and result.critiques == []
    [error] = [e for e in tracer.events if e.type == "error"]
    assert error.kind == "InvalidReply" and "verdict" in error.message
    assert tracer.events[-1].status == "ok"


@pytest.mark.parametrize("text", [
    '{"verdict": "pass", "problems": []}',
    'Here is my review: {"verdict": "pass", "problems": []} Thanks.',
    '```json\n{"verdict": "pass"}\n```',
    'Not {this} but {"verdict": "pass", "problems": []}',
])
def test_json_replies_tolerate_fences_and_prose(text):
    assert parse_json_reply(text, Critique).verdict == "pass"


@pytest.mark.parametrize("text, message", [
    ("no json here", "does not contain a JSON object"),
    ('{"verdict": "ok"}', "verdict"),
    ('{"problems": []}', "verdict: Field required"),
])
def test_json_reply_problems_are_written_for_the_model(text, message):
    with pytest.raises(InvalidReply, match=message):
        parse_json_reply(text, Critique)

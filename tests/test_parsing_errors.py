"""Unrecoverable input: each error code, its position, snippet and message."""

import pytest

from agentkit.parsing import (
    ERROR_CODES, ParsedTurn, StreamParser, message_for_model, parse_assistant,
    render_tool_call_hermes, render_tool_call_xml,
)
from parsing_checks import codes, parse


GOOD = render_tool_call_hermes("first", {"x": 1})
PREFIX = GOOD + "\n"


@pytest.mark.parametrize(("broken", "code", "offset"), [
    # output cut off inside a call, both dialects
    ('<tool_call>\n{"name": "f", "argum', "truncated_tool_call", 12),
    ("<tool_call>\n<function=f>\n<parameter=a>\nhal", "truncated_tool_call", 12),
    ("<tool_call>\n<function=f", "truncated_tool_call", 12),
    ("<tool_call>\n", "truncated_tool_call", 0),
    # JSON that is not an object, or not JSON at all
    ('<tool_call>\n{"name": "f", "arguments": {"a": }}\n</tool_call>', "invalid_json", 45),
    ('<tool_call>\n["just", "strings"]\n</tool_call>', "invalid_json", 12),
    ("<tool_call>\nget_weather(city='Seoul')\n</tool_call>", "invalid_json", 0),
    ('<tool_call>\n{"name": "f", "arguments": [1, 2]}\n</tool_call>', "arguments_not_object", 12),
    ('<tool_call>\n{"name": "f", "arguments": "not json"}\n</tool_call>', "arguments_not_object", 12),
    # parameters without a function name, empty calls
    ("<tool_call>\n<parameter=a>\n1\n</parameter>\n</tool_call>", "missing_function_name", 12),
    ('<tool_call>\n{"arguments": {}}\n</tool_call>', "missing_function_name", 12),
    ("<tool_call>\n<function=>\n</function>\n</tool_call>", "missing_function_name", 12),
    # malformed <function= / <parameter= tags
    ("<tool_call>\n<function=get weather>\n</function>\n</tool_call>", "malformed_function_tag", 12),
    ("<tool_call>\n<function=f\n<parameter=a>1</parameter></function>\n</tool_call>", "malformed_function_tag", 12),
    ('<tool_call>\n<function name="f">\n</function>\n</tool_call>', "malformed_function_tag", 12),
    ("<tool_call>\n<function=f>\n<parameter=>\n1\n</parameter>\n</function>\n</tool_call>",
     "malformed_function_tag", 25),
])
def test_error_code_position_and_earlier_calls_kept(broken, code, offset):
    text = PREFIX + broken
    turn = parse(text)
    assert codes(turn.errors) == [code]
    assert code in ERROR_CODES and turn.errors[0].is_error
    error = turn.errors[0]
    assert error.position == len(PREFIX) + offset
    assert error.snippet and error.snippet in text
    assert [c.name for c in turn.tool_calls] == ["first"]


def test_messages_are_written_for_the_model():
    turn = parse('<tool_call>\n{"name": "f", "arguments": [1]}\n</tool_call>')
    message = turn.errors[0].message
    assert "f" in message and "object" in message and "not run" in message


def test_a_cut_second_function_keeps_the_first():
    text = "<tool_call>\n<function=a>\n</function>\n<function=b>\n<parameter=x>\n1"
    turn = parse(text)
    assert [c.name for c in turn.tool_calls] == ["a"]
    assert codes(turn.errors) == ["truncated_tool_call"]


def test_a_malformed_call_does_not_stop_later_calls():
    text = ("<tool_call>\n<function=bad name>\n</function>\n</tool_call>\n"
            + render_tool_call_xml("good", {"a": "1"}))
    turn = parse(text)
    assert [c.name for c in turn.tool_calls] == ["good"]
    assert codes(turn.errors) == ["malformed_function_tag"]


def test_hostile_json_never_raises():
    for body in ["[" * 100_000, '{"name": "f", "arguments": {"n": ' + "9" * 5000 + "}}",
                 "{'a': " + "(" * 10_000, '{"name": "\\ud800", "arguments": {}}']:
        turn = parse_assistant(f"<tool_call>\n{body}\n</tool_call>")
        assert isinstance(turn, ParsedTurn)


def test_message_for_model():
    turn = parse('<tool_call>\n{"name": "f"\n</tool_call><tool_call>\n{"arguments": {}}</tool_call>')
    assert message_for_model([]) == ""
    assert message_for_model(turn.errors[:1]) == turn.errors[0].message
    combined = message_for_model(turn.errors)
    assert combined.startswith("Your last reply had 2 problems")
    assert turn.errors[0].message in combined and turn.errors[1].message in combined


def test_feed_after_finish_is_a_usage_error():
    parser = StreamParser()
    parser.finish()
    with pytest.raises(RuntimeError, match="new StreamParser"):
        parser.feed("more")

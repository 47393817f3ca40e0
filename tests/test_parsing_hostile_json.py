"""JSON no decoder may crash on: a Python `...`, a 5000-digit number, 3000 nested objects.

Each used to escape as an exception (or, for `...`, as an `Ellipsis` that
later broke the trace's serialization). Every JSON decoding the model's output
reaches must turn them into its ordinary invalid-JSON error instead.
"""

import pytest
from pydantic import TypeAdapter

from agentkit.agents import Critique, InvalidReply, parse_json_reply
from agentkit.client.server_answer import ServerAnswer
from agentkit.parsing import ParsedTurn, parse_assistant
from agentkit.parsing.schema import MAX_LITERAL_CHARS, convert_value
from parsing_checks import codes, parse

HUGE_NUMBER = "1" * 5000
DEEP = '{"a": ' * 3000 + "1" + "}" * 3000
OBJECT_TOOL = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {
    "o": {"type": "object"}, "n": {"type": "integer"}}}}}]


@pytest.mark.parametrize("arguments", ['{"a": ...}', "{'a': [1, ...]}", "{'a': Ellipsis}"])
def test_hermes_ellipsis_is_an_invalid_call_that_serializes(arguments):
    quote = '"' if arguments.startswith('{"') else "'"
    text = f"<tool_call>{{{quote}name{quote}: {quote}f{quote}, {quote}arguments{quote}: {arguments}}}</tool_call>"
    turn = parse(text)
    assert turn.tool_calls == [] and codes(turn.errors) == ["invalid_json"]
    if "..." in arguments:
        assert "'...' stands for a value; write the value itself" in turn.errors[0].message
    TypeAdapter(ParsedTurn).dump_json(turn)  # what the trace does; an Ellipsis made this raise


@pytest.mark.parametrize(("body", "detail"), [
    ('{"name": "f", "arguments": {"n": ' + HUGE_NUMBER + "}}", "a number has too many digits to decode"),
    ('{"name": "f", "arguments": ' + DEEP + "}", "nested too deeply"),
])
def test_hermes_huge_numbers_and_deep_nesting_are_invalid_json(body, detail):
    turn = parse_assistant("<tool_call>" + body + "</tool_call>")
    assert turn.tool_calls == [] and codes(turn.errors) == ["invalid_json"]
    assert detail in turn.errors[0].message


@pytest.mark.parametrize("value", [HUGE_NUMBER, DEEP, "[" * 3000 + "]" * 3000, "{'a': ...}",
                                   "1+" * 50_000 + "1", "-" * 100_000 + "1"])
def test_xml_values_that_no_decoder_can_take_stay_text(value):
    for schema in ({"type": "object"}, {"type": "integer"}, None):
        converted, _ = convert_value(value, schema)
        assert converted == value  # kept as text; schema_mismatch tells the model


def test_python_literals_past_the_size_guard_are_not_parsed():
    big = "{'a': '" + "x" * MAX_LITERAL_CHARS + "'}"
    assert convert_value(big, {"type": "object"}) == (big, "object")
    assert convert_value(big[: MAX_LITERAL_CHARS - 10] + "'}", {"type": "object"})[1] is None


@pytest.mark.parametrize(("text", "phrase"), [
    ('{"verdict": "pass", "n": ' + HUGE_NUMBER + "}", "too many digits"),
    (DEEP, "nested too deeply"),
])
def test_parse_json_reply_turns_decoder_limits_into_invalid_reply(text, phrase):
    with pytest.raises(InvalidReply, match=phrase):
        parse_json_reply(text, Critique)


@pytest.mark.parametrize(("arguments", "phrase"), [
    ('{"n": ' + HUGE_NUMBER + "}", "a number has too many digits"),
    (DEEP, "nested too deeply"),
    ('{"n": 1', "Expecting"),
])
def test_server_mode_arguments_that_cannot_be_decoded_are_invalid_json(arguments, phrase):
    answer = ServerAnswer("hermes")
    answer.add({"tool_calls": [{"index": 0, "function": {"name": "f", "arguments": arguments}}]})
    calls, _, errors = answer.tool_calls()
    assert calls == [] and codes(errors) == ["invalid_json"]
    assert phrase in errors[0].message and "so the call was not run" in errors[0].message

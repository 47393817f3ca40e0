"""Qwen3-Coder XML dialect: value newlines, schema conversion, recoveries."""

import pytest

from agentkit.parsing import render_tool_call_xml
from agentkit.parsing.schema import convert_value
from parsing_checks import codes, parse


def tool(name: str, **properties) -> dict:
    return {"type": "function", "function": {"name": name, "parameters": {
        "type": "object", "properties": properties}}}


WEATHER = tool("get_weather", city={"type": "string"}, days={"type": "integer"},
               metric={"type": "boolean"})


def test_well_formed_call_with_schema():
    raw = render_tool_call_xml("get_weather", {"city": "Seoul", "days": 3, "metric": True})
    turn = parse("I'll look.\n\n" + raw, tools=[WEATHER])
    call = turn.tool_calls[0]
    assert (call.name, call.arguments, call.dialect, call.raw) == (
        "get_weather", {"city": "Seoul", "days": 3, "metric": True}, "xml", raw)
    assert turn.content == "I'll look."
    assert turn.warnings == turn.errors == []


def test_exactly_one_newline_each_side_belongs_to_the_markup():
    text = "<tool_call>\n<function=w>\n<parameter=text>\n\n  two lines\n\n\n</parameter>\n</function>\n</tool_call>"
    assert parse(text).tool_calls[0].arguments == {"text": "\n  two lines\n\n"}


def test_value_without_newlines_is_kept_whole():
    text = "<tool_call><function=w><parameter=a>x</parameter></function></tool_call>"
    assert parse(text).tool_calls[0].arguments == {"a": "x"}


def test_without_schema_values_are_strings_unless_clearly_json():
    raw = render_tool_call_xml("unknown", {"n": "42", "flag": "true", "obj": {"a": 1}, "arr": [1]})
    assert parse(raw).tool_calls[0].arguments == {"n": "42", "flag": "true", "obj": {"a": 1}, "arr": [1]}


@pytest.mark.parametrize(("schema", "text", "value"), [
    ({"type": "string"}, "007", "007"),
    ({"type": "string"}, "null", "null"),
    ({"type": "integer"}, " 42 ", 42),
    ({"type": "integer"}, "3.0", 3),
    ({"type": "number"}, "2.5", 2.5),
    ({"type": "number"}, "7", 7),
    ({"type": "number"}, ".5", 0.5),
    ({"type": "boolean"}, "True", True),
    ({"type": "boolean"}, "false", False),
    ({"type": "null"}, "null", None),
    ({"type": "array"}, '[1, "a"]', [1, "a"]),
    ({"type": "object"}, '{"k": [true]}', {"k": [True]}),
    ({"type": "object"}, "{'k': None}", {"k": None}),
    ({"enum": ["low", "high"]}, "high", "high"),
    ({"enum": [1, 2, 3]}, "2", 2),
    ({"type": ["string", "null"]}, "null", None),
    ({"type": ["string", "null"]}, "text", "text"),
    ({"type": ["integer", "null"]}, "5", 5),
    ({"type": ["integer", "string"]}, "5", 5),
    ({"type": ["integer", "string"]}, "five", "five"),
    ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "null", None),
    ({"anyOf": [{"type": "integer"}, {"type": "array"}]}, "[1]", [1]),
    ({"oneOf": [{"type": "boolean"}, {"type": "string"}]}, "true", True),
    ({"properties": {}}, '{"a": 1}', {"a": 1}),
    ({"type": "int"}, "4", 4),
    ({"description": "no type"}, '{"a": 1}', {"a": 1}),
    ({"description": "no type"}, "plain", "plain"),
])
def test_schema_conversion(schema, text, value):
    converted, expected = convert_value(text, schema)
    assert expected is None
    assert converted == value and type(converted) is type(value)


@pytest.mark.parametrize(("schema", "text"), [
    ({"type": "integer"}, "many"),
    ({"type": "integer"}, "2.5"),
    ({"type": "boolean"}, "yes"),
    ({"type": "array"}, "{}"),
    ({"enum": ["low", "high"]}, "medium"),
    ({"type": "integer"}, "9" * 5000),
])
def test_value_that_does_not_fit_stays_a_string(schema, text):
    assert convert_value(text, schema)[0] == text
    assert convert_value(text, schema)[1]


def test_schema_mismatch_is_a_warning_and_keeps_the_call():
    text = "<tool_call>\n<function=get_weather>\n<parameter=days>\nthree\n</parameter>\n</function>\n</tool_call>"
    turn = parse(text, tools=[WEATHER])
    assert turn.tool_calls[0].arguments == {"days": "three"}
    assert codes(turn.warnings) == ["schema_mismatch"]
    assert "integer" in turn.warnings[0].message


def test_missing_close_parameter_value_ends_at_the_next_tag():
    text = ("<tool_call>\n<function=f>\n<parameter=a>\n1\n<parameter=b>\n2\n</parameter>\n"
            "</function>\n</tool_call>")
    turn = parse(text)
    assert turn.tool_calls[0].arguments == {"a": "1", "b": "2"}
    assert codes(turn.warnings) == ["missing_close_tag"]


def test_missing_close_function_inside_a_closed_block():
    text = "<tool_call>\n<function=f>\n<parameter=a>\n1\n</parameter>\n</tool_call>"
    turn = parse(text)
    assert turn.tool_calls[0].arguments == {"a": "1"}
    assert codes(turn.warnings) == ["missing_close_tag"]


def test_missing_close_tool_call_at_end_with_complete_function():
    text = "<tool_call>\n<function=f>\n<parameter=a>\n1\n</parameter>\n</function>\n"
    turn = parse(text)
    assert turn.tool_calls[0].arguments == {"a": "1"}
    assert codes(turn.warnings) == ["missing_close_tag"]


def test_stray_debris_inside_and_after_the_block_is_ignored():
    # The shape seen from Qwen3.6-27B: an extra </function> and a stray
    # </function_invocation>.
    text = ("<tool_call>\n<function=f>\n<parameter=a>\n1\n</parameter>\n</function>\n</function>\n"
            "</tool_call>\n</function_invocation>\n")
    turn = parse(text)
    assert turn.tool_calls[0].arguments == {"a": "1"}
    assert turn.content == ""
    assert codes(turn.warnings) == ["stray_close_tag", "stray_close_tag"]


def test_closing_tags_in_ordinary_text_stay_visible():
    turn = parse("Use </function> to close it.")
    assert turn.content == "Use </function> to close it."
    assert turn.warnings == []


def test_two_functions_in_one_block_are_two_calls():
    text = "<tool_call>\n<function=a>\n</function>\n<function=b>\n</function>\n</tool_call>"
    assert [c.name for c in parse(text).tool_calls] == ["a", "b"]


def test_junk_after_the_function_is_reported():
    text = "<tool_call>\n<function=a>\n</function>\nThat is all.\n</tool_call>"
    turn = parse(text)
    assert [c.name for c in turn.tool_calls] == ["a"]
    assert codes(turn.warnings) == ["trailing_junk"]


def test_function_without_tool_call_envelope_is_not_run():
    text = "<function=f>\n<parameter=a>\n1\n</parameter>\n</function>"
    turn = parse(text)
    assert turn.tool_calls == []
    assert turn.content == text
    assert codes(turn.warnings) == ["unwrapped_call"]


def test_a_parameter_set_twice_is_text_inside_the_first_value():
    # `</parameter><parameter=a>` inside the value of `a` is what a file about
    # tool calls contains; a model setting `a` twice is the rarer reading.
    text = "<tool_call><function=f><parameter=a>1</parameter><parameter=a>2</parameter></function></tool_call>"
    assert parse(text).tool_calls[0].arguments == {"a": "1</parameter><parameter=a>2"}


def test_bare_tool_definitions_are_accepted():
    bare = {"name": "f", "parameters": {"type": "object", "properties": {"n": {"type": "integer"}}}}
    text = "<tool_call><function=f><parameter=n>5</parameter></function></tool_call>"
    assert parse(text, tools=[bare]).tool_calls[0].arguments == {"n": 5}

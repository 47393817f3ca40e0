"""Hermes JSON dialect: the envelope, the JSON boundary, and each recovery."""

import pytest

from agentkit.parsing import hermes, parse_assistant, render_tool_call_hermes
from parsing_checks import codes, parse


def block(body: str) -> str:
    return f"<tool_call>\n{body}\n</tool_call>"


def test_well_formed_call():
    raw = render_tool_call_hermes("get_weather", {"city": "Seoul", "days": 3})
    turn = parse("Checking.\n" + raw)
    call = turn.tool_calls[0]
    assert (call.name, call.arguments, call.dialect, call.raw) == (
        "get_weather", {"city": "Seoul", "days": 3}, "hermes", raw)
    assert turn.content == "Checking."
    assert turn.errors == turn.warnings == []


def test_parallel_calls_keep_their_order():
    text = "\n".join(render_tool_call_hermes(n, {}) for n in ("a", "b", "c"))
    assert [c.name for c in parse(text).tool_calls] == ["a", "b", "c"]


def test_close_tag_inside_a_json_string_does_not_end_the_block():
    arguments = {"text": "write </tool_call> and <tool_call> literally"}
    turn = parse(render_tool_call_hermes("note", arguments) + "\nafter")
    assert turn.tool_calls[0].arguments == arguments
    assert turn.content == "after"


def test_escaped_quote_before_the_close_tag_in_a_string():
    arguments = {"text": 'a \\" b \\\\" </tool_call>'}
    assert parse(render_tool_call_hermes("note", arguments)).tool_calls[0].arguments == arguments


def test_json_outside_tool_call_envelope_is_content():
    turn = parse('{"name": "get_weather", "arguments": {}}')
    assert turn.tool_calls == []
    assert turn.content.startswith("{")


def test_trailing_junk_after_the_object_is_dropped_with_warning():
    turn = parse(block('{"name": "f", "arguments": {"x": 1}}}\nhope this helps'))
    assert turn.tool_calls[0].arguments == {"x": 1}
    assert codes(turn.warnings) == ["trailing_junk"]
    assert "hope this helps" in turn.warnings[0].message


def test_leading_junk_before_the_object():
    turn = parse(block('```json\n{"name": "f", "arguments": {}}\n```'))
    assert [c.name for c in turn.tool_calls] == ["f"]
    assert codes(turn.warnings) == ["leading_junk", "trailing_junk"]


def test_arguments_given_as_a_json_string_are_decoded():
    turn = parse(block('{"name": "f", "arguments": "{\\"city\\": \\"Seoul\\"}"}'))
    assert turn.tool_calls[0].arguments == {"city": "Seoul"}
    assert codes(turn.warnings) == ["arguments_as_string"]


def test_parameters_key_instead_of_arguments():
    turn = parse(block('{"name": "f", "parameters": {"a": [1, 2]}}'))
    assert turn.tool_calls[0].arguments == {"a": [1, 2]}
    assert codes(turn.warnings) == ["parameters_key"]


def test_python_literal_is_accepted():
    turn = parse(block("{'name': 'f', 'arguments': {'flag': True, 'none': None}}"))
    assert turn.tool_calls[0].arguments == {"flag": True, "none": None}
    assert codes(turn.warnings) == ["python_literal"]


@pytest.mark.parametrize(("literal", "arguments"), [
    ("{1: 2, (3, 4): 'x'}", {"1": 2, "(3, 4)": "x"}),
    ("{'a': (1, 2), 'b': {3}, 'c': b'x', 'd': 1j}", {"a": [1, 2], "b": [3], "c": "x", "d": "1j"}),
])
def test_python_literal_values_become_json_data(literal, arguments):
    turn = parse(block(f"{{'name': 'f', 'arguments': {literal}}}"))
    assert turn.tool_calls[0].arguments == arguments


@pytest.mark.parametrize("body", ['{"name": "f"}', '{"name": "f", "arguments": null}'])
def test_missing_or_null_arguments_mean_no_arguments(body):
    turn = parse(block(body))
    assert turn.tool_calls[0].arguments == {}
    assert turn.warnings == []


def test_a_list_of_calls_in_one_block():
    turn = parse(block('[{"name": "a", "arguments": {}}, {"name": "b", "arguments": {"x": 1}}]'))
    assert [(c.name, c.arguments) for c in turn.tool_calls] == [("a", {}), ("b", {"x": 1})]
    assert codes(turn.warnings) == ["calls_as_list"]


def test_missing_close_tag_at_end_of_output_keeps_a_complete_call():
    turn = parse('<tool_call>\n{"name": "f", "arguments": {"x": 1}}\n')
    assert turn.tool_calls[0].arguments == {"x": 1}
    assert codes(turn.warnings) == ["missing_close_tag"]


def test_missing_close_tag_before_the_next_call():
    text = '<tool_call>\n{"name": "a", "arguments": {}}\n' + render_tool_call_hermes("b", {})
    turn = parse(text)
    assert [c.name for c in turn.tool_calls] == ["a", "b"]
    assert codes(turn.warnings) == ["missing_close_tag"]
    assert turn.tool_calls[0].raw == text[: text.index("<tool_call>", 1)]


def test_unbalanced_quote_does_not_swallow_the_rest_of_the_output():
    # `"it"s"` opens a string the model never closes on this line; the raw
    # newline tells the scanner the quotes are broken.
    text = block('{"name": "f", "arguments": {"q": "it"s"}}') + "\nVisible."
    turn = parse(text)
    assert codes(turn.errors) == ["invalid_json"]
    assert turn.content == "Visible."


def test_stray_close_tool_call_in_content_is_dropped():
    turn = parse("Done.</tool_call>")
    assert turn.content == "Done."
    assert codes(turn.warnings) == ["stray_close_tag"]


def test_tool_call_name_whitespace_is_trimmed():
    assert parse(block('{"name": " f ", "arguments": {}}')).tool_calls[0].name == "f"


@pytest.mark.parametrize("body", [
    '{"name": "f", "arguments": {"a": 1}}',
    '\n  {"name": " f ", "arguments": {}}  \n',
    '{"name": "f"}',
    '{"name": "f", "arguments": null}',
    '{"name": "f", "parameters": {"a": 1}}',
    '{"name": "f", "arguments": {"a": 1}, "parameters": {"b": 2}}',
    '{"name": "f", "arguments": "{\\"a\\": 1}"}',
    '{"name": "f", "arguments": [1]}',
    '{"name": "", "arguments": {}}',
    '{"name": 3, "arguments": {}}',
    '{"name": "f", "arguments": {"a": 1}} junk',
    'junk {"name": "f", "arguments": {"a": 1}}',
    '{"name": "f", "arguments": {"a": "<b>"}}',
    '{"name": "f", "arguments": {"a": "x',
    "{'name': 'f', 'arguments': {'a': True}}",
    '[{"name": "f", "arguments": {}}]',
])
def test_the_plain_hermes_reader_gives_what_the_general_path_gives(body, monkeypatch):
    text = f"<tool_call>{body}</tool_call>"
    fast = parse_assistant(text)
    monkeypatch.setattr(hermes, "plain_arguments", lambda text, start, end: None)
    assert fast == parse_assistant(text)

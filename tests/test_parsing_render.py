"""The serialisers write the exact bytes of the real Qwen templates."""

import pytest

from agentkit.parsing import parse_assistant, render_tool_call_hermes, render_tool_call_xml
from agentkit.serving.chat_template import load_chat_template, render_chat

ARGUMENTS = {
    "text": "line one\nline two ü",
    "count": 3,
    "ratio": 0.5,
    "items": ["a", 1, None],
    "options": {"deep": {"x": "é"}},
}


def test_xml_layout_matches_the_qwen36_template():
    # Qwen3.6: strings as they are, everything else through tojson
    # (json.dumps with ensure_ascii=False and the default separators).
    assert render_tool_call_xml("write", ARGUMENTS) == (
        "<tool_call>\n<function=write>\n"
        "<parameter=text>\nline one\nline two ü\n</parameter>\n"
        "<parameter=count>\n3\n</parameter>\n"
        "<parameter=ratio>\n0.5\n</parameter>\n"
        '<parameter=items>\n["a", 1, null]\n</parameter>\n'
        '<parameter=options>\n{"deep": {"x": "é"}}\n</parameter>\n'
        "</function>\n</tool_call>"
    )


def test_xml_scalars_use_json_literals_not_python_ones():
    # Qwen3.5's template wrote `True`/`None` (`| string`); Qwen3.6 fixed that.
    assert render_tool_call_xml("f", {"flag": True, "none": None}) == (
        "<tool_call>\n<function=f>\n<parameter=flag>\ntrue\n</parameter>\n"
        "<parameter=none>\nnull\n</parameter>\n</function>\n</tool_call>"
    )


def test_xml_without_arguments():
    assert render_tool_call_xml("ping", {}) == "<tool_call>\n<function=ping>\n</function>\n</tool_call>"


def test_hermes_layout_matches_the_qwen3_template():
    assert render_tool_call_hermes("write", {"text": "ü", "n": [1, 2]}) == (
        '<tool_call>\n{"name": "write", "arguments": {"text": "ü", "n": [1, 2]}}\n</tool_call>'
    )


def test_hermes_string_arguments_are_pasted_as_is():
    assert render_tool_call_hermes("f", '{"a":1}') == '<tool_call>\n{"name": "f", "arguments": {"a":1}}\n</tool_call>'


WRITE_TOOL = {"type": "function", "function": {"name": "write", "parameters": {"type": "object", "properties": {
    "text": {"type": "string"}, "count": {"type": "integer"}, "ratio": {"type": "number"},
    "items": {"type": "array"}, "options": {"type": "object"}}}}}


@pytest.mark.parametrize("render", [render_tool_call_xml, render_tool_call_hermes])
def test_rendered_calls_parse_back(render):
    turn = parse_assistant(render("write", ARGUMENTS), tools=[WRITE_TOOL])
    assert turn.tool_calls[0].arguments == ARGUMENTS
    assert turn.warnings == turn.errors == []


def _assistant_turn(template: str, arguments: dict) -> str:
    messages = [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"type": "function", "function": {"name": "write", "arguments": arguments}}]},
    ]
    return render_chat(load_chat_template(template), messages, add_generation_prompt=False)


@pytest.mark.parametrize(("template", "render"), [
    ("qwen3.6", render_tool_call_xml), ("hermes", render_tool_call_hermes)])
def test_the_kit_chat_templates_render_the_same_bytes(template, render):
    assert render("write", ARGUMENTS) in _assistant_turn(template, ARGUMENTS)


def test_the_kit_qwen36_template_renders_json_scalars():
    arguments = {"flag": True, "none": None}
    assert render_tool_call_xml("write", arguments) in _assistant_turn("qwen3.6", arguments)

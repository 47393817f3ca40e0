"""Drift in real Qwen3.6 output that the parser recovers, and markup inside values.

Each case is parsed whole and streamed one character at a time (`parse`).
"""

import pytest

from agentkit.parsing import render_tool_call_xml
from parsing_checks import codes, parse


def tool(name: str, **properties) -> dict:
    return {"type": "function", "function": {"name": name, "parameters": {
        "type": "object", "properties": properties}}}


WRITE = tool("write_file", path={"type": "string"}, content={"type": "string"})
SEARCH = tool("search", q={"type": "string"}, limit={"type": "integer"}, opts={"type": "object"},
              ids={"type": "array"}, exact={"type": "boolean"})
TOOLS = [WRITE, SEARCH]
EXAMPLE = render_tool_call_xml("get_weather", {"city": "Seoul"})


def write(content: str) -> str:
    return render_tool_call_xml("write_file", {"path": "t.txt", "content": content})


# -- values that contain markup -------------------------------------------------

@pytest.mark.parametrize("content", [
    "x = '<parameter=path>y.py</parameter>'",
    "line\n</parameter>\n<parameter=body>\nmore",
    "Example:\n" + EXAMPLE + "\nend",
    "fixture = '''\n" + EXAMPLE + "\n'''",
    "a </tool_call> b <tool_call> c",
    "</parameter> is how a value ends",
])
def test_markup_inside_a_value_stays_in_the_value(content):
    turn = parse(write(content) + "\nDone.", tools=TOOLS)
    assert [c.arguments for c in turn.tool_calls] == [{"path": "t.txt", "content": content}]
    assert (turn.content, turn.errors, turn.warnings) == ("Done.", [], [])


def test_a_value_ends_at_a_close_followed_by_an_unset_parameter():
    text = ("<tool_call>\n<function=write_file>\n<parameter=content>\nline\n</parameter>\n<parameter=body>\n"
            "more\n</parameter>\n<parameter=path>\nt.md\n</parameter>\n</function>\n</tool_call>")
    call = parse(text, tools=TOOLS).tool_calls[0]
    # `body` is not a parameter of write_file, `path` is and is not set yet.
    assert call.arguments == {"content": "line\n</parameter>\n<parameter=body>\nmore", "path": "t.md"}


def test_a_value_that_never_ends_by_the_rule_falls_back_to_the_first_tag():
    text = "<tool_call>\n<function=search>\n<parameter=q>\nx\n</tool_call>\nThanks"
    turn = parse(text, tools=TOOLS)
    assert [c.arguments for c in turn.tool_calls] == [{"q": "x"}]
    assert turn.content == "Thanks" and codes(turn.warnings) == ["missing_close_tag", "missing_close_tag"]


# -- null, objects and arrays written as text -------------------------------------

def search(**values: str) -> str:
    params = "".join(f"<parameter={k}>\n{v}\n</parameter>\n" for k, v in values.items())
    return f"<tool_call>\n<function=search>\n{params}</function>\n</tool_call>"


@pytest.mark.parametrize("null", ["null", "NULL", "Null"])
def test_null_is_json_null_for_parameters_that_take_no_text(null):
    turn = parse(search(q=null, limit=null, opts=null, ids=null, exact=null), tools=TOOLS)
    assert turn.tool_calls[0].arguments == {"q": null, "limit": None, "opts": None, "ids": None, "exact": None}
    assert turn.warnings == []


@pytest.mark.parametrize(("text", "value", "how"), [
    ('"{\\"a\\": 1}"', {"a": 1}, "a JSON string holding JSON"),
    ("{'a': 1, 'b': [2, None, True]}", {"a": 1, "b": [2, None, True]}, "a Python literal"),
    ('"[1, 2]"', [1, 2], "a JSON string holding JSON"),
    ("(1, 'x')", [1, "x"], "a Python literal"),
])
def test_objects_and_arrays_written_as_text_are_decoded_with_a_warning(text, value, how):
    key = "opts" if isinstance(value, dict) else "ids"
    turn = parse(search(**{key: text}), tools=TOOLS)
    assert turn.tool_calls[0].arguments == {key: value}
    assert codes(turn.warnings) == ["value_as_text"] and how in turn.warnings[0].message


def test_python_code_is_never_evaluated():
    turn = parse(search(opts="__import__('os').system('true')"), tools=TOOLS)
    assert turn.tool_calls[0].arguments == {"opts": "__import__('os').system('true')"}
    assert codes(turn.warnings) == ["schema_mismatch"]


# -- tags the model bent ------------------------------------------------------------

def test_spacing_inside_tags_is_accepted():
    text = "<tool_call>\n<function = search>\n<parameter =q>\nx\n</parameter>\n<parameter= limit >\n3\n</parameter>\n</function>\n</tool_call>"
    turn = parse(text, tools=TOOLS)
    assert [(c.name, c.arguments) for c in turn.tool_calls] == [("search", {"q": "x", "limit": 3})]
    assert turn.errors == turn.warnings == []


def test_an_empty_block_is_a_warning_and_no_call():
    turn = parse("Nothing to do.\n<tool_call></tool_call>", tools=TOOLS)
    assert turn.tool_calls == [] and turn.errors == [] and codes(turn.warnings) == ["empty_tool_call"]
    assert turn.content == "Nothing to do."


@pytest.mark.parametrize("name", ["{{ name }}", "{{name}}", "{% tool %}"])
def test_a_template_placeholder_never_runs(name):
    text = f"<tool_call>\n<function={name}>\n<parameter=q>\nx\n</parameter>\n</function>\n</tool_call>"
    turn = parse(text, tools=TOOLS)
    assert turn.tool_calls == [] and codes(turn.errors) == ["placeholder_name"]
    assert "placeholder" in turn.errors[0].message and "not run" in turn.errors[0].message


# -- a call without its <tool_call> opener -----------------------------------------

BARE = "<function=search>\n<parameter=q>\nx\n</parameter>\n</function>"


@pytest.mark.parametrize("after", ["", "\n</tool_call>", "\n</tool_call>\nThanks", "\nThanks"])
def test_a_complete_function_of_an_offered_tool_runs_without_its_opener(after):
    turn = parse("Let me look.\n" + BARE + after, tools=TOOLS)
    assert [(c.name, c.arguments) for c in turn.tool_calls] == [("search", {"q": "x"})]
    assert codes(turn.warnings) == ["unwrapped_call_run"] and turn.errors == []
    assert "without its <tool_call> opening tag; it was run" in turn.warnings[0].message
    assert turn.content == ("Let me look.\n" + after.replace("</tool_call>", "")).strip()


@pytest.mark.parametrize(("text", "tools"), [
    (BARE, None),  # no tools offered
    (BARE.replace("search", "delete_everything"), TOOLS),  # not an offered tool
    (BARE.replace("</function>", ""), TOOLS),  # never completed
    (BARE.replace("</function>", "<tool_call>"), TOOLS),  # a real block began first
    ("<function={{ name }}>\n<parameter=q>\nx\n</parameter>\n</function>", TOOLS),
])
def test_anything_less_than_that_stays_text(text, tools):
    turn = parse(text, tools=tools)
    assert turn.tool_calls == []
    assert "unwrapped_call" in codes(turn.warnings)
    assert turn.content.startswith("<function=")

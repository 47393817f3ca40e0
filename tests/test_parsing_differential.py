"""Differential tests against mlx-lm's reference parsers (mlx-lm 0.32.2).

On well-formed calls, agentkit and mlx-lm must agree on every name and
argument (hypothesis, `max_examples` 250 per dialect). Where they differ on
malformed input, each test below states what both do and which is right.
`mlx_server` replays what mlx_lm.server does with an output: its
`TextStateMachine` splits reasoning, content and tool text (the loop in
`handle_completion`, condensed), and every tool block goes to the tool parser;
a block whose parser raises is dropped, as `ToolCallFormatter` does.
"""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlx_lm.generate import TextStateMachine
from mlx_lm.tool_parsers import json_tools, qwen3_coder

from agentkit.parsing import parse_assistant, render_tool_call_hermes, render_tool_call_xml

EXAMPLES_PER_DIALECT = 250
SETTINGS = dict(max_examples=EXAMPLES_PER_DIALECT, deadline=None,
                suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])

SERVER_STATES = TextStateMachine({
    "normal": [("<think>", "reasoning"), ("<tool_call>", "tool")],
    "reasoning": [("</think>", "normal"), ("<tool_call>", "tool")],
    "tool": [("</tool_call>", "normal")],
})


def mlx_server(text, parser, tools=None, opened=False, finish="stop"):
    """(content, reasoning, calls) as mlx_lm.server 0.32.2 would report them."""
    initial = "reasoning" if opened else "normal"
    state, segments = TextStateMachine.split(SERVER_STATES.make_state(initial), text)
    if finish == "length":  # max_tokens: the server flushes its held-back text
        state, flushed, current = TextStateMachine.flush(state)
        segments.append((current, flushed))
    content = reasoning = tool_text = ""
    blocks, previous = [], initial
    for name, piece in segments:
        if name == "reasoning":
            reasoning += piece
        elif name == "tool":
            tool_text += piece
        elif name == "normal":
            if previous == "tool":
                blocks.append(tool_text)
                tool_text = ""
            content += piece
        previous = name
    if previous == "tool" and tool_text:
        blocks.append(tool_text)
    calls = []
    for block in blocks:
        try:
            parsed = parser.parse_tool_call(block, tools)
        except (ValueError, json.JSONDecodeError):
            continue  # logged as "likely truncated" and dropped
        calls += parsed if isinstance(parsed, list) else [parsed]
    return content, reasoning, calls


def ours(text, tools=None, opened=False):
    turn = parse_assistant(text, tools=tools, prompt_opened_think=opened)
    return turn, [{"name": c.name, "arguments": c.arguments} for c in turn.tool_calls]


def body(block: str) -> str:
    """The text between <tool_call> and </tool_call>, which mlx-lm's parsers take."""
    return block[len("<tool_call>") : -len("</tool_call>")]


# -- agreement on well-formed calls ------------------------------------------

MARKUP = re.compile(r"</?(think|tool_call|function|parameter)")
text = st.text(st.sampled_from(list("abz AZ09.,:;-_'\"\\/<>{}[]\n") + ["é", "中"]), max_size=30)
safe_text = text.filter(lambda s: not MARKUP.search(s) and s.lower() != "null")
identifier = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-10**9, 10**9) | st.floats(allow_nan=False, allow_infinity=False) | safe_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(safe_text, inner, max_size=3), max_leaves=6)
# The schema types on which both parsers are meant to agree.
schema_and_value = st.one_of(
    st.tuples(st.just({"type": "string"}), safe_text),
    st.tuples(st.just({"type": "integer"}), st.integers(-10**12, 10**12)),
    st.tuples(st.just({"type": "number"}), st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)),
    st.tuples(st.just({"type": "boolean"}), st.booleans()),
    st.tuples(st.just({"type": "array"}), st.lists(json_value, max_size=3)),
    st.tuples(st.just({"type": "object"}), st.dictionaries(safe_text, json_value, max_size=3)),
    st.tuples(st.just({"type": "string", "enum": ["a", "b c"]}), st.sampled_from(["a", "b c"])),
)


@settings(**SETTINGS)
@given(name=identifier, arguments=st.dictionaries(text, json_value, max_size=4))
def test_hermes_agrees_with_json_tools(name, arguments):
    block = render_tool_call_hermes(name, arguments)
    turn, calls = ours(block)
    assert calls == [json_tools.parse_tool_call(body(block))]
    assert turn.warnings == turn.errors == []


@settings(**SETTINGS)
@given(name=identifier, params=st.dictionaries(identifier, schema_and_value, max_size=4))
def test_xml_agrees_with_qwen3_coder(name, params):
    properties = {p: schema for p, (schema, _) in params.items()}
    tools = [{"type": "function", "function": {"name": name, "parameters": {"type": "object", "properties": properties}}}]
    block = render_tool_call_xml(name, {p: value for p, (_, value) in params.items()})
    turn, calls = ours(block, tools)
    # == on purpose: mlx-lm turns a whole float into an int (2.0 -> 2); see below.
    assert calls == [qwen3_coder.parse_tool_call(body(block), tools)]
    assert turn.warnings == turn.errors == []


# -- where they differ, and which is right -------------------------------------

WEATHER = [{"type": "function", "function": {"name": "w", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}, "days": {"type": "integer"}, "ratio": {"type": "number"},
    "unit": {"type": ["string", "null"]}, "limit": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
    "level": {"enum": [1, 2, 3]}}}}}]


def xml_call(**values: str) -> str:
    params = "".join(f"<parameter={k}>\n{v}\n</parameter>\n" for k, v in values.items())
    return f"<tool_call>\n<function=w>\n{params}</function>\n</tool_call>"


def test_close_tag_inside_a_json_string():
    # mlx-lm's state machine ends the block at the first </tool_call>, so the
    # JSON is cut, the call is dropped and its tail leaks into the content.
    # Ours decodes the JSON by its own boundary. Ours is right: the text is a
    # valid call and the string is the model's data.
    text = render_tool_call_hermes("note", {"text": "say </tool_call>"})
    content, _, calls = mlx_server(text, json_tools)
    assert calls == [] and '"}}' in content
    assert ours(text)[1] == [{"name": "note", "arguments": {"text": "say </tool_call>"}}]


def test_trailing_junk_after_the_json_object():
    # json.loads rejects the whole block; ours keeps the call and warns. Ours
    # is right by policy: the call itself is complete and unambiguous.
    text = '<tool_call>\n{"name": "f", "arguments": {"a": 1}}}\n</tool_call>'
    assert mlx_server(text, json_tools)[2] == []
    turn, calls = ours(text)
    assert calls == [{"name": "f", "arguments": {"a": 1}}] and turn.warnings[0].code == "trailing_junk"


def test_arguments_given_as_a_json_string():
    # mlx-lm passes the string through, so the server's JSON `arguments`
    # field ends up encoded twice. Ours decodes it and warns. Ours is right:
    # a tool needs an object.
    text = '<tool_call>\n{"name": "f", "arguments": "{\\"a\\": 1}"}\n</tool_call>'
    assert mlx_server(text, json_tools)[2] == [{"name": "f", "arguments": '{"a": 1}'}]
    assert ours(text)[1] == [{"name": "f", "arguments": {"a": 1}}]


def test_call_planned_inside_a_closed_think_block():
    # mlx-lm switches to "tool" inside reasoning, runs the call, and the rest of
    # the reasoning plus a literal </think> land in the content. Ours keeps it
    # all as reasoning and warns `call_in_reasoning`. Ours is right by policy:
    # the model went on thinking and closed </think>, so the call was a plan.
    text = "Maybe " + render_tool_call_hermes("f", {}) + " no.\n</think>\n\nAnswer."
    content, reasoning, calls = mlx_server(text, json_tools, opened=True)
    assert calls == [{"name": "f", "arguments": {}}] and "</think>" in content
    turn, calls = ours(text, opened=True)
    assert calls == [] and turn.content == "Answer." and turn.warnings[0].code == "call_in_reasoning"


def test_call_cut_off_by_max_tokens():
    # mlx-lm drops it silently (finish_reason "length"); ours reports
    # truncated_tool_call, which the loop can send back. Ours is right: a
    # silent loss leaves the agent waiting for a call that never comes.
    text = '<tool_call>\n{"name": "f", "arguments": {"a": '
    assert mlx_server(text, json_tools, finish="length")[2] == []
    assert [e.code for e in ours(text)[0].errors] == ["truncated_tool_call"]


def test_xml_missing_close_function():
    # mlx-lm's regex needs </function> at the end: "No function provided", the
    # call is dropped. Ours recovers it with a warning, as the policy says.
    text = "<tool_call>\n<function=w>\n<parameter=city>\nSeoul\n</parameter>\n</tool_call>"
    assert mlx_server(text, qwen3_coder, WEATHER)[2] == []
    assert ours(text, WEATHER)[1] == [{"name": "w", "arguments": {"city": "Seoul"}}]


def test_xml_extra_close_function_debris():
    # Qwen3.6-27B drift: an extra </function>. mlx-lm's non-greedy regex still
    # ends at the last </function>, so both find the call; ours also warns.
    text = "<tool_call>\n<function=w>\n<parameter=city>\nSeoul\n</parameter>\n</function>\n</function>\n</tool_call>"
    assert mlx_server(text, qwen3_coder, WEATHER)[2] == [{"name": "w", "arguments": {"city": "Seoul"}}]
    turn, calls = ours(text, WEATHER)
    assert calls == [{"name": "w", "arguments": {"city": "Seoul"}}] and turn.warnings[0].code == "stray_close_tag"


def test_xml_invalid_integer():
    # mlx-lm raises on "3.5" for an integer and drops the whole call. Ours
    # keeps the call with the text and warns `schema_mismatch`, so the tool's
    # validation can tell the model exactly which argument was wrong.
    text = xml_call(city="Oslo", days="3.5")
    assert mlx_server(text, qwen3_coder, WEATHER)[2] == []
    turn, calls = ours(text, WEATHER)
    assert calls == [{"name": "w", "arguments": {"city": "Oslo", "days": "3.5"}}]
    assert turn.warnings[0].code == "schema_mismatch"


@pytest.mark.parametrize(("param", "value", "theirs", "mine"), [
    # The string "null" for a string parameter: mlx-lm turns "null" into None
    # for every parameter. The schema says string, so the text is right.
    ("city", "null", None, "null"),
    # ["string", "null"] and "123": mlx-lm falls through to literal_eval and
    # returns the integer 123, which the schema does not allow.
    ("unit", "123", 123, "123"),
    # anyOf [integer, null] and "5": mlx-lm only reads "type", so it keeps the
    # string; the schema says integer.
    ("limit", "5", "5", 5),
    # enum [1, 2, 3] without a type: mlx-lm keeps "2"; only 2 is a member.
    ("level", "2", "2", 2),
    # A whole float for a number: mlx-lm returns int 2, ours keeps JSON's 2.0.
    # Equal in Python; both fine.
    ("ratio", "2.0", 2, 2.0),
    # An unknown parameter holding a JSON object: mlx-lm keeps the text; ours
    # decodes it (documented choice: such text nearly always means an object).
    ("extra", '{"a": 1}', '{"a": 1}', {"a": 1}),
])
def test_xml_value_conversion_differences(param, value, theirs, mine):
    text = xml_call(**{param: value})
    theirs_calls = mlx_server(text, qwen3_coder, WEATHER)[2]
    assert theirs_calls[0]["arguments"][param] == theirs
    assert type(theirs_calls[0]["arguments"][param]) is type(theirs)
    mine_value = ours(text, WEATHER)[1][0]["arguments"][param]
    assert mine_value == mine and type(mine_value) is type(mine)


# -- drift of real Qwen3.6 output, and values that hold markup ------------------

TOOLS = [{"type": "function", "function": {"name": "write_file", "parameters": {"type": "object", "properties": {
    "path": {"type": "string"}, "content": {"type": "string"}}}}},
         {"type": "function", "function": {"name": "search", "parameters": {"type": "object", "properties": {
             "q": {"type": "string"}, "limit": {"type": "integer"}, "opts": {"type": "object"}}}}}]
EXAMPLE = render_tool_call_xml("get_weather", {"city": "Seoul"})


@pytest.mark.parametrize(("content", "theirs"), [
    # A parser test fixture: mlx-lm's lazy regex ends the value at the first
    # </parameter>, so the file is written without its closing tag.
    ("x = '<parameter=path>y.py</parameter>'", {"content": "x = '<parameter=path>y.py"}),
    # A line that looks like the end of the value: mlx-lm invents a parameter
    # `body` write_file does not have, and cuts the file in two.
    ("a\n</parameter>\n<parameter=body>\nb", {"content": "a", "body": "b"}),
    # Documentation with an example call: mlx-lm's state machine ends the block
    # at the example's </tool_call>, the file stops at "Seoul" and the rest
    # leaks into the visible reply.
    ("Example:\n" + EXAMPLE + "\nend", {"content": "Example:\n<tool_call>\n<function=get_weather>\n<parameter=city>\nSeoul"}),
])
def test_values_that_hold_markup(content, theirs):
    # Ours is right: the value ends at the </parameter> the structure after it
    # confirms (see agentkit/parsing/xml_values.py), so the file is written
    # exactly as the model meant it.
    text = render_tool_call_xml("write_file", {"path": "t.py", "content": content})
    theirs_calls = mlx_server(text, qwen3_coder, TOOLS)[2]
    assert theirs_calls == [{"name": "write_file", "arguments": {"path": "t.py", **theirs}}]
    turn, calls = ours(text, TOOLS)
    assert calls == [{"name": "write_file", "arguments": {"path": "t.py", "content": content}}]
    assert turn.warnings == turn.errors == []


def test_null_for_an_integer_both_agree():
    text = "<tool_call>\n<function=search>\n<parameter=limit>\nNULL\n</parameter>\n</function>\n</tool_call>"
    assert mlx_server(text, qwen3_coder, TOOLS)[2] == ours(text, TOOLS)[1] == [
        {"name": "search", "arguments": {"limit": None}}]


@pytest.mark.parametrize(("value", "theirs"), [
    # An object written as a JSON string holding JSON: mlx-lm passes the
    # string on; the schema says object, so ours decodes it and warns.
    ('"{\\"a\\": 1}"', '{"a": 1}'),
    # A Python literal: both decode it (ast.literal_eval); ours also warns, so
    # the model learns to write JSON.
    ("{'a': 1, 'b': [2]}", {"a": 1, "b": [2]}),
])
def test_objects_written_as_text(value, theirs):
    text = f"<tool_call>\n<function=search>\n<parameter=opts>\n{value}\n</parameter>\n</function>\n</tool_call>"
    assert mlx_server(text, qwen3_coder, TOOLS)[2][0]["arguments"]["opts"] == theirs
    turn, calls = ours(text, TOOLS)
    assert isinstance(calls[0]["arguments"]["opts"], dict)
    assert [w.code for w in turn.warnings] == ["value_as_text"]


def test_call_without_its_tool_call_opener():
    # A frequent Qwen3.6 habit. mlx-lm never enters its tool state, so the call
    # is shown to the user as text, with a stray </tool_call>, and not run.
    # Ours runs it, with a warning that tells the model to wrap its calls: the
    # function is complete and names an offered tool, so it clearly was a call.
    text = "<function=search>\n<parameter=q>\nx\n</parameter>\n</function>\n</tool_call>"
    content, _, calls = mlx_server(text, qwen3_coder, TOOLS)
    assert calls == [] and content == text
    turn, calls = ours(text, TOOLS)
    assert calls == [{"name": "search", "arguments": {"q": "x"}}] and turn.content == ""
    assert [w.code for w in turn.warnings] == ["unwrapped_call_run"]


def test_spacing_inside_tags():
    # mlx-lm's regex needs `<function=` exactly: the call is dropped without a
    # word. Ours reads it; the tags are unambiguous.
    text = "<tool_call>\n<function = search>\n<parameter =q>\nx\n</parameter>\n</function>\n</tool_call>"
    assert mlx_server(text, qwen3_coder, TOOLS)[2] == []
    assert ours(text, TOOLS)[1] == [{"name": "search", "arguments": {"q": "x"}}]


def test_empty_block():
    # Both run nothing; ours also says so (`empty_tool_call`), so a model that
    # meant to call something learns that nothing ran.
    text = "<tool_call></tool_call>"
    assert mlx_server(text, qwen3_coder, TOOLS)[2] == []
    turn, calls = ours(text, TOOLS)
    assert calls == [] and [w.code for w in turn.warnings] == ["empty_tool_call"]


def test_template_placeholder():
    # A model that copies `<function={{ name }}>` from a format description:
    # mlx-lm runs a tool named "{{". Ours never runs it (`placeholder_name`).
    text = "<tool_call>\n<function={{ name }}>\n<parameter=q>\nx\n</parameter>\n</function>\n</tool_call>"
    assert mlx_server(text, qwen3_coder, TOOLS)[2] == [{"name": "{{", "arguments": {"q": "x"}}]
    turn, calls = ours(text, TOOLS)
    assert calls == [] and [e.code for e in turn.errors] == ["placeholder_name"]

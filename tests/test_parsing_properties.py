"""Property tests: rendered calls parse back exactly; garbage never breaks the parser.

Volume per run (hypothesis `max_examples`): round trip 300, calls planned in
reasoning 150, values holding markup 150, markup-rich garbage 600, plain
random text 300, fast paths against the general path 300.
"""

import json
import re
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from agentkit.parsing import block_scan, hermes, xml_calls
from agentkit.parsing import (
    ERROR_CODES, ContentDelta, ParsedTurn, ReasoningDelta, StreamParser, parse_assistant,
    render_tool_call_hermes, render_tool_call_xml,
)

ROUND_TRIP_EXAMPLES = 300
IN_REASONING_EXAMPLES = 150
MARKUP_VALUE_EXAMPLES = 150
FAST_PATH_EXAMPLES = 300
GARBAGE_EXAMPLES = 600
RANDOM_TEXT_EXAMPLES = 300
# How a trace writes a parsed turn and reads it back: pydantic, which knows dataclasses.
TRACED = TypeAdapter(ParsedTurn)
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# Text that must not contain markup of its own, or it would change the turn.
MARKUP = re.compile(r"</?(think|tool_call|function|parameter)")
ALPHABET = st.sampled_from(list("abcxyz XYZ019.,:;!?-_'\"\\/<>{}[]=()\n\t") + ["é", "ü", "中", "🙂"])
safe_text = st.text(ALPHABET, max_size=40).filter(lambda s: not MARKUP.search(s))
word = st.from_regex(r"[A-Za-z][A-Za-z ]{0,12}", fullmatch=True)  # never reads as JSON
identifier = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
json_leaf = st.none() | st.booleans() | st.integers(-10**15, 10**15) | st.floats(allow_nan=False, allow_infinity=False) | safe_text
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(safe_text, inner, max_size=3), max_leaves=8)


def typed(schema, values):
    return st.tuples(st.just(schema), values)


schema_and_value = st.one_of(
    typed({"type": "string"}, safe_text),
    typed({"type": "integer"}, st.integers(-10**15, 10**15)),
    typed({"type": "number"}, st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)),
    typed({"type": "boolean"}, st.booleans()),
    typed({"type": "null"}, st.none()),
    typed({"type": "array"}, st.lists(json_value, max_size=3)),
    typed({"type": "object"}, st.dictionaries(safe_text, json_value, max_size=3)),
    typed({"type": "string", "enum": ["low", "high", "x y"]}, st.sampled_from(["low", "high", "x y"])),
    typed({"enum": [1, 2, 3]}, st.sampled_from([1, 2, 3])),
    typed({"type": ["string", "null"]}, word | st.none()),
    typed({"type": ["integer", "null"]}, st.integers() | st.none()),
    typed({"anyOf": [{"type": "array"}, {"type": "string"}]}, word | st.lists(json_value, max_size=2)),
    typed({"oneOf": [{"type": "number"}, {"type": "boolean"}, {"type": "null"}]},
          st.floats(allow_nan=False, allow_infinity=False) | st.booleans() | st.none()),
    typed(None, word | st.dictionaries(safe_text, json_value, max_size=2) | st.lists(json_value, max_size=2)),
)


@st.composite
def tool_calls(draw):
    """A tool with a random schema, a call to it, and the call rendered in a random dialect."""
    name = draw(identifier)
    params = draw(st.dictionaries(identifier, schema_and_value, max_size=4))
    # Every parameter is declared (untyped ones with an empty schema): a value
    # ends at `</parameter><parameter=NAME>` only for a NAME the tool declares.
    properties = {p: schema or {} for p, (schema, _) in params.items()}
    tool = {"type": "function", "function": {"name": name, "parameters": {"type": "object", "properties": properties}}}
    arguments = {p: value for p, (_, value) in params.items()}
    dialect = draw(st.sampled_from(["hermes", "xml"]))
    render = render_tool_call_xml if dialect == "xml" else render_tool_call_hermes
    return tool, name, arguments, dialect, render(name, arguments)


@st.composite
def turns(draw):
    opened = draw(st.booleans())
    reasoning = draw(st.none() | safe_text) if not opened else draw(safe_text)
    content = draw(safe_text)
    calls = draw(st.lists(tool_calls(), max_size=3, unique_by=lambda call: call[1]))
    text = "" if reasoning is None else ("" if opened else "<think>\n") + reasoning + "\n</think>\n\n"
    # The Qwen3.6 template's layout: content, a blank line, the calls one per line.
    text += content + ("\n\n" if content.strip() and calls else "") + "\n".join(c[4] for c in calls)
    expected_reasoning = None if reasoning is None else reasoning.strip()
    return text, opened, [c[0] for c in calls], calls, expected_reasoning, content.strip()


@st.composite
def chunkings(draw, length):
    """Chunk sizes that add up to `length`: a few cuts anywhere, or token-sized pieces all along
    (1 to 6 characters, as a server streams them: a tag arrives in several chunks)."""
    if draw(st.booleans()):
        sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=8))
        pieces, total = [], 0
        while total < length:
            pieces.append(min(sizes[len(pieces) % len(sizes)], length - total))
            total += pieces[-1]
        return pieces
    cuts = draw(st.lists(st.integers(0, length), max_size=12))
    bounds = sorted(set(cuts) | {0, length})
    return [b - a for a, b in pairwise(bounds)]


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def stream(text, sizes, **options):
    parser, events, i = StreamParser(**options), [], 0
    for size in sizes:
        events += parser.feed(text[i : i + size])
        i += size
    events += parser.close()
    return events, parser.finish()


def canonical(value):
    # Strict equality: 1 and 1.0 and True differ in JSON, so compare the JSON text.
    return json.dumps(value, sort_keys=True)


@settings(max_examples=ROUND_TRIP_EXAMPLES, **SETTINGS)
@given(turn=turns(), data=st.data())
def test_rendered_calls_parse_back_exactly_under_any_chunking(turn, data):
    text, opened, tools, calls, reasoning, content = turn
    whole = parse_assistant(text, tools=tools, prompt_opened_think=opened)
    assert whole.errors == [] and whole.warnings == []
    assert (whole.reasoning, whole.content) == (reasoning, content)
    assert [(c.name, canonical(c.arguments), c.dialect, c.raw) for c in whole.tool_calls] == [
        (name, canonical(arguments), dialect, raw) for _, name, arguments, dialect, raw in calls]
    events, streamed = stream(text, data.draw(chunkings(len(text))), tools=tools, prompt_opened_think=opened)
    assert streamed == whole


@settings(max_examples=IN_REASONING_EXAMPLES, **SETTINGS)
@given(call=tool_calls(), before=safe_text, after=safe_text, closed=st.booleans())
def test_calls_in_reasoning_count_only_when_the_think_never_closes(call, before, after, closed):
    tool, name, arguments, dialect, raw = call
    text = before + "\n" + raw + "\n" + after + ("\n</think>\n\nok" if closed else "")
    turn = parse_assistant(text, tools=[tool], prompt_opened_think=True)
    if closed:
        assert turn.tool_calls == []
        assert raw in turn.reasoning
        assert [w.code for w in turn.warnings] == ["call_in_reasoning"]
    else:
        assert [canonical(c.arguments) for c in turn.tool_calls] == [canonical(arguments)]
        assert turn.reasoning == before.strip() and turn.content == after.strip()
        assert [w.code for w in turn.warnings] == ["missing_close_tag"]


# Text a coding agent writes into files: markup that is not the call's own.
EXAMPLE_CALL = render_tool_call_xml("get_weather", {"city": "Seoul", "days": 3})
VALUE_PIECES = [
    "x = '<parameter=path>a.py</parameter>'", "</parameter>\n<parameter=body>", "\n</parameter>\n",
    EXAMPLE_CALL, "text </tool_call>", "<parameter=content>",
]
WRITE_FILE = {"type": "function", "function": {"name": "write_file", "parameters": {"type": "object", "properties": {
    "path": {"type": "string"}, "content": {"type": "string"}}}}}


@st.composite
def values_with_markup(draw):
    """A file body with markup in it, balanced where a reader could not tell otherwise:
    a call it opens is closed, and it does not end in a line that closes one."""
    pieces = draw(st.lists(st.sampled_from(VALUE_PIECES) | safe_text, max_size=6))
    return "".join(pieces) + "\nend"


@settings(max_examples=MARKUP_VALUE_EXAMPLES, **SETTINGS)
@given(path=word, content=values_with_markup(), after=safe_text, data=st.data())
def test_values_that_hold_markup_come_back_whole_under_any_chunking(path, content, after, data):
    raw = render_tool_call_xml("write_file", {"path": path, "content": content})
    text = raw + "\n" + after
    whole = parse_assistant(text, tools=[WRITE_FILE])
    assert [c.arguments for c in whole.tool_calls] == [{"path": path, "content": content}]
    assert whole.errors == [] and whole.content == after.strip()
    events, streamed = stream(text, data.draw(chunkings(len(text))), tools=[WRITE_FILE])
    assert streamed == whole
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == whole.content


FRAGMENTS = [
    "<think>", "</think>", "<tool_call>", "</tool_call>", "<function=f>", "<function=", "</function>",
    "<parameter=a>", "<parameter=", "</parameter>", "</function_invocation>", "<tool_", "</thi", "<",
    ">", "{", "}", "[", "]", '"', "\\", ":", ",", '"name"', '"arguments"', "null", "1", "true",
    "\n", " ", "a", "é", "'", "<think", "</tool_call", "=", "{'name': 'f', 'arguments': ", "{1: (2,)}",
    "True", "None", "(", ")", "<parameter=n>", "<parameter=b>", "<parameter=o>", "3.5", "[1]",
    "<function = f>", "<parameter =a>", "<function={{ name }}>", "NULL", "{'a': 1}", '"{\\"a\\": 1}"', "...",
    "<tool_call></tool_call>", "\n</parameter>\n<parameter=a>\n", "<parameter=zz>",
]
# The garbage calls `f`, whose parameters exercise schema conversion.
FUZZ_TOOLS = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {
    "a": {"type": ["string", "null"]}, "n": {"type": "integer"}, "b": {"type": "boolean"},
    "o": {"anyOf": [{"type": "object"}, {"type": "array"}, {"type": "null"}]}}}}}]
garbage = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
random_text = st.text(max_size=200)


def check_never_breaks(text, sizes, opened):
    whole = parse_assistant(text, tools=FUZZ_TOOLS, prompt_opened_think=opened)
    events, streamed = stream(text, sizes, tools=FUZZ_TOOLS, prompt_opened_think=opened)
    assert streamed == whole
    content = [e.text for e in events if isinstance(e, ContentDelta)]
    reasoning = [e.text for e in events if isinstance(e, ReasoningDelta)]
    assert "".join(content) == whole.content
    assert "".join(reasoning) == (whole.reasoning or "")
    for delta in content:
        assert not any(tag in delta for tag in ("<think>", "</think>", "<tool_call>", "</tool_call>"))
    assert not any("</think>" in delta for delta in reasoning)
    assert all(e.code in ERROR_CODES for e in whole.errors)
    assert not any(w.code in ERROR_CODES for w in whole.warnings)
    assert all(0 <= i.position <= len(text) for i in whole.errors + whole.warnings)
    assert all(call.raw in text for call in whole.tool_calls)


@settings(max_examples=GARBAGE_EXAMPLES, **SETTINGS)
@given(text=garbage, opened=st.booleans(), data=st.data())
def test_markup_rich_garbage_never_raises_and_streams_like_whole_text(text, opened, data):
    check_never_breaks(text, data.draw(chunkings(len(text))), opened)


@settings(max_examples=RANDOM_TEXT_EXAMPLES, **SETTINGS)
@given(text=random_text, opened=st.booleans(), data=st.data())
def test_random_text_never_raises(text, opened, data):
    check_never_breaks(text, data.draw(chunkings(len(text))), opened)


@settings(max_examples=FAST_PATH_EXAMPLES, **SETTINGS)
@given(call=tool_calls(), text=garbage, data=st.data())
def test_the_fast_paths_give_what_the_general_path_gives(call, text, data, monkeypatch_module):
    # The plain readers (one JSON decode or two regexes per block) and the
    # one-regex block end must agree with the general reading on calls, junk
    # and everything between.
    tool = call[0]
    sample = data.draw(st.sampled_from([call[4], text, call[4] + text, text + call[4]]))
    tools = data.draw(st.sampled_from([[tool], FUZZ_TOOLS, None]))
    fast = parse_assistant(sample, tools=tools)
    with monkeypatch_module.context() as patch:
        patch.setattr(xml_calls, "plain_arguments", lambda text, start, end, tools: None)
        patch.setattr(hermes, "plain_arguments", lambda text, start, end: None)
        patch.setattr(block_scan.BlockScanner, "_plain_call_end", lambda self, text, i: -1)
        general = parse_assistant(sample, tools=tools)
    assert fast == general
    # The results are dataclasses, built without validation: what a trace
    # writes and reads back (pydantic validates it then) must be what was built.
    assert TRACED.validate_json(TRACED.dump_json(fast)) == fast

"""Streaming: safe deltas, early events, held-back tag prefixes, chunking invariance."""

import random

from agentkit.parsing import (
    ContentDelta, IssueEvent, ReasoningDelta, StreamParser, ToolCallReady, parse_assistant,
    render_tool_call_hermes, render_tool_call_xml,
)
from agentkit.parsing.tags import LONGEST

TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}}}}]

MIXED = (
    "Let me plan <this> carefully.\nMaybe " + render_tool_call_hermes("get_weather", {"city": "Oslo"})
    + "\nno.\n</think>\n\nI'll check two cities: a<b and </b>.\n\n"
    + render_tool_call_xml("get_weather", {"city": "Seoul", "days": 2}) + "\n"
    + render_tool_call_hermes("get_weather", {"city": "x </tool_call> y"}) + "\n"
    + "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": [1]}\n</tool_call>\n</function>\nDone."
)
MARKUP = ("<think>", "</think>", "<tool_call>", "</tool_call>")


def run(text: str, sizes, **options):
    parser = StreamParser(**options)
    events, i = [], 0
    for size in sizes:
        events += parser.feed(text[i : i + size])
        i += size
    events += parser.feed(text[i:])
    events += parser.close()
    return events, parser.finish()


def random_sizes(rng: random.Random, total: int):
    sizes = []
    while sum(sizes) < total:
        sizes.append(rng.choice([1, 1, 2, 3, 4, 5, 8, 13, 40]))
    return sizes


def test_every_chunking_gives_the_whole_text_result_and_clean_deltas():
    whole = parse_assistant(MIXED, tools=TOOLS, prompt_opened_think=True)
    assert len(whole.tool_calls) == 2 and len(whole.errors) == 1 and len(whole.warnings) == 2
    rng = random.Random(7)
    cuts = [[k] for k in range(len(MIXED))] + [random_sizes(rng, len(MIXED)) for _ in range(300)]
    for sizes in cuts:
        events, turn = run(MIXED, sizes, tools=TOOLS, prompt_opened_think=True)
        assert turn == whole
        content = [e.text for e in events if isinstance(e, ContentDelta)]
        reasoning = [e.text for e in events if isinstance(e, ReasoningDelta)]
        assert "".join(content) == whole.content
        assert "".join(reasoning) == whole.reasoning
        assert not any(tag in delta for delta in content for tag in MARKUP)
        assert not any(tag in delta for delta in reasoning for tag in ("<think>", "</think>"))
        assert [e.call for e in events if isinstance(e, ToolCallReady)] == whole.tool_calls
        issues = [e.issue for e in events if isinstance(e, IssueEvent)]
        assert [i for i in issues if i.is_error] == whole.errors
        assert [i for i in issues if not i.is_error] == whole.warnings


def test_a_possible_tag_prefix_is_held_back_and_nothing_else():
    parser = StreamParser()
    assert parser.feed("Hello <tool_") == [ContentDelta("Hello")]
    assert parser.feed("call>\n{") == []
    assert parser.feed("no tag: <b> ") == []  # inside the block now: buffered until it ends
    parser = StreamParser()
    assert parser.feed("a <b") == [ContentDelta("a <b")]
    assert parser.feed("</thi") == []
    events = parser.feed("nk> x")
    assert [type(e) for e in events] == [IssueEvent, ContentDelta]
    assert (events[0].issue.code, events[1].text) == ("stray_close_tag", " x")


def test_pending_text_never_exceeds_a_tag_prefix():
    text = "word <tag> " * 50 + "<thi" + "x" * 30 + "</tool" + "y" * 30
    parser = StreamParser()
    for char in text:
        parser.feed(char)
        assert len(parser._pending) < LONGEST


def test_a_tool_call_event_arrives_when_its_block_closes():
    call = render_tool_call_xml("get_weather", {"city": "Seoul"})
    parser = StreamParser(tools=TOOLS)
    assert parser.feed("Checking.\n" + call[:-1]) == [ContentDelta("Checking.")]
    events = parser.feed(call[-1])
    assert [type(e) for e in events] == [ToolCallReady]
    assert events[0].call.arguments == {"city": "Seoul"}


def test_trailing_whitespace_is_held_until_text_follows():
    parser = StreamParser()
    assert parser.feed("a \n") == [ContentDelta("a")]
    assert parser.feed("\n") == []
    assert parser.feed("b") == [ContentDelta(" \n\nb")]
    assert parser.close() == []
    assert parser.finish().content == "a \n\nb"


def test_close_returns_the_last_events_and_finish_is_idempotent():
    parser = StreamParser()
    parser.feed('<tool_call>\n{"name": "f", "arguments": {}}')
    events = parser.close()
    assert [type(e) for e in events] == [ToolCallReady, IssueEvent]
    assert parser.close() == []
    assert parser.finish() is parser.finish()


def test_long_content_streams_with_text_held_back_only_at_tags():
    parser = StreamParser()
    emitted = "".join(e.text for e in parser.feed("x" * 10_000 + " <"))
    assert emitted == "x" * 10_000

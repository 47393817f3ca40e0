"""Shared checks for the parsing tests: every parse is also a streaming parse."""

from agentkit.parsing import ParsedTurn, StreamParser, parse_assistant


def parse(text: str, **options) -> ParsedTurn:
    """parse_assistant, checked against the stream parser fed one character at a time."""
    whole = parse_assistant(text, **options)
    parser = StreamParser(**options)
    for char in text:
        parser.feed(char)
    assert parser.finish() == whole
    return whole


def codes(issues):
    return [issue.code for issue in issues]

"""Parse one whole output: a shortcut for the usual shape, the stream machine for the rest.

Most outputs are reasoning, `</think>`, a reply, and well-formed tool-call
blocks, with no other `<` anywhere. For those, the parts can be cut with a few
`str.find`s and each block, up to its first `</tool_call>`, read where it lies by
`plain_call` (the plain readers `parse_block` itself tries first), or else cut
out and handed to the same `parse_block` the stream parser uses. A plain block
(`BlockResult.plain`) ends there for the stream's block scanner too; for any
other, the scanner is asked.
Anything else (a stray tag, a call in the reasoning, a block the output ended
in) goes through `StreamParser` in one chunk. The shortcut must give exactly
what the machine gives: the property tests compare the two on every random
output, because streaming still runs the machine.
"""

from __future__ import annotations

import re

from agentkit.parsing.block_scan import BlockScanner
from agentkit.parsing.blocks import parse_block, plain_call
from agentkit.parsing.stream import StreamParser
from agentkit.parsing.tags import CALL_CLOSE, CALL_OPEN, THINK_CLOSE
from agentkit.parsing.types import ParsedTurn

THINK_FIRST = re.compile(r"\s*<think>")


def parse_assistant(text: str, tools: list[dict] | None = None, prompt_opened_think: bool = False) -> ParsedTurn:
    """Parse one whole assistant output. The same answer as streaming it, in any chunks."""
    turn = _usual_shape(text, tools, prompt_opened_think)
    if turn is None:
        parser = StreamParser(tools=tools, prompt_opened_think=prompt_opened_think)
        parser.feed(text)
        turn = parser.finish()
    return turn


def _usual_shape(text: str, tools: list[dict] | None, opened: bool) -> ParsedTurn | None:
    """The parsed turn if `text` has the usual shape, else None.

    Its results are built with positional arguments (content, reasoning,
    tool_calls, errors, warnings): a dataclass built from keywords costs twice
    as much, and for a plain answer that is most of the parse."""
    reasoning, start = None, 0
    think = None if opened else THINK_FIRST.match(text)
    if opened or think:
        start = think.end() if think else 0
        # The first `<` must be the `</think>`: one scan finds both.
        end = text.find("<", start)
        if end == -1 or not text.startswith(THINK_CLOSE, end):
            return None
        reasoning, start = text[start:end].strip(), end + len(THINK_CLOSE)
    first_block = text.find("<", start)
    if first_block == -1:  # a plain answer, the cheapest case
        return ParsedTurn(text[start:].strip(), reasoning, [], [], [])
    if not text.startswith(CALL_OPEN, first_block):
        return None
    calls, errors, warnings = [], [], []
    at = first_block
    while at != -1:
        close = text.find(CALL_CLOSE, at)
        if close == -1:  # the output ended inside this block
            return None
        after = close + len(CALL_CLOSE)
        call = plain_call(text, at, after, tools)
        if call is not None:  # the usual block, read in place
            calls.append(call)
        else:
            result = parse_block(text[at:after], at, "closed", tools)
            if not result.plain:
                # Ask the block scanner where the block ends: a `</tool_call>`
                # inside a JSON string or an XML value is not the end.
                end, tag = BlockScanner(tools).scan(text, at + len(CALL_OPEN), final=True)
                if tag != CALL_CLOSE:
                    return None
                if end != close:
                    after = end + len(CALL_CLOSE)
                    result = parse_block(text[at:after], at, "closed", tools)
            calls += result.calls
            for issue in result.issues:
                (errors if issue.is_error else warnings).append(issue)
        # Only spaces may follow, up to the next block or the end. (A slice and
        # `isspace` cost less than a regex for the newline usually there.)
        at = text.find("<", after)
        gap = text[after:] if at == -1 else text[after:at]
        if (gap and not gap.isspace()) or (at != -1 and not text.startswith(CALL_OPEN, at)):
            return None
    return ParsedTurn(text[start:first_block].strip(), reasoning, calls, errors, warnings)

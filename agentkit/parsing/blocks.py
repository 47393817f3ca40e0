"""One `<tool_call>` block: pick its dialect, parse it, note how it ended.

The streaming parser cuts the output into blocks; this module turns the text of
one block into calls and issues. A block ends in one of three ways:

- `closed`: its `</tool_call>` arrived;
- `next_open`: a new `<tool_call>` began first (a missing `</tool_call>`);
- `eof`: the output ended inside it. The call is kept only if it is complete
  (a decodable JSON object, or an XML function with its `</function>`);
  otherwise it is a `truncated_tool_call`.
"""

from __future__ import annotations


from agentkit.parsing import hermes, xml_calls
from agentkit.parsing.hermes import parse_hermes
from agentkit.parsing.messages import make_issue, snippet_at
from agentkit.parsing.tags import CALL_CLOSE, CALL_OPEN, NON_SPACE
from agentkit.parsing.types import BlockResult, ToolCall
from agentkit.parsing.xml_calls import parse_xml



def detect_dialect(body: str) -> str:
    """`hermes`, `xml` or `unknown`, from the text between the tags."""
    first = body.lstrip()[:1]
    if first in ("{", "["):
        return "hermes"
    if "<function" in body or "<parameter=" in body:
        return "xml"
    if "{" in body:
        return "hermes"
    return "unknown"


def parse_block(raw: str, start: int, end_kind: str, tools: list[dict] | None) -> BlockResult:
    """Parse one block; `raw` runs from `<tool_call>` to where the block ended."""
    if end_kind == "closed":
        call = plain_call(raw, 0, len(raw), tools)
        if call is not None:
            return BlockResult([call], [], plain=True)
    closing = len(CALL_CLOSE) if end_kind == "closed" else 0
    body = raw[len(CALL_OPEN) : len(raw) - closing]
    body_pos = start + len(CALL_OPEN)
    complete = end_kind != "eof"
    dialect = detect_dialect(body)
    if dialect == "hermes":
        result = parse_hermes(body, body_pos, raw, complete)
    elif dialect == "xml":
        result = parse_xml(body, body_pos, raw, complete, tools)
    else:
        result = BlockResult(calls=[], issues=[_unknown_block_issue(body, start, raw, complete)])
    if result.calls and end_kind != "closed":
        where = "at the end of the output" if end_kind == "eof" else "before the next <tool_call>"
        result.issues.append(
            make_issue("missing_close_tag", start + len(raw), snippet_at(raw, len(raw)),
                       tag=CALL_CLOSE, where=where, outcome="the call was run.")
        )
    return result


def plain_call(text: str, start: int, end: int, tools: list[dict] | None) -> ToolCall | None:
    """The call in the closed block `text[start:end]` (`<tool_call>` to `</tool_call>`)
    when the block is plain (see `BlockResult.plain`), else None.

    The block is read where it lies: one JSON decode or two regexes, no copy of
    its body. Each dialect's reader takes only what its general path would read
    as one call with no issue, so `parse_block` gives the same answer for it.
    """
    body_start, body_end = start + len(CALL_OPEN), end - len(CALL_CLOSE)
    # The first character after spaces picks the dialect, as in `detect_dialect`.
    # The template writes one newline there: look past it before asking a regex.
    first = body_start + text.startswith("\n", body_start)
    if first < body_end and text[first].isspace():
        spaces_end = NON_SPACE.search(text, first, body_end)
        first = spaces_end.start() if spaces_end else body_end
    if first >= body_end:
        return None
    opener = text[first]
    if opener == "{":
        found, dialect = hermes.plain_arguments(text, first, body_end), "hermes"
    elif opener == "<":
        found, dialect = xml_calls.plain_arguments(text, body_start, body_end, tools), "xml"
    else:
        return None
    if found is None:
        return None
    # Positional: a dataclass built from keywords costs twice as much, and this is the usual call.
    return ToolCall(found[0], found[1], text[start:end], dialect)  # name, arguments, raw, dialect


def _unknown_block_issue(body: str, start: int, raw: str, complete: bool):
    if not complete:
        return make_issue("truncated_tool_call", start, snippet_at(raw, 0))
    if not body.strip():  # nothing was lost: a warning, so a reply with only this block is an answer
        return make_issue("empty_tool_call", start, snippet_at(raw, 0))
    detail = "found neither a JSON object nor a <function=...> block"
    return make_issue("invalid_json", start, snippet_at(raw, 0), detail=detail)

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

from agentkit.parsing.hermes import parse_hermes
from agentkit.parsing.messages import make_issue, snippet_at
from agentkit.parsing.tags import CALL_CLOSE, CALL_OPEN
from agentkit.parsing.types import BlockResult
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


def _unknown_block_issue(body: str, start: int, raw: str, complete: bool):
    if not complete:
        return make_issue("truncated_tool_call", start, snippet_at(raw, 0))
    if not body.strip():  # nothing was lost: a warning, so a reply with only this block is an answer
        return make_issue("empty_tool_call", start, snippet_at(raw, 0))
    detail = "found neither a JSON object nor a <function=...> block"
    return make_issue("invalid_json", start, snippet_at(raw, 0), detail=detail)

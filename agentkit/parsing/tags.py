"""The markup tags and the one question a streaming scanner asks about them.

At every `<` the scanner asks: is a tag starting here? The answer is a tag, no,
or "maybe": the text ends in the middle of what could still become a tag
(`<tool_` at the end of a chunk). "Maybe" is why a streaming parser must hold
back a few characters; everything before the `<` is safe to emit.
"""

from __future__ import annotations

import re

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
CALL_OPEN, CALL_CLOSE = "<tool_call>", "</tool_call>"
FUNCTION_OPEN = "<function="
"""How a Qwen3-Coder XML call names its function; outside a <tool_call> block it is not run."""
UNWRAPPED_FUNCTION = FUNCTION_OPEN
# Closing tags that real models leave behind after a call (Qwen3.6-27B).
DEBRIS = ("</function>", "</function_invocation>", "</parameter>")

CONTENT_TAGS = (THINK_OPEN, THINK_CLOSE, CALL_OPEN, CALL_CLOSE, UNWRAPPED_FUNCTION, *DEBRIS)
REASONING_TAGS = (THINK_CLOSE, CALL_OPEN, THINK_OPEN)
BLOCK_TAGS = (CALL_CLOSE, CALL_OPEN)
LONGEST = max(len(tag) for tag in CONTENT_TAGS)

MAYBE = "maybe"

NON_SPACE = re.compile(r"\S")
"""The first non-space character from a position: where a scanner looks after a tag or a value."""


def tag_at(text: str, index: int, tags: tuple[str, ...], final: bool) -> str | None:
    """The tag of `tags` that starts at `text[index]` (a `<`), None, or MAYBE.

    MAYBE means the text ends inside a possible tag; with `final` (no more
    input will come) the answer is None instead.
    """
    for tag in tags:
        if text.startswith(tag, index):
            return tag
    rest = len(text) - index
    if not final and rest < LONGEST:
        tail = text[index:]
        for tag in tags:
            if rest < len(tag) and tag.startswith(tail):
                return MAYBE
    return None


def partial_suffix(text: str, start: int, tag: str) -> int:
    """Where a proper prefix of `tag` begins at the end of `text[start:]`, else len(text)."""
    for size in range(min(len(tag) - 1, len(text) - start), 0, -1):
        if text.endswith(tag[:size]):
            return len(text) - size
    return len(text)
